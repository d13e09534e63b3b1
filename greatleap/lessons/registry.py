"""The lessons as data: what each one loads, asks and claims.

A lesson's prose lives in ``greatleap/lessons/<id>.md``; everything the dashboard and the tests
need lives here: the preset and the comparison preset (as in the dashboard's **Scenario** and
**Compare with**), the settings the lesson changes on top of the preset, the controls it points
at, the question students answer before pressing Play, and its quantitative claims.

A claim is a sentence with one number in it (``{x}``), the threshold that number stands for,
and a small named function that measures the claim on one seed's runs. The Markdown files do
not write the number: they write ``{{claim:<id>}}`` and the sentence is filled in from here, so
the text a class reads and the value the tests check cannot drift apart
(``tests/test_lessons_claims.py`` runs every claim over several seeds).

Runs of a lesson, all from the same seed (as the dashboard's compare mode does):
- ``current``: the preset with the lesson's settings on top;
- ``comparison``: ``current`` with the comparison preset's overrides on top;
- any ``extra`` runs a claim needs (e.g. a preset the lesson asks students to try next), each
  built the same way as ``comparison``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from greatleap.params import PARAMS, SCENARIO_TITLES, SCENARIOS, resolve, validate

# ---- measures: small named functions over run_one results ------------------------------------
# `r` is one run_one result: {"monthly", "annual", "communes", "officials", "summary"}.


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


def excess_deaths(r) -> float:
    """Deaths in 1959-61 above the 1957 death rate (the model's excess deaths)."""
    return float(r["summary"]["excess_deaths"])


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


def output_shortfall(r) -> float:
    """Grain not grown in 1959-61 against three times the 1957 harvest (kg; negative if more)."""
    base = _annual(r, 1957, "harvest_true_kg")
    return float(sum(base - _annual(r, y, "harvest_true_kg") for y in (1959, 1960, 1961)))


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


def ratio(a: float, b: float) -> float:
    """a / b for counts; when b is zero or negative (e.g. no excess deaths at all), infinity if
    a is positive and 1 otherwise (nothing happened in either run)."""
    if b <= 0:
        return math.inf if a > 0 else 1.0
    return a / b


# ---- claims ----------------------------------------------------------------------------------
FORMATS: dict[str, Callable[[float], str]] = {
    "above_pct": lambda t: f"{round(100 * (t - 1)):d}%",   # 1.5 -> "50%" (a ratio above one)
    "below_pct": lambda t: f"{round(100 * (1 - t)):d}%",   # 0.5 -> "50%" (a ratio below one)
    "pct": lambda t: f"{round(100 * t):d}%",               # 0.4 -> "40%"
    "times": lambda t: f"{t:g}",                           # 3 -> "3"
}


@dataclass(frozen=True)
class Claim:
    """One sentence a lesson says about the model, and how the tests check it.

    ``measure(runs) -> float`` reads one seed's runs (a dict: "current", "comparison" and any
    extras). ``holds`` compares the measured value with ``threshold`` (``op`` is ">" or "<"),
    on every seed (``over="each"``), on the mean over seeds (``over="mean"``), or, for a
    measure that returns a pair (a, b) per seed, on sum(a) / sum(b) (``over="sum_ratio"``).
    ``text`` contains ``{x}``, replaced by the threshold formatted with ``fmt``.
    """

    id: str
    text: str
    measure: Callable[[dict], float]
    op: str
    threshold: float
    fmt: str = "times"
    over: str = "each"

    def sentence(self) -> str:
        return self.text.replace("{x}", FORMATS[self.fmt](self.threshold))

    def passes(self, value: float) -> bool:
        return value > self.threshold if self.op == ">" else value < self.threshold

    def aggregate(self, values: list) -> float:
        """One number over the seeds: the worst seed ("each"), the mean ("mean"), or, when each
        seed gives a pair (a, b), sum(a) / sum(b) ("sum_ratio")."""
        if self.over == "each":
            return float(min(values) if self.op == ">" else max(values))
        if self.over == "mean":
            return float(np.mean(values))
        if self.over == "sum_ratio":
            return ratio(sum(a for a, _ in values), sum(b for _, b in values))
        raise ValueError(f"claim {self.id}: unknown aggregation {self.over!r}")

    def holds(self, values: list) -> bool:
        return self.passes(self.aggregate(values))


@dataclass(frozen=True)
class Lesson:
    id: str
    number: int
    title: str
    preset: str  # a key of params.SCENARIOS, chosen in **Scenario**
    comparison: str  # chosen in **Compare with**
    question: str  # asked before pressing Play
    controls: tuple[str, ...]  # parameter names the lesson points at (highlighted in the dashboard)
    claims: tuple[Claim, ...]
    settings: dict[str, Any] = field(default_factory=dict)  # set on top of the preset before Reset
    extra: dict[str, tuple[str, dict]] = field(default_factory=dict)  # name -> (preset, settings)

    @property
    def preset_title(self) -> str:
        return SCENARIO_TITLES[self.preset]

    @property
    def comparison_title(self) -> str:
        return SCENARIO_TITLES[self.comparison]

    def control_labels(self) -> list[str]:
        return [PARAMS[name].label for name in self.controls]

    def run_params(self, **size) -> dict[str, dict]:
        """Full parameter sets of the lesson's runs, as the dashboard would build them."""
        current = resolve(self.preset, **{**self.settings, **size})
        runs = {"current": current, "comparison": validate({**current, **SCENARIOS[self.comparison]})}
        for name, (preset, settings) in self.extra.items():
            runs[name] = validate({**current, **SCENARIOS[preset], **settings})
        return runs

    def claim(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"lesson {self.id} has no claim {claim_id!r}")


AUTUMN_1958 = ["1958-10", "1958-11", "1958-12"]
FURNACE_MONTHS = ["1958-09", "1958-10", "1958-11", "1958-12"]


def _imports_only_after_retreat(runs) -> float:
    """1 if the current run imports nothing before the month it retreats (or never imports)."""
    r = runs["current"]
    first_import, retreat = first_month(r, "imports_kg"), first_month(r, "retreat")
    if first_import is None:
        return 1.0
    return float(retreat is not None and first_import >= retreat)


SPRING_1959 = ["1959-03", "1959-04", "1959-05"]


# ---- the claims' measures, one named function each (``runs``: one seed's runs by name) -------
# Lesson 1: the reporting cascade
def official_report_ratio_1958(runs) -> float:
    return report_ratio_official(runs["current"], 1958)


def officials_over_cadres_1958(runs) -> float:
    return report_ratio_official(runs["current"], 1958) / report_ratio_cadre(runs["current"], 1958)


def honest_report_gap_1958(runs) -> float:
    return abs(report_ratio_official(runs["comparison"], 1958) - 1)


def official_report_ratio_1962(runs) -> float:
    return report_ratio_official(runs["current"], 1962)


def starvation_comparison_over_current(runs) -> tuple[float, float]:
    return starvation_deaths(runs["comparison"]), starvation_deaths(runs["current"])


# Lesson 2: quotas from inflated reports
def october_quota_share_1958_over_1957(runs) -> float:
    r = runs["current"]
    return quota_share_of_harvest(r, "1958-10") / quota_share_of_harvest(r, "1957-10")


def june_harvest_1959_over_1958(runs) -> float:
    r = runs["current"]
    return _month(r, "1959-06", "harvest_true_kg") / _month(r, "1958-06", "harvest_true_kg")


def june_quota_share_1959_over_1958_historical_retreat(runs) -> float:
    r = runs["historical_retreat"]
    return quota_share_of_harvest(r, "1959-06") / quota_share_of_harvest(r, "1958-06")


def quota_share_1959_over_1957_historical_retreat(runs) -> float:
    r = runs["historical_retreat"]
    return quota_share_of_year(r, 1959) / quota_share_of_year(r, 1957)


# Lesson 3: dining halls
def free_eating_kcal_halls_over_none(runs) -> float:
    return mean_kcal(runs["current"], AUTUMN_1958) / mean_kcal(runs["comparison"], AUTUMN_1958)


def village_grain_april_1959_halls_over_none(runs) -> float:
    return village_grain(runs["current"], "1959-04") / village_grain(runs["comparison"], "1959-04")


def spring_1959_kcal_halls_over_none(runs) -> float:
    return mean_kcal(runs["current"], SPRING_1959) / mean_kcal(runs["comparison"], SPRING_1959)


# Lesson 4: furnaces
def lowest_field_labour_autumn_1958(runs) -> float:
    return lowest_field_labour(runs["current"], FURNACE_MONTHS)


def highest_furnace_labour_autumn_1958(runs) -> float:
    return highest_furnace_labour(runs["current"], FURNACE_MONTHS)


def october_1958_harvest_furnaces_over_none(runs) -> float:
    return _month(runs["current"], "1958-10", "harvest_true_kg") / _month(runs["comparison"], "1958-10", "harvest_true_kg")


def steel_outside_1958(runs) -> float:
    steel = runs["current"]["annual"].set_index("year")["steel_kg"]
    return float(steel.drop(1958).sum())


# Lesson 5: Lushan
def purged_after_lushan_current_vs_comparison(runs) -> tuple[float, float]:
    return cadres_purged(runs["current"], "1959-08"), cadres_purged(runs["comparison"], "1959-08")


def report_ratio_1959_purge_over_none(runs) -> float:
    return report_ratio_official(runs["current"], 1959) / report_ratio_official(runs["comparison"], 1959)


def excess_death_share_historical_retreat(runs) -> float:
    """Excess deaths 1959-61 / starting population with the retreat at its historical date."""
    return float(runs["historical_retreat"]["summary"]["excess_death_share"])


def excess_death_share(runs) -> float:
    """Excess deaths 1959-61 as a share of the starting population, in the lesson's own run."""
    return float(runs["current"]["summary"]["excess_death_share"])


def starvation_current_over_comparison(runs) -> tuple[float, float]:
    return starvation_deaths(runs["current"]), starvation_deaths(runs["comparison"])


# Lesson 6: nature and man
def excess_weather_only_over_historical(runs) -> tuple[float, float]:
    return excess_deaths(runs["comparison"]), excess_deaths(runs["current"])


def excess_policy_only_over_weather_only(runs) -> tuple[float, float]:
    return excess_deaths(runs["policy_only"]), excess_deaths(runs["comparison"])


def harvest_1959_weather_only_over_historical(runs) -> float:
    return _annual(runs["comparison"], 1959, "harvest_true_kg") / _annual(runs["current"], 1959, "harvest_true_kg")


# Lesson 7: exports, aid and the retreat
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


def starvation_1961_62_never_retreat_over_historical(runs) -> tuple[float, float]:
    def late(r):
        a = r["annual"].set_index("year")
        return float(a.loc[[1961, 1962], "deaths_starvation"].sum())

    return late(runs["never_retreat"]), late(runs["current"])


HISTORICAL_RETREAT = {"retreat_rule": "calendar"}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        id="reporting_cascade", number=1,
        title="How a 200 Mt harvest became a 375 Mt report: the reporting cascade",
        preset="baseline", comparison="honest_reporting",
        question=("In 1958 each commune cadre adds something to the harvest he reports, and each "
                  "official above him adds a little more. When the reports reach the centre, how far "
                  "above the true harvest will they be? If cadres reported honestly instead, would "
                  "fewer people starve, or about as many?"),
        controls=("honest_reporting", "markup_career", "markup_emulation", "markup_penalty", "official_markup"),
        claims=(
            Claim("reports_exceed_truth_1958",
                  "In 1958 the harvest officials report upward is more than {x} above the true harvest, "
                  "in every seed we tried.",
                  official_report_ratio_1958, ">", 1.4, "above_pct"),
            Claim("officials_add_their_own",
                  "Officials' reports are more than {x} above the sum of their cadres' reports: each level "
                  "adds its own markup.",
                  officials_over_cadres_1958, ">", 1.05, "above_pct"),
            Claim("reports_true_by_1962",
                  "By 1962, after the centre's retreat, the reports are back within {x} of the true harvest.",
                  official_report_ratio_1962, "<", 1.1, "above_pct"),
            Claim("honest_lines_coincide",
                  "With \"Cadres report honestly\" the reported and true harvest lines coincide "
                  "(within {x}).",
                  honest_report_gap_1958, "<", 0.01, "pct"),
            Claim("honesty_cuts_starvation",
                  "With honest reports, deaths from starvation fall by more than {x} "
                  "(all seeds we tried, added together).",
                  starvation_comparison_over_current, "<", 0.5, "below_pct", over="sum_ratio"),
        ),
    ),
    Lesson(
        id="procurement_quotas", number=2,
        title="Why procurement rose while output fell: quotas from inflated reports",
        preset="baseline", comparison="flexible_quotas",
        extra={"historical_retreat": ("baseline", HISTORICAL_RETREAT)},
        question=("Quotas for each harvest are fixed in advance, mostly from last year's reported "
                  "harvest. When the true harvest then falls, what happens to the share of it the "
                  "state takes? What would change if quotas were a fixed share of what was really grown?"),
        controls=("quota_rule", "procurement_share", "quota_weight_current", "official_quota_push",
                  "retreat_rule"),
        claims=(
            Claim("october_1958_quota_share_up",
                  "The quota on the October 1958 harvest takes a share of the true harvest more than {x} "
                  "larger than the quota on the October 1957 harvest did, in every seed.",
                  october_quota_share_1958_over_1957, ">", 1.05, "above_pct"),
            Claim("june_1959_harvest_down",
                  "The summer harvest of June 1959 is more than {x} smaller than that of June 1958, in every seed.",
                  june_harvest_1959_over_1958, "<", 0.9, "below_pct"),
            Claim("june_1959_quota_share_up",
                  "With \"Retreat trigger\" set to calendar, the quota on the smaller June 1959 harvest "
                  "takes a share of it more than {x} larger than a year before, in every seed.",
                  june_quota_share_1959_over_1958_historical_retreat, ">", 1.2, "above_pct"),
            Claim("quota_share_1959_up",
                  "With the same setting, the quotas on all 1959 harvests take a share of the true "
                  "harvest more than {x} larger than in 1957, in every seed.",
                  quota_share_1959_over_1957_historical_retreat, ">", 1.2, "above_pct"),
            Claim("deeper_than_the_record",
                  "With the retreat held to November 1960, the model's excess deaths are more than {x} of "
                  "the starting population on average, against about 4\u20135% in the record: compare the "
                  "shapes of the curves, not the totals.",
                  excess_death_share_historical_retreat, ">", 0.1, "pct", over="mean"),
            Claim("flexible_cuts_starvation",
                  "With \"Quotas a share of the true harvest\", deaths from starvation fall by more "
                  "than {x} (all seeds we tried, added together).",
                  starvation_comparison_over_current, "<", 0.5, "below_pct", over="sum_ratio"),
        ),
    ),
    Lesson(
        id="dining_halls", number=3,
        title="\u201cEat your fill\u201d: the communal dining halls",
        preset="baseline", comparison="no_dining_halls",
        question=("In October 1958 the halls open and for a few months everyone eats as much as they "
                  "like, free. Who eats better in the winter of 1958\u201359, villagers with halls or without? "
                  "And in the spring of 1959?"),
        controls=("dining_halls", "free_eating", "hall_waste", "ladle_bias", "hall_participation"),
        claims=(
            Claim("free_eating_eats_more",
                  "From October to December 1958 villagers eat more with the halls than without, in "
                  "every seed.",
                  free_eating_kcal_halls_over_none, ">", 1.0, "above_pct"),
            Claim("less_grain_in_spring",
                  "By the end of April 1959 the villages hold at least {x} less grain with the halls than "
                  "without, in every seed.",
                  village_grain_april_1959_halls_over_none, "<", 0.85, "below_pct"),
            Claim("spring_hunger",
                  "From March to May 1959 villagers eat less with the halls than without, in every seed.",
                  spring_1959_kcal_halls_over_none, "<", 1.0, "below_pct"),
        ),
    ),
    Lesson(
        id="furnaces", number=4,
        title="Steel from pots: labour at the furnaces and the rotting harvest",
        preset="baseline", comparison="no_backyard_furnaces",
        question=("In the autumn of 1958 a large share of the able workers leaves the fields for the "
                  "backyard furnaces, just as the main harvest ripens. How much of the harvest do you "
                  "think is lost? Will the country have more steel worth the grain?"),
        controls=("backyard_furnaces", "furnace_share", "harvest_loss_max", "steel_usable"),
        claims=(
            Claim("fields_emptied",
                  "In the autumn of 1958 the share of able labour in the fields falls below {x} in "
                  "every seed.",
                  lowest_field_labour_autumn_1958, "<", 0.6, "pct"),
            Claim("furnaces_take_a_quarter",
                  "At the campaign's height more than {x} of able labour is at the furnaces, in every seed.",
                  highest_furnace_labour_autumn_1958, ">", 0.25, "pct"),
            Claim("october_harvest_lost",
                  "The October 1958 harvest is more than {x} smaller than without the furnaces, in every seed.",
                  october_1958_harvest_furnaces_over_none, "<", 0.95, "below_pct"),
            Claim("steel_only_in_1958",
                  "The furnaces make steel in 1958 only, in every seed.",
                  steel_outside_1958, "<", 1.0, "times"),
        ),
    ),
    Lesson(
        id="lushan", number=5,
        title="Lushan: what happens when honesty is punished",
        preset="baseline", comparison="no_lushan_purge", settings=HISTORICAL_RETREAT,
        question=("After the Lushan Conference (July\u2013August 1959) a cadre who reports a low harvest "
                  "risks being purged as a \u201crightist\u201d. What do you expect to happen to the 1959 "
                  "reports, to the quotas that follow from them, and to the death toll?"),
        controls=("lushan_purge", "purge_prob_after", "replacement_zeal", "markup_penalty", "retreat_rule"),
        claims=(
            Claim("more_purges",
                  "After August 1959 more than {x} times as many cadres are purged as without the purge "
                  "(all seeds we tried, added together).",
                  purged_after_lushan_current_vs_comparison, ">", 2.0, "times", over="sum_ratio"),
            Claim("higher_1959_reports",
                  "The 1959 reports are more than {x} higher, against the true harvest, than without the "
                  "purge, in every seed.",
                  report_ratio_1959_purge_over_none, ">", 1.02, "above_pct"),
            Claim("more_starvation",
                  "Deaths from starvation are more than {x} higher with the purge (all seeds we tried, "
                  "added together).",
                  starvation_current_over_comparison, ">", 1.15, "above_pct", over="sum_ratio"),
            Claim("deeper_than_the_record",
                  "With the retreat held this late, the model's excess deaths are more than {x} of the "
                  "starting population on average, against about 4\u20135% in the record: compare the two "
                  "runs with each other, not with history.",
                  excess_death_share, ">", 0.1, "pct", over="mean"),
        ),
    ),
    Lesson(
        id="nature_and_man", number=6,
        title="\u201c30% nature, 70% man\u201d: weather against policy",
        preset="baseline", comparison="weather_only",
        extra={"policy_only": ("policy_only", {})},
        question=("In 1962 Liu Shaoqi said the disaster was 30% due to nature and 70% due to man. If "
                  "the droughts and floods of 1959\u201361 had struck with none of the Leap's policies, how "
                  "many of the famine's deaths would the model produce? And with the policies but normal "
                  "weather?"),
        controls=("weather_scale", "weather_regional_sd"),
        claims=(
            Claim("weather_alone_less",
                  "\"Weather only (policies off)\" gives less than {x} of the historical run's excess "
                  "deaths (all seeds we tried, added together).",
                  excess_weather_only_over_historical, "<", 0.5, "pct", over="sum_ratio"),
            Claim("policy_beats_weather",
                  "\"Policy only (normal weather)\" gives more than {x} times the excess deaths of "
                  "\"Weather only (policies off)\" (all seeds we tried, added together).",
                  excess_policy_only_over_weather_only, ">", 2.0, "times", over="sum_ratio"),
            Claim("weather_only_bigger_harvest",
                  "The 1959 harvest with weather only is more than {x} larger than in the historical "
                  "run, in every seed.",
                  harvest_1959_weather_only_over_historical, ">", 1.05, "above_pct"),
        ),
    ),
    Lesson(
        id="exports_aid_retreat", number=7,
        title="Exports, aid and the retreat: what could have saved lives",
        preset="baseline", comparison="no_exports_accept_aid",
        extra={"never_retreat": ("baseline", {"retreat_rule": "never"})},
        question=("China kept exporting grain in 1959 and 1960 and bought grain abroad only in 1961. "
                  "If the state had stopped exporting and accepted aid early, would fewer people have "
                  "died in the model? What if the centre had never retreated at all?"),
        controls=("exports", "accept_aid", "retreat_rule", "retreat_threshold", "resale_share"),
        claims=(
            Claim("exports_continue",
                  "In the historical run the state exports grain in both 1958 and 1959, in every seed.",
                  smaller_export_1958_1959, ">", 0.0, "times"),
            Claim("imports_after_retreat",
                  "Imports begin only once the centre has retreated, in every seed.",
                  imports_only_after_retreat, ">", 0.5, "times"),
            Claim("granaries_fuller",
                  "Without exports the state's granaries hold more grain in the first half of 1959, in "
                  "every seed.",
                  state_stock_first_half_1959_comparison_minus_current, ">", 0.0, "times"),
            Claim("retreat_no_earlier",
                  "Without exports the centre retreats no earlier than in the historical run, in every seed.",
                  comparison_retreats_no_earlier, ">", 0.5, "times"),
            Claim("never_retreat_deadlier",
                  "With \"Retreat trigger\" set to never, deaths from starvation in 1961\u201362 are more "
                  "than {x} times those of the historical run (all seeds we tried, added together).",
                  starvation_1961_62_never_retreat_over_historical, ">", 3.0, "times", over="sum_ratio"),
        ),
    ),
)
