"""Checks that compare the baseline with the literature's counterfactuals, and cross-sections.

Facts 5, 6, 10-16, 20 and 21 of ``stylized_facts.md``. All runs share seeds 1..N, so each
counterfactual differs from the baseline by its levers only (common random numbers). Excess
deaths are the summary's: deaths 1959-61 above the 1957 rate, per person at the start.
"""

from __future__ import annotations

import numpy as np

from greatleap.validation.core import (FAMINE_YEARS, Outcome, check, excess_share, in_band, mean_excess,
                                       output_fall, pct, relative, share_of_seeds, within_rank_corr,
                                       yearly)


def _cut(rs, cf: str, base: str = "baseline") -> tuple[float, str]:
    """Relative excess deaths of a counterfactual against the baseline, with a line of text."""
    r = relative(mean_excess(rs, cf), mean_excess(rs, base))
    fewer = excess_share(rs, cf).to_numpy() < excess_share(rs, base).to_numpy()
    return r, f"{cf}: {r:.2f} x {base} excess deaths ({share_of_seeds(fewer)} fewer)"


def _compare(rs, cf: str, want: str, bound: float, base: str = "baseline") -> Outcome:
    """Excess deaths of ``cf`` against ``base``: holds when the mean ratio is within ``bound``
    (``want`` "fewer": ratio <= bound; "more": ratio >= bound) and most seeds move that way."""
    r = relative(mean_excess(rs, cf), mean_excess(rs, base))
    a, b = excess_share(rs, cf).to_numpy(), excess_share(rs, base).to_numpy()
    moved = a < b if want == "fewer" else a > b
    ok = (r <= bound if want == "fewer" else r >= bound) and moved.mean() > 0.5
    return Outcome(f"{r:.2f} x {base} excess deaths ({share_of_seeds(moved)} {want})", ok,
                   f"{cf} gives {r:.2f} x the excess deaths of {base}, {share_of_seeds(moved)} {want}")


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


@check(5, "retention equalised at the same national total: excess deaths at most 0.75 x baseline, fewer in most seeds",
       runs=("baseline", "equal_retention"))
def f5_equal_retention_cuts_deaths(rs):
    """Equalising retention cuts deaths"""
    return _compare(rs, "equal_retention", "fewer", 0.75)


# ---- fact 6: exports -------------------------------------------------------------------------
@check(6, "zero exports 1958-60 (no aid): excess deaths at most 0.95 x baseline, fewer in most seeds",
       runs=("baseline", "no_exports", "no_exports_accept_aid"))
def f6_zero_exports_reduce_deaths(rs):
    """Zero exports reduce deaths noticeably"""
    out = _compare(rs, "no_exports", "fewer", 0.95)
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
    share = weather / base if base > 0 else float("nan")
    return Outcome(f"fall below 1957: baseline {base:.1f} points, weather only {weather:.1f} "
                   f"({pct(share)}; record 21.2 points)", base > 0 and share <= 0.45,
                   f"weather alone gives {pct(share)} of the fall")


@check(10, "weather only: excess deaths at most 0.35 x baseline, fewer in most seeds (Houser et al.: policy 69%)",
       runs=("baseline", "weather_only"))
def f10_weather_only_little_mortality(rs):
    """Weather alone raises mortality little"""
    return _compare(rs, "weather_only", "fewer", 0.35)


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
@check(12, "quotas a share of the true harvest: excess deaths at most 0.75 x baseline, fewer in most seeds",
       runs=("baseline", "flexible_quotas"))
def f12_flexible_quotas_cut_deaths(rs):
    """Flexible procurement cuts deaths substantially"""
    return _compare(rs, "flexible_quotas", "fewer", 0.75)


# ---- fact 13: Li & Yang decomposition --------------------------------------------------------
DECOMPOSITION = ("no_labour_diversion", "normal_procurement", "no_diversion_normal_procurement")


def removed_share(rs, run: str) -> float:
    """Share of the baseline's 1959-61 output fall (below 1957) that a counterfactual removes."""
    base = output_fall(rs, "baseline")
    return 1 - output_fall(rs, run) / base if base > 0 else float("nan")


