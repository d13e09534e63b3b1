"""Checks that compare the baseline with the literature's counterfactuals, and cross-sections.

Facts 5, 6, 10, 11, 12, 20 and 21 of the stylized facts (numbered as in docs/validation.md). All runs share seeds 1..N, so each
counterfactual differs from the baseline by its levers only (common random numbers). Excess
deaths are the summary's: deaths 1959-61 above the 1957 rate, per person at the start.
"""

from __future__ import annotations

from greatleap.validation.core import (FAMINE_YEARS, Outcome, check, compare_excess, excess_check, excess_expected,
                                       excess_ratio, fall_ratio, output_fall, pct, relative, share_of_seeds,
                                       within_rank_corr)


def _cut(rs, cf: str) -> tuple[float, str]:
    """Relative excess deaths of a counterfactual against the baseline, with a line of text."""
    r, a, b = excess_ratio(rs, cf)
    return r, f"{cf}: {r:.2f} x baseline excess deaths ({share_of_seeds(a < b)} fewer)"


# ---- fact 5: the lower tail ------------------------------------------------------------------
@check(5, "communes in the lowest quarter of last year's retention (per person, within each seed) "
          "die at least 1.3 x as often in 1959-61 as those in the top quarter")
def f5_deaths_in_lower_tail(rs):
    """Deaths come from the lower tail of retention"""
    c = rs.communes("baseline")
    prev = c.assign(year=c["year"] + 1)[["seed", "commune", "year", "retained_per_capita_kg"]]
    d = c.merge(prev, on=["seed", "commune", "year"], suffixes=("", "_prev"))
    d = d[d["year"].isin(FAMINE_YEARS)].copy()
    d["q"] = d.groupby(["seed", "year"])["retained_per_capita_kg_prev"].rank(pct=True)
    low, high = d[d["q"] <= 0.25], d[d["q"] > 0.75]
    ratio = relative(low["deaths"].sum() / low["population"].sum(), high["deaths"].sum() / high["population"].sum())
    rho = within_rank_corr(d, "retained_per_capita_kg_prev", "cdr", ["seed", "year"])
    return Outcome(f"bottom/top quarter death rate {ratio:.2f}; rank correlation {rho:+.2f}",
                   ratio >= 1.3, f"the lowest-retention communes die only {ratio:.2f} x as often")


f5_equal_retention_cuts_deaths = excess_check(
    5, "f5_equal_retention_cuts_deaths", "Equalising retention cuts deaths",
    "retention equalised at the same national total", "equal_retention", "fewer", 0.75)


# ---- fact 6: exports -------------------------------------------------------------------------
ZERO_EXPORTS_BOUND = 0.95  # in the expected sentence and the test alike


@check(6, excess_expected("zero exports 1958-60 (no aid)", "fewer", ZERO_EXPORTS_BOUND),
       runs=("baseline", "no_exports", "no_exports_accept_aid"))
def f6_zero_exports_reduce_deaths(rs):
    """Zero exports reduce deaths noticeably"""
    out = compare_excess(rs, "no_exports", "fewer", ZERO_EXPORTS_BOUND)
    r2, _ = _cut(rs, "no_exports_accept_aid")
    return Outcome(f"{out.model}; with early aid too: {r2:.2f} x", out.holds, out.why)


@check(6, "zero exports save lives, but fewer than removing the reporting and procurement "
          "distortion (honest reports, quotas a share of the true harvest)",
       runs=("baseline", "no_exports", "normal_procurement"))
def f6_exports_smaller_than_distortion(rs):
    """Exports matter less than the procurement distortion"""
    r_exp, _ = _cut(rs, "no_exports")
    r_dist, _ = _cut(rs, "normal_procurement")
    saved_exp, saved_dist = 1 - r_exp, 1 - r_dist
    ok = 0 < saved_exp < saved_dist
    return Outcome(f"deaths avoided: zero exports {pct(saved_exp)}, normal procurement {pct(saved_dist)}", ok,
                   "zero exports save no lives, or as many as removing the distortion")


# ---- fact 10: weather against policy ---------------------------------------------------------
@check(10, "weather only (policies off): 1959-61 output fall at most 45% of the baseline's "
           "(Li & Yang: policy 61%)", runs=("baseline", "weather_only"))
