"""What each check tests, and what the model lacks where it fails: declared once, for every check.

``DIAGNOSES[name]`` is a ``Diagnosis``: ``mechanism`` names the module(s) and ODD section(s) the
check tests; ``missing`` says, in a sentence or two, what the model lacks or does differently for
the check to hold. Both reports use it: ``docs/validation.md`` ("What the model does not
reproduce") and ``docs/validation_posterior.md`` (checks holding in at most half the draws), so
that a failing check always names its missing mechanism (issue 15).

Written from the checks' code, the mechanisms' modules, the measured reasons in
``docs/validation.md``, ``docs/validation_posterior.md`` and ``docs/calibration.md``, and the
``EXPECTED_TO_HOLD`` notes of ``tests/test_validation.py`` (each measured there). Where a reason
is inferred and not measured, the text says "likely". A check that holds at the defaults still has
a line: it may fail in posterior draws or after the next re-fit. Update a line when a re-fit or a
mechanism change moves the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnosis:
    mechanism: str  # the module(s) and ODD section(s) the check tests
    missing: str  # what the model lacks or does differently where the check fails

    def text(self) -> str:
        return f"Tests {self.mechanism}. Missing: {self.missing}"


_D = Diagnosis
# The centre's early retreat recurs below: the measured fact (docs/calibration.md, the baseline's
# fit; docs/validation.md fact 17) is written once.
_EARLY_RETREAT = ("the centre retreats early (median seed April 1959 at the fourth fit's defaults, which the fifth "
                  "fit did not beat, with the infants' growth fix, the herd, breastfeeding, the leaders' drive, "
                  "provinces that differ in land, weather and towns, and pigs; before the 1959 procurement and "
                  "Lushan) and "
                  "Lushan reverses it in no seed of 20 (in 2, in September 1959, before the provinces differed), "
                  "although the fourth fit gives Lushan a real rise of the cost (political_cost_lushan 1.63), so the "
                  "retreat lasts: quotas become a share of the believed harvest and reports fade to the truth")
_TOO_LARGE = ("the famine is too large at the fourth fit's defaults with the infants' growth fix, the herd, "
              "breastfeeding, the leaders' drive, provinces that differ and pigs (17.2% excess deaths over 20 "
              "seeds, 14.9% before the pigs, 16.3% before the provinces differed, against the literature's "
              "2.3-8.5%; registered about 35, 44, 32 and 26 per 1000 in 1959-62 against 15, 25, 14 and 10) and the registration share is at its floor (0.503, prior 0.5-0.8); the fifth "
              "fit's nearest particles sit at four prior edges (more food outside grain, higher normal mortality, "
              "earlier deaths of starving men, less registration): likely a brake on deaths for a given shortfall "
              "is missing (relief, migration, substitutes)")

DIAGNOSES: dict[str, Diagnosis] = {
    # ---- fact 1: timing of mortality
    "f1_cdr_peaks_in_1960": _D(
        "the famine's timing: the centre's retreat, `centre.py` (ODD 7.9), and deaths from hunger and "
        "their registration, `physiology.py` and `registration.py` (ODD 7.8)",
        "a peak in 1960 in the draws where it fails; likely the retreat's date moved it, the same early "
        "retreat as fact 17 (`f17_retreat_in_1960`)."),
    "f1_shoulders_fraction_of_1960": _D(
        "the famine's shape over 1959-61: the centre's retreat, `centre.py` (ODD 7.9), and the "
        "registration of deaths, `registration.py` (ODD 7.8)",
        "shoulders at most 0.6 of the peak (record: 0.26 and 0.24): where it fails, likely the famine starts "
        "too early in 1959 (the early retreat of fact 17) or lasts into 1961 (docs/calibration.md: it does), "
        "the missing brake of fact 18, with concealed deaths registered late."),
    "f1_back_to_baseline_by_1962": _D(
        "the end of the famine and the release of concealed deaths, `registration.py` (ODD 7.8), after the "
        "retreat, `centre.py` (ODD 7.9)",
        "a famine over by 1962: the registered rate of 1962 is still well above 1957 (docs/validation.md); "
        "likely the famine lasting into 1961 (docs/calibration.md) and the backlog of concealed deaths "
        "registered month by month after the retreat (`death_backlog_release`)."),
    # ---- fact 2: output
    "f2_output_falls_1959_and_1960": _D(
        "the output path: production, `production.py` (ODD 7.1), labour, `labour.py` (ODD 7.2), and the "
        "run-down capital and sown-area plan, `capital.py` and `planning.py` (ODD 7.11)",
        "a second fall in 1960: output falls in 1959 and then barely (docs/validation.md); likely the "
        "early retreat lifts the pressure and too little of the damage (tools, animals, land, workers' "
        "strength) deepens in 1960."),
    "f2_output_stays_low_1961": _D(
        "the recovery of the farm economy, `capital.py` (ODD 7.11), and of the workers, `labour.py` (ODD "
        "7.2), under production, `production.py` (ODD 7.1)",
        "a slow recovery: output rebounds in 1961 because what the Leap ran down (issue 14) heals too "
        "quickly (docs/calibration.md: output recovers too fast)."),
    "f2_no_quick_recovery": _D(
        "the recovery of the farm economy, `capital.py` (ODD 7.11), under production, `production.py` "
        "(ODD 7.1)",
        "a lasting loss: the herds, tools, seed and land heal within a few years, so 1962 output regains "
        "1958 (docs/calibration.md: the 1962 predictive band does not reach the record)."),
    "f2_area_about_half_of_fall": _D(
        "the split of the output fall into area and yield: the sown-area plan, `planning.py`, seed and "
        "draught animals, `capital.py` (ODD 7.11), and the yield's response to labour, `production.py` (ODD 7.1)",
        "a yield fall as large as the area's: too much of the fall comes through the area; likely the "
        "yield channel is weak (the fit put `labour_elasticity` at 0.246, low in its prior of 0.15-0.7) "
        "or the plan's answer to the believed claims too strong."),
    "f2_draught_animals_fall_a_sixth": _D(
        "the herd: its feed kept at harvest, its growth up to what the land keeps and the animals the "
        "hungry kill and eat, `capital.py` (ODD 7.11)",
        "a herd that falls about a sixth: where it fails, the herd's loss is too small (too little "
        "starvation, or the slaughter's share low in its prior) or too large (the slaughter's share high, "
        "or feed cut too deep)."),
    "f2_pigs_fall_by_half": _D(
        "the pigs: their by-products eaten by the starving, their growth up to what the feed keeps and the "
        "pigs the hungry kill and eat before the oxen, `capital.py` (ODD 7.11)",
        "a pig herd that halves: where it fails, the herd falls too little (too few starving for too short a "
        "time, or a fast regrowth, `pig_growth`, in 1961) or too much."),
    # ---- fact 3: over-reporting
    "f3_report_ratio_1958": _D(
        "the reporting cascade, `reporting.py` (ODD 7.3), with the provinces' markups, `provinces.py` "
        "(ODD 7.12)",
        "claims twice the truth in 1958: the 1958 claim is too low (docs/calibration.md); likely because "
        "markups shrink with visible deaths and fade after the retreat, which comes by the 1958 harvest in "
        "many seeds (" + _EARLY_RETREAT + ")."),
    "f3_report_ratio_1959": _D(
        "the persistence of inflated reports, `reporting.py` (ODD 7.3), and the purge that sustains them, "
        "`careers.py` (ODD 7.4)",
        "reports still inflated at the 1959 harvest: " + _EARLY_RETREAT + ", so the 1959 claims are near "
        "the truth; a centre that keeps the pressure on until 1960 is missing."),
    "f3_report_ratio_near_1_by_1960": _D(
        "the return of reports to the truth after the retreat, `reporting.py` (ODD 7.3, "
        "`markup_persistence`)",
        "it needs at least 0.3 of inflation in 1958 to fall from: where it fails, the 1958 claims are "
        "too low, the same missing 1958 markup as `f3_report_ratio_1958`."),
    "f3_many_local_markups": _D(
        "the cadres' markups and their compounding by officials, `reporting.py` and `agents.py` (ODD 7.3)",
        "many cadres marking up: where the fit raises the officials' markup, the 1958 claim is built higher "
        "up the chain and fewer than 75% of cadres mark up by 5% (tests/test_validation.py, after the fit)."),
    # ---- fact 4: procurement
    "f4_procurement_share_jumps_1959": _D(
        "inflexible quotas on the claims, `procurement.py` (ODD 7.5), and the centre's obligations and "
        "retreat, `centre.py` (ODD 7.9)",
        "quotas set on the 1958 claims and collected in 1959: " + _EARLY_RETREAT + ", so the 1959 share "
        "falls, or rises too little (docs/calibration.md: procurement falls after 1958)."),
    "f4_procurement_share_1960_above_030": _D(
        "quotas after the retreat, `procurement.py` (ODD 7.5), and the centre's obligations, `centre.py` "
        "(ODD 7.9)",
        "procurement still high in 1960: after the early retreat quotas are the planned share of the "
        "believed harvest (docs/calibration.md: procurement falls after 1958); likely the obligations "
        "shrink too, as the retreat stops exports."),
    "f4_absolute_procurement_peaks_1959": _D(
        "inflexible quotas, `procurement.py` (ODD 7.5), the centre's obligations, `centre.py`, and the "
        "towns first, `state.py` (ODD 7.9)",
        "the 1959 peak: procurement peaks in 1958 (docs/validation.md); likely the early retreat cuts the "
        "1959 quotas, and the planned cut of the 1959 area shrinks the harvest they are taken from."),
    "f4_fixed_share_removes_pattern": _D(
        "the quota rule, `procurement.py` (ODD 7.5), against the counterfactual of quotas a fixed share of "
        "true output",
        "a 1959 jump for the rule to remove: the baseline's share does not rise in 1959 (see "
        "`f4_procurement_share_jumps_1959`); the obligations' scaling and the emergency squeeze "
        "(`state.py`, ODD 7.9) levy grain whatever the quota rule (tests/test_validation.py, issue 13)."),
    # ---- fact 5: the lower tail
    "f5_deaths_in_lower_tail": _D(
        "the distribution of retention across communes, `procurement.py` (ODD 7.5), and deaths from "
        "hunger, `physiology.py` (ODD 7.8)",
        "nothing while it holds; but it holds under wrong models too (tests/test_validation.py: children "
        "die first where retention is lowest in any run), so it does not discriminate."),
    "f5_equal_retention_cuts_deaths": _D(
        "retention across communes, `procurement.py` (ODD 7.5, counterfactual `equal_retention`)",
        "deaths driven by inequality between communes: equalising retention saves few lives; likely the "
        "deaths come from the national shortfall and from sharing within villages (halls' ladle and "
        "home priority, `dining.py`, ODD 7.6), which equal retention does not change."),
    # ---- fact 6: exports
    "f6_zero_exports_reduce_deaths": _D(
        "exports and the centre's obligations and retreat, `state.py` and `centre.py` (ODD 7.9)",
        "grain kept at home reaching the villages: zero exports lower the obligations, but fuller central "
        "stocks weaken the stocks' evidence of failure and put off the retreat (tests/test_validation.py, "
        "issue 12), and the towns eat first; likely the grain stays in the granaries."),
    "f6_exports_smaller_than_distortion": _D(
        "exports, `state.py` (ODD 7.9), against the reporting and quota distortion, `reporting.py` (ODD 7.3) "
        "and `procurement.py` (ODD 7.5)",
        "lives saved by zero exports: the first half fails with `f6_zero_exports_reduce_deaths` (exports "
        "kept at home stay in the central stocks, likely)."),
    # ---- fact 10: weather against policy
    "f10_weather_only_output_fall": _D(
        "the policies' cost in output: labour diversion, `labour.py` (ODD 7.2), harvest losses and yields, "
        "`production.py` (ODD 7.1), against the weather, `weather.py` (ODD 6)",
        "policies that cost output: where the policies' channels are weak (a low `labour_elasticity`, light "
        "harvest losses; tests/test_validation.py, after the fit) the weather's share of the fall rises above 45%."),
    "f10_weather_only_little_mortality": _D(
        "deaths from the weather alone, `weather.py` (ODD 6), with the towns first and the emergency "
        "squeeze, `state.py` (ODD 7.9)",
        "a centre that relieves a weather shortfall: the `weather_only` preset turns the retreat off "
        "(`retreat_rule` never), so its centre squeezes the villages to feed the towns every lean season "
        "(tests/test_validation.py, issue 13)."),
    "f10_policy_only_most_deaths": _D(
        "deaths from the policies alone, all policy modules with normal weather (`weather.py`, ODD 6)",
        "nothing while it holds; it also holds with the baseline replaced by weather only "
        "(tests/test_validation.py), so it does not discriminate."),
    # ---- fact 11: careers
    "f11_career_stake_procurement_and_deaths": _D(
        "career incentives, `careers.py` (ODD 7.4), and the officials' quota push, `procurement.py` (ODD 7.5)",
        "officials' stakes that set 1959-60 quotas: the stake correlates with deaths but not with the "
        "procurement share (docs/validation.md); likely because after the early retreat quotas carry no "
        "official's push, so in 1959-60 the stake no longer moves procurement."),
    # ---- fact 12: inflexible procurement
    "f12_productive_places_die_more": _D(
        "progressive quotas set on claims and last year's deliveries, inflexible to the realised harvest, "
        "`procurement.py` (ODD 7.5), against the places' normal grain per head (the provinces' lands, "
        "`provinces.py`, ODD 7.12)",
        "procurement that takes more from the productive places than their harvests can bear: where it "
        "fails, the poorer places die first because their retention is lowest (fact 5), so the quota's "
        "progressivity (`quota_progressivity`) does not outweigh the smaller reserves of the poor."),
    "f12_flexible_quotas_cut_deaths": _D(
        "the inflexible quota rule, `procurement.py` (ODD 7.5), against quotas a share of the true harvest",
        "a quota rule that decides the famine: the centre's obligations and the emergency squeeze "
        "(`centre.py`, `state.py`, ODD 7.9) take grain whatever the rule, and after the early retreat the "
        "baseline's quotas are already a share of the believed harvest; likely also deaths that start "
        "before the rule bites (tests/test_validation.py, issue 12)."),
    # ---- fact 13: Li & Yang decomposition
    "f13_both_remove_most_of_fall": _D(
        "labour diversion, `labour.py` (ODD 7.2), and procurement, `procurement.py` (ODD 7.5), in the "
        "output fall, `production.py` (ODD 7.1)",
        "policies that make most of the fall: where it fails the two channels together remove too little "
        "or too much of it; likely the draws' labour elasticity (its prior's floor at the defaults, "
        "docs/calibration.md) and the weather's share set it."),
    "f13_each_alone_removes_part": _D(
        "procurement alone, `procurement.py` (ODD 7.5) with honest reports, `reporting.py` (ODD 7.3), and "
        "diversion alone, `labour.py` (ODD 7.2)",
        "normal procurement that restores output: the obligations and the emergency squeeze (`centre.py`, "
        "`state.py`, ODD 7.9) still take grain when reports are honest and quotas flexible "
        "(tests/test_validation.py, issue 13), so that channel alone removes under 15%."),
    # ---- fact 14: the exit right
    "f14_exit_right_keeps_1959_output": _D(
        "field effort and the exit right (Lin 1990), `labour.py` (ODD 7.2), in output, `production.py` (ODD 7.1)",
        "effort that sets the 1959 harvest: it is cut by the sown-area plan and the run-down capital "
        "(`planning.py`, `capital.py`, ODD 7.11) whatever the exit right does to effort "
        "(tests/test_validation.py, issue 14), and the yield answers labour weakly (`labour_elasticity`)."),
    "f14_peak_without_exit_channel": _D(
        "the exit right, `labour.py` (ODD 7.2), and the famine's timing, `centre.py` (ODD 7.9)",
        "where it fails, the peak moves without the exit channel: the same retreat timing as "
        "`f1_cdr_peaks_in_1960`."),
    # ---- fact 15: dining halls
    "f15_stocks_exhausted_spring_1959": _D(
        "the halls' free phase and rationing, `dining.py` (ODD 7.6), against the no-halls run",
        "halls that empty the larders: the village stocks run down by spring 1959 with or without the "
        "halls (tests/test_validation.py, after the fit), so the free phase's waste is small against what "
        "procurement and the squeeze take."),
    "f15_participation_predicts_mortality": _D(
        "hall participation and rationing by work points, `dining.py` (ODD 7.6), across communes",
        "participation that differs between communes for a reason tied to deaths: provinces do not set "
        "hall participation (ODD 7.12, left), and the halls close on the centre's reforms; likely too little "
        "spread in participation for the correlation."),
    # ---- fact 16: Lushan
    "f16_lushan_raises_1959_reports": _D(
        "the Lushan purge, `careers.py` (ODD 7.4), feeding the markups, `reporting.py` (ODD 7.3)",
        "a purge that comes before the retreat: where the centre retreats before Lushan (August 1959) the "
        "purge changes nothing (tests/test_validation.py, issues 13 and 14)."),
    "f16_lushan_raises_1959_procurement": _D(
        "the Lushan purge, `careers.py` (ODD 7.4), weakening the cadres' defence of the village's grain, "
        "`procurement.py` (ODD 7.5)",
        "a purge before the retreat: where the centre retreats before Lushan the purge changes nothing "
        "(tests/test_validation.py, issues 13 and 14)."),
    "f16_lushan_raises_1960_peak": _D(
        "the Lushan purge, `careers.py` (ODD 7.4), and the political cost it raises, `centre.py` (ODD 7.9)",
        "a purge that prolongs the squeeze: " + _EARLY_RETREAT + ", so the purge, which ends with the "
        "retreat, barely raises the 1960 peak."),
    "f16_lushan_delays_retreat": _D(
        "the political cost Lushan raises (`political_cost_lushan`), `centre.py` (ODD 7.9)",
        "a retreat still to come at Lushan: the centre retreats before August 1959 (median seed April 1959 "
        "at the fourth fit's defaults), so a higher cost afterwards cannot delay it (docs/calibration.md)."),
    # ---- fact 17: the retreat
    "f17_retreat_in_1960": _D(
        "the centre's decision to retreat, `centre.py` (ODD 7.9)",
        "a famine the record's size with a late retreat: the fits keep `famine_recognition` low (4.33 per "
        "1000 at the defaults; posterior 2.11-6.86 in the fourth fit and 2.27-9.9 in the fifth, of a 2-30 "
        "prior, the parameter the data inform most), so the centre retreats in April 1959 (median seed) and "
        "for good: a later retreat would make the model's famine, already too large, larger still."),
    "f17_retreat_when_stocks_low": _D(
        "the stocks' evidence of failure (`retreat_threshold`), `centre.py`, and the towns first with the "
        "emergency squeeze, `state.py` (ODD 7.9)",
        "granaries that empty before the retreat: the centre retreats on deaths while the squeeze keeps its "
        "granaries filled (tests/test_validation.py, issue 13)."),
    "f17_mortality_falls_after_retreat": _D(
        "the retreat's measures (quotas cut, exports stopped, imports, halls closed), `state.py` and "
        "`centre.py` (ODD 7.9)",
        "a retreat that ends the famine: it comes early, before the famine's peak, and does not keep the "
        "famine small (docs/calibration.md), so deaths still rise in the seasons after it."),
    # ---- fact 18: scale
    "f18_excess_deaths_in_literature_range": _D(
        "the famine's scale: hunger and death, `physiology.py` (ODD 7.8), food outside grain, `coping.py` "
        "(ODD 7.7), and every grain flow",
        _TOO_LARGE + "."),
    "f18_excess_deaths_central_band": _D(
        "the famine's scale: hunger and death, `physiology.py` (ODD 7.8), food outside grain, `coping.py` "
        "(ODD 7.7), and every grain flow",
        _TOO_LARGE + " (the same as `f18_excess_deaths_in_literature_range`)."),
    # ---- facts 20 and 21: flight and kin
    "f20_strict_registration_raises_deaths": _D(
        "flight and household registration, `coping.py` (ODD 7.7), and refugees on the towns' margins, "
        "`state.py` (ODD 7.9)",
        "flight that saves lives: blocked flight gives no more deaths than free flight (fewer at the fitted "
        "defaults, docs/validation.md); likely a refugee's "
        "half ration from central stocks is no better than staying, and where refugees went in history "
        "(surplus regions, kin elsewhere) is not modelled."),
    "f21_kin_transfers_lower_deaths": _D(
        "kin transfers (Cao, Xu & Zhang 2022), `coping.py` (ODD 7.7)",
        "transfers that relieve hunger: where it fails, runs without transfers die less; likely a transfer "
        "of stores beyond four months' need leaves the donor short later in the year, moving hunger rather "
        "than relieving it (not measured)."),
}


def diagnosis(name: str) -> Diagnosis | None:
    """The check's diagnosis, or None for a name with none (the tests forbid a registered check without)."""
    return DIAGNOSES.get(name)