@check(13, "no diversion and normal procurement together remove 45-85% of the 1959-61 output fall "
           "(Li & Yang: about 60%)", runs=("baseline",) + DECOMPOSITION)
def f13_both_remove_most_of_fall(rs):
    """Diversion and procurement together explain most of the output fall"""
    s = removed_share(rs, "no_diversion_normal_procurement")
    return Outcome(f"removes {pct(s)} of a {output_fall(rs, 'baseline'):.1f}-point fall", in_band(s, 0.45, 0.85),
                   f"together they remove {pct(s)}")


@check(13, "no diversion alone and normal procurement alone each remove at least 15% of the fall",
       runs=("baseline",) + DECOMPOSITION)
def f13_each_alone_removes_part(rs):
    """Each channel alone removes a substantial part"""
    a, b = removed_share(rs, "no_labour_diversion"), removed_share(rs, "normal_procurement")
    return Outcome(f"no diversion {pct(a)}, normal procurement {pct(b)}", a >= 0.15 and b >= 0.15,
                   f"no diversion removes {pct(a)}, normal procurement {pct(b)}")


# ---- fact 14: the exit right -----------------------------------------------------------------
@check(14, "exit right kept: 1959 output at least 1 index point (1957 = 100) above baseline, in most seeds",
       runs=("baseline", "exit_right_kept"))
def f14_exit_right_keeps_1959_output(rs):
    """Keeping the exit right keeps 1959 output higher"""
    base, cf = rs.annual("baseline", "output_index").loc[1959], rs.annual("exit_right_kept", "output_index").loc[1959]
    d = float((cf - base).mean())
    return Outcome(f"{d:+.1f} points ({share_of_seeds(cf > base)} higher)", d >= 1.0 and (cf > base).mean() > 0.5,
                   f"1959 output only {d:+.1f} points higher")


@check(14, "exit right kept: deaths still peak in 1960 (Lin's channel is not needed for the peak)",
       runs=("exit_right_kept",))
def f14_peak_without_exit_channel(rs):
    """The 1960 peak does not need the exit-right channel"""
    cdr = yearly(rs, "exit_right_kept", "cdr_registered")
    return Outcome(f"peak {int(cdr.idxmax())}", int(cdr.idxmax()) == 1960, f"peak in {int(cdr.idxmax())}")


# ---- fact 15: dining halls -------------------------------------------------------------------
def _village_stock(m, year, month):
    row = m[(m["year"] == year) & (m["month"] == month)].iloc[0]
    rural = max(row["rural_population"], 1)
    return (row["commune_stock_kg"] + row["household_stock_kg"] + row["hidden_grain_kg"]) / rural


@check(15, "village grain per person at end-April 1959 at most 1/3 of end-October 1958 and at "
           "most 0.8 x the no-halls run", runs=("baseline", "no_dining_halls"))
def f15_stocks_exhausted_spring_1959(rs):
    """Hall stocks run down by spring 1959 after the free phase"""
    own, vs = [], []
    for i in range(rs.seeds):
        m, n = rs.monthly("baseline", i), rs.monthly("no_dining_halls", i)
        own.append(_village_stock(m, 1959, 4) / max(_village_stock(m, 1958, 10), 1e-9))
        vs.append(_village_stock(m, 1959, 4) / max(_village_stock(n, 1959, 4), 1e-9))
    a, b = float(np.mean(own)), float(np.mean(vs))
    return Outcome(f"April 1959 stock {pct(a)} of October 1958; {b:.2f} x no-halls", a <= 1 / 3 and b <= 0.8,
                   f"April 1959 stocks are {pct(a)} of October 1958 and {b:.2f} x the no-halls run")


@check(15, "across communes (1959-60, within seed and year), hall participation raises the death "
           "rate with procurement share held constant: partial correlation >= 0.1")
