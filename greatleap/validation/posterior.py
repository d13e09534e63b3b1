"""Conclusions under uncertainty: every check over posterior draws, and the counterfactuals'
excess deaths as posterior intervals (``greatleap validate --posterior DIR``).

Draws are particles of a calibration's last generation (``DIR/posterior.csv``, written by
``greatleap calibrate``), resampled by weight with a fixed seed; each draw runs the baseline and
every counterfactual for seeds 1..N (common random numbers within a draw), exactly as
``greatleap validate`` does for the defaults.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greatleap.errors import InputError
from greatleap.params import PARAMS, UNCERTAINTY
from greatleap.validation.checks import evaluate
from greatleap.validation.core import HOLDS, NOT_MODELLED, mean_excess
from greatleap.validation.diagnoses import diagnosis
from greatleap.validation.runs import RUNS, run_all
from greatleap.validation.tables import RUN_TITLES

NUMBER = r"\d+(?:\.\d+)?"


def posterior_draws(folder, n: int, seed: int = 1959) -> list[dict[str, Any]]:
    """``n`` draws of the posterior in ``folder`` (resampled by weight), as parameter overrides."""
    path = Path(folder) / "posterior.csv"
    if not path.is_file():
        raise InputError("posterior", f"{folder} has no posterior.csv; allowed: a folder `greatleap calibrate` wrote")
    df = pd.read_csv(path)
    names = [c for c in df.columns if c != "weight"]
    bad = [c for c in names if c not in PARAMS or PARAMS[c].kind != UNCERTAINTY]
    if bad or "weight" not in df or df.empty:
        raise InputError("posterior", f"{path} is not a calibration's posterior (columns: uncertainties and weight)")
    w = df["weight"].to_numpy(float)
    idx = np.random.default_rng(seed).choice(len(df), size=n, replace=True, p=w / w.sum())
    return [{k: (int(round(v)) if PARAMS[k].type is int else float(v)) for k, v in df.iloc[i][names].items()}
            for i in idx]


def validate_posterior(folder, draws: int, seeds: int, size: str, overrides: dict[str, Any],
                       workers: int | None, progress=None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Per check: the share of draws in which it holds; per counterfactual: excess deaths relative to
    the baseline, per draw. Returns (checks table, counterfactual table, the draws)."""
    samples = posterior_draws(folder, draws)
    held: dict[str, list[bool]] = {}
    reasons: dict[str, str] = {}  # per check, the measured reason in the first draw in which it fails
    titles: dict[str, tuple[str, str]] = {}
    ratios: dict[str, list[float]] = {run: [] for run in RUNS if run != "baseline"}
    base_excess = []
    for k, draw in enumerate(samples):
        rs = run_all(seeds=seeds, size=size, overrides={**draw, **overrides}, workers=workers)
        for v in evaluate(rs):
            if v.verdict == NOT_MODELLED:
                continue
            held.setdefault(v.name, []).append(v.verdict == HOLDS)
            if v.verdict != HOLDS and v.name not in reasons:
                reasons[v.name] = _measured(v, k + 1)
            titles[v.name] = (v.fact, v.title)
        base = mean_excess(rs, "baseline")
        base_excess.append(base)
        for run in ratios:
            cf = mean_excess(rs, run)
            ratios[run].append(cf / base if base > 0 and math.isfinite(base) else math.nan)
        if progress:
            progress(f"draw {k + 1}/{len(samples)} done")
    checks = pd.DataFrame([{"fact": titles[n][0], "check": n, "title": titles[n][1],
                            "share_holding": float(np.mean(h)), "draws": len(h), "reason": reasons.get(n, "")}
                           for n, h in held.items()])
    rows = [{"run": "baseline", "title": RUN_TITLES.get("baseline", "baseline"), "what": "excess deaths, % of population",
             **_interval(100 * np.array(base_excess))}]
    rows += [{"run": run, "title": RUN_TITLES.get(run, run), "what": "x baseline excess deaths",
              **_interval(np.array(r))} for run, r in ratios.items()]
    return checks, pd.DataFrame(rows), samples


def _measured(v, draw: int) -> str:
    """A failing verdict's reason, with the model's figures when the reason does not give them all."""
    given = set(re.findall(NUMBER, v.reason))
    text = v.reason if set(re.findall(NUMBER, v.model)) <= given else f"{v.reason} (model: {v.model})"
    return f"draw {draw}: {text}"


def _interval(x: np.ndarray) -> dict[str, float]:
    x = x[np.isfinite(x)]
    if not len(x):
        return {"median": math.nan, "p5": math.nan, "p95": math.nan}
    return {"median": float(np.median(x)), "p5": float(np.percentile(x, 5)), "p95": float(np.percentile(x, 95))}


def render(checks: pd.DataFrame, cfs: pd.DataFrame, command: str, draws: int, seeds: int, size: str,
           expected: set[str] | None = None) -> str:
    majority = int((checks.share_holding > 0.5).sum())
    lines = ["# Validation over the posterior", "",
             f"Generated by `{command}`: {draws} posterior draws x {seeds} seeds per run, size `{size}`. "
             "Each check is evaluated in every draw; the share is of draws in which it holds.", "",
             f"**{majority} of {len(checks)} checks hold in the majority of draws.**", "",
             "| fact | check | share of draws holding |" + (" expected to hold |" if expected is not None else ""),
             "|---|---|---|" + ("---|" if expected is not None else "")]
    for r in checks.itertuples():
        extra = f" {'yes' if r.check in expected else 'no'} |" if expected is not None else ""
        lines.append(f"| {r.fact} | {r.title} (`{r.check}`) | {r.share_holding:.0%} |{extra}")
    lines += _missing_section(checks)
    lines += ["", "## Counterfactuals: excess deaths 1959-61 relative to the baseline", "",
              "Median and 5-95% interval over the posterior draws (each draw's ratio is of seed-mean excess "
              "deaths).", "", "| run | what | median | 5-95% |", "|---|---|---|---|"]
    for r in cfs.itertuples():
        lines.append(f"| {r.title} (`{r.run}`) | {r.what} | {r.median:.2f} | {r.p5:.2f}-{r.p95:.2f} |")
    return "\n".join(lines) + "\n"


def _missing_section(checks: pd.DataFrame) -> list[str]:
    """Each check holding in at most half the draws: its share, the model's measured reason in the
    first draw in which it fails, and what the model lacks for it to hold (diagnoses.py)."""
    lines = ["", "## Checks that do not hold in most draws: what is missing", "",
             "For each check holding in at most half the draws: the model's measured reason in the first draw "
             "(in draw order) in which it fails, the mechanism it tests and what the model lacks for it to hold "
             "(`greatleap/validation/diagnoses.py`).", ""]
    weak = checks[checks.share_holding <= 0.5]
    for r in weak.itertuples():
        reason = getattr(r, "reason", "")
        measured = f" Measured, {reason}." if isinstance(reason, str) and reason else ""
        d = diagnosis(r.check)
        why = f" {d.text()}" if d else ""
        lines.append(f"- **Fact {r.fact}, {r.title}** (`{r.check}`), holds in {r.share_holding:.0%} of draws."
                     f"{measured}{why}")
    return lines if len(weak) else lines + ["Every check holds in most draws."]
