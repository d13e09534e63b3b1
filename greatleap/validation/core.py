"""The check registry, the verdict record, and the helpers the checks share.

A check is a small function ``f(rs: RunSet) -> Outcome`` registered with ``@check(fact, expected,
runs)``: ``fact`` is the stylized fact's number (as in docs/validation.md), ``expected`` the direction or band in
words, ``runs`` the run names it reads. It computes the model's figure from the runs and says
whether the expectation holds; it never knows the answer in advance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

HOLDS, FAILS, NOT_MODELLED = "holds", "fails", "not modelled"
FAMINE_YEARS = (1959, 1960, 1961)
CHINA_1957_M = 646.5  # million people, the scale of "excess deaths scaled to China"


@dataclass(frozen=True)
class Outcome:
    model: str  # the model's figure, in words and numbers
    holds: bool
    why: str = ""  # what the comparison found (shown when the check fails)


@dataclass(frozen=True)
class Verdict:
    fact: str
    name: str
    title: str
    expected: str
    model: str
    verdict: str
    reason: str


@dataclass(frozen=True)
class Check:
    fact: str
    name: str
    title: str
    expected: str
    runs: tuple[str, ...]
    fn: Callable

    def evaluate(self, rs) -> Verdict:
        missing = [r for r in self.runs if r not in rs.results]
        if missing:
            return Verdict(self.fact, self.name, self.title, self.expected, "", NOT_MODELLED,
                           f"runs not made: {', '.join(missing)}")
        try:
            out = self.fn(rs)
        except (KeyError, IndexError, ValueError, ZeroDivisionError) as exc:  # e.g. a series the model dropped
            return Verdict(self.fact, self.name, self.title, self.expected, "", FAILS,
                           f"the check could not be computed: {type(exc).__name__}: {exc}")
        holds = bool(out.holds) and "nan" not in out.model.lower()
        reason = "" if holds else (out.why or "the model's figure is outside the expected band")
        if "nan" in out.model.lower():
            reason = "the model's figure is undefined (NaN) in some seeds or years"
        return Verdict(self.fact, self.name, self.title, self.expected, out.model,
                       HOLDS if holds else FAILS, reason)


CHECKS: list[Check] = []


def check(fact: int | str, expected: str, runs: tuple[str, ...] = ("baseline",)):
    def register(fn: Callable) -> Callable:
        title = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        CHECKS.append(Check(str(fact), fn.__name__, title, expected, tuple(runs), fn))
        return fn
    return register


# ---- helpers ------------------------------------------------------------------------------
def yearly(rs, run: str, column: str) -> pd.Series:
    """Mean over seeds of an annual column, by year."""
    return rs.annual(run, column).mean(axis=1)


def excess_share(rs, run: str) -> pd.Series:
    """Excess deaths 1959-61 over the 1957 rate, as a share of the starting population, per seed."""
    return rs.summary(run, "excess_death_share")


def mean_excess(rs, run: str) -> float:
    return float(excess_share(rs, run).mean())


def relative(cf: float, base: float) -> float:
    return cf / base if base and math.isfinite(base) and base > 0 else float("nan")


def excess_ratio(rs, run: str, base: str = "baseline") -> tuple[float, np.ndarray, np.ndarray]:
    """Mean excess deaths of ``run`` relative to ``base``, and both runs' excess shares per seed
    (seed i of every run shares its random numbers, so the two arrays pair up seed by seed)."""
    r = relative(mean_excess(rs, run), mean_excess(rs, base))
    return r, excess_share(rs, run).to_numpy(), excess_share(rs, base).to_numpy()


def compare_excess(rs, run: str, want: str, bound: float, base: str = "baseline") -> Outcome:
    """Excess deaths of ``run`` against ``base``: holds when the mean ratio is within ``bound``
    (``want`` "fewer": ratio <= bound; "more": ratio >= bound) and most seeds move that way."""
    r, a, b = excess_ratio(rs, run, base)
    moved = a < b if want == "fewer" else a > b
    ok = (r <= bound if want == "fewer" else r >= bound) and moved.mean() > 0.5
    return Outcome(f"{r:.2f} x {base} excess deaths ({share_of_seeds(moved)} {want})", ok,
                   f"{run} gives {r:.2f} x the excess deaths of {base}, {share_of_seeds(moved)} {want}")


def excess_expected(what: str, want: str, bound: float, base_words: str = "baseline", note: str = "") -> str:
    """The expected-band sentence of a ``compare_excess`` check, written from the bound it tests."""
    side = "at most" if want == "fewer" else "at least"
    return f"{what}: excess deaths {side} {bound:g} x {base_words}, {want} in most seeds{note}"


def excess_check(fact: int, name: str, title: str, what: str, run: str, want: str, bound: float,
                 note: str = "") -> Callable:
    """Register the check "``run`` (``what``) gives ``want`` excess deaths than the baseline, by
    ``bound``", named ``name``. The bound is written once, so the sentence and the test agree."""
    def fn(rs):
        return compare_excess(rs, run, want, bound)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = title
    return check(fact, excess_expected(what, want, bound, note=note), runs=("baseline", run))(fn)


def in_band(x: float, lo: float, hi: float) -> bool:
    return math.isfinite(x) and lo <= x <= hi


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def output_fall(rs, run: str) -> float:
    """Fall of the mean 1959-61 true harvest below 1957, in index points (1957 = 100)."""
    index = yearly(rs, run, "output_index")
    return float(100 - index.loc[list(FAMINE_YEARS)].mean())


def fall_ratio(rs, run: str, base: str = "baseline") -> float:
    """The output fall of ``run`` as a share of that of ``base`` (NaN when ``base`` does not fall)."""
    fall = output_fall(rs, base)
    return output_fall(rs, run) / fall if fall > 0 else float("nan")


def first_retreat(monthly: pd.DataFrame) -> int | None:
    """Row index of the first month with the retreat in force, or None."""
    on = np.flatnonzero(monthly["retreat"].to_numpy() > 0)
    return int(on[0]) if len(on) else None


def share_of_seeds(flags) -> str:
    flags = list(flags)
    return f"{sum(bool(f) for f in flags)}/{len(flags)} seeds"


def within_rank_corr(df: pd.DataFrame, x: str, y: str, groups: list[str]) -> float:
    """Correlation of within-group ranks of x and y (Spearman, pooled over groups)."""
    ranks = df.groupby(groups)[[x, y]].rank()
    centred = ranks - ranks.groupby([df[g] for g in groups]).transform("mean")
    a, b = centred[x].to_numpy(), centred[y].to_numpy()
    denom = math.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else float("nan")