def f10_weather_only_output_fall(rs):
    """Weather alone gives at most about 40% of the output fall"""
    base, weather = output_fall(rs, "baseline"), output_fall(rs, "weather_only")
    share = fall_ratio(rs, "weather_only")
    return Outcome(f"fall below 1957: baseline {base:.1f} points, weather only {weather:.1f} "
                   f"({pct(share)}; record 21.2 points)", base > 0 and share <= 0.45,
                   f"weather alone gives {pct(share)} of the fall")


f10_weather_only_little_mortality = excess_check(
    10, "f10_weather_only_little_mortality", "Weather alone raises mortality little",
    "weather only", "weather_only", "fewer", 0.35, note=" (Houser et al.: policy 69%)")


@check(10, "policy only (normal weather): excess deaths at least 0.5 x baseline",
       runs=("baseline", "policy_only"))
def f10_policy_only_most_deaths(rs):
    """Policy alone produces most of the deaths"""
    r, text = _cut(rs, "policy_only")
    return Outcome(text, r >= 0.5, f"policy alone gives only {r:.2f} x the baseline's excess deaths")


# ---- fact 11: careers ------------------------------------------------------------------------
@check(11, "across officials (ranks within seed and year, 1959-60): career stake correlates "
           "positively (>= 0.1) with both procurement share and death rate")
def f11_career_stake_procurement_and_deaths(rs):
    """Officials with more career stake procure more and their regions die more"""
    c = rs.communes("baseline")
    c = c[c["year"].isin((1959, 1960))]
    keys = ["seed", "year", "official", "official_career_stake"]
    o = c.groupby(keys)[["deaths", "population", "procured_kg", "true_kg"]].sum().reset_index()
    o["share"] = o["procured_kg"] / o["true_kg"].where(o["true_kg"] > 0)
    o["cdr"] = o["deaths"] / o["population"].clip(lower=1)
    rp = within_rank_corr(o, "official_career_stake", "share", ["seed", "year"])
    rd = within_rank_corr(o, "official_career_stake", "cdr", ["seed", "year"])
    return Outcome(f"rank correlation with procurement share {rp:+.2f}, with death rate {rd:+.2f}",
                   rp >= 0.1 and rd >= 0.1, "career stake does not predict both procurement and deaths")


# ---- fact 12: inflexible procurement ---------------------------------------------------------
f12_flexible_quotas_cut_deaths = excess_check(
    12, "f12_flexible_quotas_cut_deaths", "Flexible procurement cuts deaths substantially",
    "quotas a share of the true harvest", "flexible_quotas", "fewer", 0.75)


@check(12, "across communes (ranks within each seed), normal grain per head correlates positively (at least "
           "+0.05) with the 1959-61 death rate (Meng, Qian & Yared 2015: under inflexible, progressive "
           "procurement the more productive places died more)")
def f12_productive_places_die_more(rs):
    """The more productive places die more"""
    c = rs.communes("baseline")
    c = c[c["year"].isin(FAMINE_YEARS)]
    f = c.groupby(["seed", "commune"]).agg(deaths=("deaths", "sum"), population=("population", "sum"),
                                           fertility=("fertility", "first")).reset_index()
    f["cdr"] = f["deaths"] / f["population"].clip(lower=1)
    rho = within_rank_corr(f, "fertility", "cdr", ["seed"])
    return Outcome(f"rank correlation {rho:+.2f}", rho >= 0.05,
                   f"normal grain per head and the famine's death rate correlate {rho:+.2f}")


# ---- facts 20 and 21: flight and kin ---------------------------------------------------------
# The reference here is lax registration, not the baseline: both runs change the flight levers.
BLOCKED_FLIGHT_BOUND = 1.05


@check(20, excess_expected("flight fully blocked", "more", BLOCKED_FLIGHT_BOUND, "those with flight unblocked"),
       runs=("strict_registration", "lax_registration"))
def f20_strict_registration_raises_deaths(rs):
    """Blocking flight raises mortality"""
    return compare_excess(rs, "strict_registration", "more", BLOCKED_FLIGHT_BOUND, base="lax_registration")


f21_kin_transfers_lower_deaths = excess_check(
    21, "f21_kin_transfers_lower_deaths", "Kin transfers lower mortality",
    "no kin transfers", "no_kin_transfers", "more", 1.05)