def f15_participation_predicts_mortality(rs):
    """Communes with more hall participation die more"""
    c = rs.communes("baseline")
    c = c[c["year"].isin((1959, 1960))].dropna(subset=["procurement_share"])
    cols = ["hall_participation", "cdr", "procurement_share"]
    x = c[cols] - c.groupby(["seed", "year"])[cols].transform("mean")
    z = x["procurement_share"].to_numpy()

    def resid(v):
        v = v.to_numpy()
        return v - (z @ v / (z @ z)) * z if z @ z > 0 else v
    a, b = resid(x["hall_participation"]), resid(x["cdr"])
    denom = np.sqrt((a @ a) * (b @ b))
    r = float(a @ b / denom) if denom > 0 else float("nan")
    return Outcome(f"partial correlation {r:+.2f} ({len(c)} commune-years)", r >= 0.1,
                   f"participation and deaths correlate {r:+.2f}")


# ---- fact 16: Lushan -------------------------------------------------------------------------
def _diff(rs, column, year, cf="no_lushan_purge"):
    return yearly(rs, "baseline", column).loc[year], yearly(rs, cf, column).loc[year]


@check(16, "1959 reported / true at least 0.02 above the no-purge run", runs=("baseline", "no_lushan_purge"))
def f16_lushan_raises_1959_reports(rs):
    """The purge raises 1959 reports"""
    b, n = _diff(rs, "report_ratio_official", 1959)
    return Outcome(f"{b:.2f} vs {n:.2f} without the purge", b - n >= 0.02, f"difference {b - n:+.3f}")


@check(16, "1959 procurement (kg) at least 2% above the no-purge run", runs=("baseline", "no_lushan_purge"))
def f16_lushan_raises_1959_procurement(rs):
    """The purge raises 1959 procurement"""
    b, n = _diff(rs, "procurement_kg", 1959)
    return Outcome(f"{pct(b / n - 1)} against no purge", b >= 1.02 * n, f"difference {pct(b / n - 1)}")


@check(16, "1960 registered death rate at least 1.1 x the no-purge run", runs=("baseline", "no_lushan_purge"))
def f16_lushan_raises_1960_peak(rs):
    """The purge raises the 1960 peak"""
    b, n = _diff(rs, "cdr_registered", 1960)
    return Outcome(f"{b:.1f} vs {n:.1f} per 1000 ({b / n:.2f} x)", b >= 1.1 * n, f"only {b / n:.2f} x")


@check(16, "the retreat comes at least half a month later on average than without the purge, "
           "and later in more seeds than earlier", runs=("baseline", "no_lushan_purge"))
def f16_lushan_delays_retreat(rs):
    """The purge delays the centre's recognition"""
    def months(run):
        out = []
        for i in range(rs.seeds):
            on = np.flatnonzero(rs.monthly(run, i)["retreat"].to_numpy() > 0)
            out.append(on[0] if len(on) else len(rs.monthly(run, i)))
        return np.array(out, dtype=float)
    b, n = months("baseline"), months("no_lushan_purge")
    d = float((b - n).mean())
    ok = d >= 0.5 and (b > n).sum() > (b < n).sum()
    return Outcome(f"{d:+.1f} months ({share_of_seeds(b > n)} later, {share_of_seeds(b < n)} earlier)", ok,
                   f"retreat {d:+.1f} months later on average, later in {share_of_seeds(b > n)}")


# ---- facts 20 and 21: flight and kin ---------------------------------------------------------
@check(20, "flight fully blocked: excess deaths at least 1.05 x those with flight unblocked, more in most seeds",
       runs=("strict_registration", "lax_registration"))
def f20_strict_registration_raises_deaths(rs):
    """Blocking flight raises mortality"""
    return _compare(rs, "strict_registration", "more", 1.05, base="lax_registration")


@check(21, "no kin transfers: excess deaths at least 1.05 x baseline, more in most seeds", runs=("baseline", "no_kin_transfers"))
def f21_kin_transfers_lower_deaths(rs):
    """Kin transfers lower mortality"""
    return _compare(rs, "no_kin_transfers", "more", 1.05)
