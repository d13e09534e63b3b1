"""What the lessons' claims measure: figures of one run, and builders that turn a figure into a
claim's measure on one seed's runs.

A figure reads one ``run_one`` result ``r`` ({"monthly", "annual", "communes", "officials",
"summary"}). A measure reads one seed's runs by name (``runs``: "current", "comparison" and any
extras of the lesson) and returns a float, or a pair (a, b) for claims added over seeds.

Most claims compare one figure between two runs, or between two dates of one run; the builders
(``of_run``, ``runs_ratio``, ``runs_pair``, ``dates_ratio``) write that comparison once, so a claim
in ``registry.py`` names its figure and its runs in one line. Claims of another shape keep a small
named function at the end of this file.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

Measure = Callable[[dict], Any]


# ---- figures of one run ------------------------------------------------------------------------
def _annual(r, year: int, column: str) -> float:
    a = r["annual"].set_index("year")
    return float(a.loc[year, column])


def _month(r, date: str, column: str) -> float:
    m = r["monthly"].set_index("date")
    return float(m.loc[date, column])


def _months(r, dates: list[str], column: str) -> np.ndarray:
    m = r["monthly"].set_index("date")
    return m.loc[dates, column].to_numpy(dtype=float)


def report_ratio_official(r, year: int) -> float:
    """What officials reported upward / the true harvest, for one year's harvests."""
    return _annual(r, year, "report_ratio_official")


def report_ratio_cadre(r, year: int) -> float:
    """What the commune cadres reported / the true harvest, for one year's harvests."""
    return _annual(r, year, "report_ratio_cadre")


def starvation_deaths(r) -> float:
    """Deaths from starvation and famine disease over the whole run."""
    return float(r["summary"]["starvation_deaths"])


def starvation_deaths_1961_62(r) -> float:
    """Deaths from starvation and famine disease in 1961 and 1962."""
    a = r["annual"].set_index("year")
    return float(a.loc[[1961, 1962], "deaths_starvation"].sum())


def excess_deaths(r) -> float:
    """Deaths in 1959-61 above the 1957 death rate (the model's excess deaths)."""
    return float(r["summary"]["excess_deaths"])


def excess_death_share(r) -> float:
    """Excess deaths 1959-61 as a share of the starting population."""
    return float(r["summary"]["excess_death_share"])


def month_harvest(r, date: str) -> float:
    """The grain one month's harvest really yielded (kg)."""
    return _month(r, date, "harvest_true_kg")


def year_harvest(r, year: int) -> float:
    """The grain a year's harvests really yielded (kg)."""
    return _annual(r, year, "harvest_true_kg")


def quota_share_of_harvest(r, date: str) -> float:
    """The quota set on one month's harvest / the grain that harvest really yielded."""
    return _month(r, date, "quota_kg") / _month(r, date, "harvest_true_kg")


def quota_share_of_year(r, year: int) -> float:
    """Quotas set on a year's harvests / what those harvests really yielded."""
    return _annual(r, year, "quota_kg") / _annual(r, year, "harvest_true_kg")


def mean_kcal(r, dates: list[str]) -> float:
    """Mean energy intake of villagers over some months (kcal per person per day)."""
    return float(_months(r, dates, "kcal_mean").mean())


def village_grain(r, date: str) -> float:
    """Grain left in the villages at the end of a month: hall larders, household and hidden stores."""
    return float(sum(_month(r, date, c) for c in ("commune_stock_kg", "household_stock_kg", "hidden_grain_kg")))


def lowest_field_labour(r, dates: list[str]) -> float:
    """The smallest share of able labour in the fields over some months."""
    return float(_months(r, dates, "labour_fields").min())


def highest_furnace_labour(r, dates: list[str]) -> float:
    """The largest share of able labour at the backyard furnaces over some months."""
    return float(_months(r, dates, "labour_furnaces").max())


def cadres_purged(r, after: str | None = None) -> float:
    """Cadres purged in the run (or from a month on)."""
    m = r["monthly"]
    if after is not None:
        m = m[m["date"] >= after]
    return float(m["cadres_purged"].sum())


def months_of(r, column: str) -> list[str]:
    """Months in which a monthly series is above zero."""
    m = r["monthly"]
    return list(m.loc[m[column] > 0, "date"])


def first_month(r, column: str) -> str | None:
    months = months_of(r, column)
    return months[0] if months else None


# ---- builders: a figure compared between runs or dates, as a claim's measure -------------------
def of_run(run: str, figure: Callable, *args) -> Measure:
    """``figure(r, *args)`` of one run."""
    def measure(runs):
        return figure(runs[run], *args)
    return measure


def runs_ratio(top: str, bottom: str, figure: Callable, *args) -> Measure:
    """``figure`` in run ``top`` / the same figure in run ``bottom`` (same seed, same dates)."""
    def measure(runs):
        return figure(runs[top], *args) / figure(runs[bottom], *args)
    return measure


def runs_pair(top: str, bottom: str, figure: Callable, *args) -> Measure:
    """(``figure`` in ``top``, in ``bottom``): a pair per seed, for claims added over seeds, where
    a seed with few deaths in ``bottom`` must not dominate the ratio."""
    def measure(runs):
        return figure(runs[top], *args), figure(runs[bottom], *args)
    return measure


def dates_ratio(run: str, figure: Callable, new, old) -> Measure:
    """``figure`` at ``new`` / at ``old`` (months or years) in one run."""
    def measure(runs):
        return figure(runs[run], new) / figure(runs[run], old)
    return measure


# ---- measures of other shapes, one named function each -----------------------------------------
def officials_over_cadres_1958(runs) -> float:
    return report_ratio_official(runs["current"], 1958) / report_ratio_cadre(runs["current"], 1958)


def honest_report_gap_1958(runs) -> float:
    return abs(report_ratio_official(runs["comparison"], 1958) - 1)


def steel_outside_1958(runs) -> float:
    steel = runs["current"]["annual"].set_index("year")["steel_kg"]
    return float(steel.drop(1958).sum())


def smaller_export_1958_1959(runs) -> float:
    r = runs["current"]
    return min(_annual(r, 1958, "exports_kg"), _annual(r, 1959, "exports_kg"))


def imports_only_after_retreat(runs) -> float:
    """1 if the historical run imports nothing before the month it retreats (or never imports)."""
    r = runs["current"]
    first_import, retreat = first_month(r, "imports_kg"), first_month(r, "retreat")
    if first_import is None:
        return 1.0
    return float(retreat is not None and first_import >= retreat)


FIRST_HALF_1959 = ["1959-01", "1959-02", "1959-03", "1959-04", "1959-05", "1959-06"]


def state_stock_first_half_1959_comparison_minus_current(runs) -> float:
    """Mean state granary stock, January-June 1959: without exports minus historical (kg)."""
    def stock(r):
        return float(_months(r, FIRST_HALF_1959, "central_stock_kg").mean())

    return stock(runs["comparison"]) - stock(runs["current"])


def comparison_retreats_no_earlier(runs) -> float:
    """1 if the comparison retreats in the same month as the historical run or later (or never)."""
    a, b = first_month(runs["current"], "retreat"), first_month(runs["comparison"], "retreat")
    return float(a is not None and (b is None or b >= a))
