"""Run one scenario headless: ``run_one(params, seed)`` and the `greatleap run` command's work.

``run_one`` knows nothing of experiments: give it a full parameter dict and a seed, get back the
monthly series, the annual table, the per-commune, per-county (official) and per-province tables and the summary.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from greatleap import atomic
from greatleap.errors import InputError, excerpt
from greatleap.inputs import output_folder
from greatleap.params import PARAMS, field_name, resolve


def run_one(params: dict[str, Any], seed: int) -> dict[str, Any]:
    from greatleap.model import FamineModel

    model = FamineModel(rng=int(seed), **params).run()
    result = {
        "monthly": model.monthly_frame(),
        "annual": model.annual_frame(),
        "communes": model.commune_table(),
        "officials": model.official_table(),
        "provinces": model.province_table(),
        "ages": model.age_table(),
        "bodies": model.body_table(),
        "summary": model.summary(),
    }
    release(model)
    return result


def warm_up() -> float:
    """Load the compiled passes of ``greatleap.kernels`` (compiling and caching them the first
    time on a machine, ~5 s) by running a tiny model through its whole period, so that the first
    real run, or the dashboard's first Step, does not wait for them. Returns seconds taken."""
    import time

    import numpy as np

    from greatleap import kernels
    from greatleap.model import FamineModel

    t0 = time.perf_counter()
    model = FamineModel(rng=1, n_communes=4, commune_side=4).run()
    people = model.people  # nobody may flee in so small a world: load that pass anyway
    kernels.living_in(people.view("alive"), people.view("household"), np.ones(len(model.households), bool))
    release(model)
    return time.perf_counter() - t0


def release(model) -> None:
    """Let a finished model be freed: Mesa 3.3.1 keys ``Agent._ids`` by model, a class-level dict
    that keeps every model ever built (and its agents) alive until the process ends."""
    from mesa import Agent

    model.remove_all_agents()
    Agent._ids.pop(model, None)


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``["n_communes=9", "dining_halls=false"]`` -> typed, validated values. A parameter set
    twice is refused (which of the two was meant?)."""
    out: dict[str, Any] = {}
    typed: dict[str, str] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep:
            raise InputError("--set", f"expected NAME=VALUE, got {excerpt(pair)}")
        if name not in PARAMS:
            raise InputError(field_name(name), "unknown parameter; see `greatleap params` for the list")
        if name in typed:
            raise InputError(name, f"set twice (--set {name}={excerpt(typed[name])[1:-1]} and "
                                   f"--set {name}={excerpt(text)[1:-1]}); allowed: once per parameter")
        typed[name] = text
        out[name] = PARAMS[name].check(_parse_value(text.strip(), PARAMS[name]))
    return out


def _parse_value(text: str, param) -> Any:
    if param.type is bool:
        lowered = text.lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        return text
    if param.choices or "_" in text or not text.isascii():
        return text  # Python would read "2_0" as 20 and "٣" as 3: left as text, the check refuses it
    try:
        return int(text) if param.type is int else float(text)
    except ValueError:
        return text


def format_summary(scenario: str, seed: int, s: dict) -> str:
    def fmt(value, spec):
        return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)

    lines = [
        f"greatleap run: scenario {scenario}, seed {seed}",
        f"  excess deaths 1959-61:      {fmt(s['excess_deaths'], ',.0f')} "
        f"({fmt(100 * s['excess_death_share'], '.2f')}% of the starting population; "
        f"{fmt(s['excess_deaths_china_m'], '.1f')} M scaled to China)",
        f"  peak crude death rate:      {fmt(s['peak_cdr'], '.1f')} per 1000 (registered) in {fmt(s['peak_cdr_year'], '.0f')}",
        f"  1958 report / true harvest: {fmt(s['report_ratio_1958'], '.2f')}",
        f"  peak procurement share:     {fmt(s['peak_procurement_share'], '.3f')} in {fmt(s['peak_procurement_year'], '.0f')}",
        f"  retreat:                    {_retreat_text(s)}",
    ]
    return "\n".join(lines)


def _retreat_text(s: dict) -> str:
    """The lasting retreat's month and why the centre retreated (centre.CAUSES), or "never"."""
    from greatleap.centre import CAUSES

    month = s.get("retreat_month")
    if month is None or (isinstance(month, float) and math.isnan(month)):
        return "never"
    k = int(month)
    cause = s.get("retreat_cause")
    why = CAUSES[int(cause)] if cause is not None and not math.isnan(cause) else ""
    return f"{1957 + k // 12}-{k % 12 + 1:02d}" + (f" ({why})" if why else "")


def run_and_save(scenario: str, seed: int, overrides: dict[str, Any], out: Path | None,
                 overwrite: bool = False) -> str:
    params = resolve(scenario, **overrides)
    if out is not None:
        check_run_folder(out, overwrite)
    result = run_one(params, seed)
    if out is not None:  # the fourteen tables replace the folder as a whole: never two runs' files
        atomic.replace_folder(out, {name: atomic.table_bytes(result[name.split(".")[0]], "." + name.split(".")[1])
                                    for name in RUN_FILES})
    text = format_summary(scenario, seed, result["summary"])
    if out is not None:
        text += (f"\n  written to {out}/ (monthly, annual, communes, officials, provinces, ages, bodies as "
                 ".parquet and .csv)")
    return text


RUN_FILES = [f"{name}.{ext}" for name in ("monthly", "annual", "communes", "officials", "provinces", "ages", "bodies")
             for ext in ("parquet", "csv")]


def check_run_folder(out: Path, overwrite: bool) -> None:
    """The folder of one run's tables: new, empty, or an earlier run's (replaced with --overwrite).
    Any other file in it is refused, because the folder is replaced whole."""
    output_folder(out, "--out", replaced=True)
    if not out.is_dir():
        return
    entries = sorted(e for e in os.listdir(out) if not e.startswith(".tmp-"))
    results = [e for e in entries if e in RUN_FILES]
    others = [e for e in entries if e not in RUN_FILES]
    if others:
        raise InputError("--out", f"{out} holds files that are not a run's results ({', '.join(map(excerpt, others[:3]))}"
                                  f"{', ...' if len(others) > 3 else ''}); allowed: a new or empty folder, or one "
                                  "holding an earlier run's results (replaced whole with --overwrite)")
    if results and not overwrite:
        raise InputError("--out", f"{out} already holds results ({results[0]}); pass --overwrite to replace them")
