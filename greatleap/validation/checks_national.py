"""Checks on the baseline's national path: timing, output, reports, procurement, retreat, scale.

Facts 1, 2, 3, 4, 17 and 18 of the stylized facts (numbered as in docs/validation.md). Each function reads the runs and returns
an ``Outcome``; the band it tests is written once, in its ``@check`` line and its body.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greatleap.validation.core import (CHINA_1957_M, Outcome, check, excess_share, first_retreat, in_band, pct,
                                       share_of_seeds, yearly)


# ---- fact 1: timing of mortality -----------------------------------------------------------
@check(1, "the mean registered death rate peaks in 1960")
def f1_cdr_peaks_in_1960(rs):
    """Registered death rate peaks in 1960"""
    cdr = yearly(rs, "baseline", "cdr_registered")
    peaks = rs.annual("baseline", "cdr_registered").idxmax()
    peak = int(cdr.idxmax())
    return Outcome(f"peak {peak} ({cdr.max():.1f} per 1000); {share_of_seeds(peaks == 1960)} peak in 1960",
                   peak == 1960, f"the mean death rate peaks in {peak}, not 1960")


@check(1, "1959 and 1961 excess (registered CDR above 1957) each 0.15-0.6 of the 1960 excess "
          "(record: 0.26 and 0.24)")
def f1_shoulders_fraction_of_1960(rs):
    """1959 and 1961 are shoulders of the 1960 peak"""
    cdr = yearly(rs, "baseline", "cdr_registered")
    e = cdr - cdr.loc[1957]
    r59, r61 = e.loc[1959] / e.loc[1960], e.loc[1961] / e.loc[1960]
    ok = e.loc[1960] > 0 and in_band(r59, 0.15, 0.6) and in_band(r61, 0.15, 0.6)
    return Outcome(f"1959/1960 {r59:.2f}, 1961/1960 {r61:.2f}", ok,
                   f"excess ratios {r59:.2f} and {r61:.2f} against a band of 0.15-0.6")


@check(1, "1962 registered death rate at most 1.1 x the 1957 rate, and below 1961's")
def f1_back_to_baseline_by_1962(rs):
    """Mortality back to its pre-famine level by 1962"""
    cdr = yearly(rs, "baseline", "cdr_registered")
    ratio = cdr.loc[1962] / cdr.loc[1957]
    ok = ratio <= 1.1 and cdr.loc[1962] < cdr.loc[1961]
    return Outcome(f"1962 {cdr.loc[1962]:.1f} vs 1957 {cdr.loc[1957]:.1f} (x{ratio:.2f}); 1961 {cdr.loc[1961]:.1f}",
                   ok, f"1962 is {ratio:.2f} x 1957 or not below 1961")


# ---- fact 2: output ------------------------------------------------------------------------
@check(2, "true output falls 5-25% in 1959 and again 5-25% in 1960 (record: -15%, -16%)")
def f2_output_falls_1959_and_1960(rs):
    """Output falls about 15% in each of 1959 and 1960"""
    out = yearly(rs, "baseline", "harvest_true_kg")
    d59, d60 = out.loc[1959] / out.loc[1958] - 1, out.loc[1960] / out.loc[1959] - 1
    ok = in_band(-d59, 0.05, 0.25) and in_band(-d60, 0.05, 0.25)
    return Outcome(f"1959 {pct(d59)}, 1960 {pct(d60)}", ok,
                   f"year-on-year changes {pct(d59)} and {pct(d60)}, not two falls of 5-25%")


@check(2, "1961 output within 7% of 1960 and at least 10% below 1958 (record: +3%, -26%)")
def f2_output_stays_low_1961(rs):
    """Output stays low in 1961"""
    out = yearly(rs, "baseline", "harvest_true_kg")
    flat, low = out.loc[1961] / out.loc[1960] - 1, out.loc[1961] / out.loc[1958] - 1
    ok = abs(flat) <= 0.07 and low <= -0.10
    return Outcome(f"1961 vs 1960 {pct(flat)}, vs 1958 {pct(low)}", ok,
                   f"1961 is {pct(flat)} from 1960 and {pct(low)} from 1958")


@check(2, "1962 output still below 1958 (the 1958 level took until 1966 to regain)")
def f2_no_quick_recovery(rs):
    """Output does not regain the 1958 level by 1962"""
    out = yearly(rs, "baseline", "harvest_true_kg")
    gap = out.loc[1962] / out.loc[1958] - 1
    return Outcome(f"1962 vs 1958 {pct(gap)}", gap < 0, f"1962 output is {pct(gap)} above 1958")


@check(2, "the area's part of the 1959-61 output fall (in logs, against 1957) is 0.3-0.7 (Kueh 1984: about half)")
def f2_area_about_half_of_fall(rs):
    """Half the fall from less area, half from lower yield"""
    from greatleap.tables import area_share_of_fall

    by_year = pd.DataFrame({name: yearly(rs, "baseline", name) for name in ("output_index", "sown_area_index")})
    share = area_share_of_fall(by_year)
    ok = bool(np.isfinite(share)) and in_band(share, 0.3, 0.7)
    return Outcome(f"area {share:.2f}, yield {1 - share:.2f} of the fall", ok,
                   f"the area's part of the fall is {share:.2f}")


def _herd_falls(rs, column: str, what: str, low: float, high: float) -> Outcome:
    """The baseline's herd ``column`` at the end of 1961 against 1957: a fall of ``low``-``high``."""
    herd = yearly(rs, "baseline", column)
    change = herd.loc[1961] / herd.loc[1957] - 1
    return Outcome(f"1961 vs 1957 {pct(change)}", in_band(-change, low, high),
                   f"the {what} changed {pct(change)}, not a fall of {low:.0%}-{high:.0%}")


@check(2, "draught animals 7-27% fewer at the end of 1961 than at the end of 1957 (record: large animals "
          "83.82 M to 69.49 M, -17%, SSB)")
def f2_draught_animals_fall_a_sixth(rs):
    """Draught animals fall about a sixth, 1957-61"""
    return _herd_falls(rs, "draught_animals", "herd", 0.07, 0.27)


@check(2, "pigs 30-65% fewer at the end of 1961 than at the end of 1957 (record: 145.9 M to 75.5 M, -48%, SSB "
          "livestock series, recalled)")
def f2_pigs_fall_by_half(rs):
    """Pigs fall by about half, 1957-61"""
    return _herd_falls(rs, "pigs", "pigs", 0.30, 0.65)


# ---- fact 3: over-reporting ----------------------------------------------------------------
@check(3, "1958 reported / true harvest 1.8-2.2 (record: 375/200 published, 425/200 summed)")
def f3_report_ratio_1958(rs):
    """1958 harvest over-reported about twofold"""
    r = yearly(rs, "baseline", "report_ratio_province").loc[1958]
    return Outcome(f"{r:.2f}", in_band(r, 1.8, 2.2), f"{r:.2f} is outside 1.8-2.2")


@check(3, "1959 reported / true 1.3-1.6 and below 1958 (record: 275/170 = 1.6)")
def f3_report_ratio_1959(rs):
    """Inflation shrinks for the 1959 harvest"""
    r = yearly(rs, "baseline", "report_ratio_province")
    ok = in_band(r.loc[1959], 1.3, 1.6) and r.loc[1959] < r.loc[1958]
    return Outcome(f"1959 {r.loc[1959]:.2f} (1958 {r.loc[1958]:.2f})", ok,
                   f"1959 ratio {r.loc[1959]:.2f} is outside 1.3-1.6 or not below 1958")


@check(3, "1960 reported / true at most 1.15, after at least 0.3 of inflation in 1958")
def f3_report_ratio_near_1_by_1960(rs):
    """Reports approach the truth by the 1960 harvest"""
    r = yearly(rs, "baseline", "report_ratio_province")
    ok = r.loc[1960] <= 1.15 and r.loc[1958] - r.loc[1960] >= 0.3
    return Outcome(f"1960 {r.loc[1960]:.2f} (1958 {r.loc[1958]:.2f})", ok,
                   f"1960 ratio {r.loc[1960]:.2f}, 1958 ratio {r.loc[1958]:.2f}")


@check(3, "1958: at least 75% of communes' cadres mark up by over 5%, officials add more on top, "
          "and cadres carry at least 30% of the log inflation")
def f3_many_local_markups(rs):
    """Inflation built from many local markups compounding upward"""
    c = rs.communes("baseline")
    c = c[(c["year"] == 1958) & (c["true_kg"] > 0)]
    cadre = c["reported_cadre_kg"] / c["true_kg"]
    marking = float((cadre > 1.05).mean())
    total_cadre, total_official = c["reported_cadre_kg"].sum(), c["reported_official_kg"].sum()
    log_cadre = np.log(total_cadre / c["true_kg"].sum())
    log_total = np.log(total_official / c["true_kg"].sum())
    carried = log_cadre / log_total if log_total > 0 else float("nan")
    ok = marking >= 0.75 and total_official > 1.01 * total_cadre and carried >= 0.3
    return Outcome(f"{pct(marking)} of communes mark up; officials x{total_official / total_cadre:.2f} "
                   f"on cadres; cadres carry {pct(carried)} of the log inflation", ok,
                   "too few local markups, or no compounding by officials")


# ---- fact 4: procurement -------------------------------------------------------------------
@check(4, "1959 procurement share 0.34-0.42 and above 1958's (record: 0.259 -> 0.377)")
def f4_procurement_share_jumps_1959(rs):
    """Procurement share jumps in 1959"""
    s = yearly(rs, "baseline", "procurement_share")
    ok = in_band(s.loc[1959], 0.34, 0.42) and s.loc[1959] > s.loc[1958]
    return Outcome(f"1958 {s.loc[1958]:.3f}, 1959 {s.loc[1959]:.3f}", ok,
                   f"1959 share {s.loc[1959]:.3f} is outside 0.34-0.42 or not above 1958")


@check(4, "1960 procurement share above 0.30 (record: 0.324)")
def f4_procurement_share_1960_above_030(rs):
    """Procurement share stays above 0.30 in 1960"""
    s = yearly(rs, "baseline", "procurement_share").loc[1960]
    return Outcome(f"{s:.3f}", s > 0.30, f"1960 share {s:.3f} is not above 0.30")


@check(4, "absolute procurement peaks in 1959 while output falls (record: +24% on a -15% harvest)")
def f4_absolute_procurement_peaks_1959(rs):
    """Absolute procurement peaks in 1959"""
    p = yearly(rs, "baseline", "procurement_kg")
    out = yearly(rs, "baseline", "harvest_true_kg")
    peak = int(p.idxmax())
    ok = peak == 1959 and out.loc[1959] < out.loc[1958]
    return Outcome(f"peak {peak}; 1959 procurement {pct(p.loc[1959] / p.loc[1958] - 1)} on output "
                   f"{pct(out.loc[1959] / out.loc[1958] - 1)}", ok, f"procurement peaks in {peak}")


@check(4, "with quotas a fixed share of true output the 1958->59 share rise is under 0.02, "
          "and the baseline's is at least 0.03 larger", runs=("baseline", "flexible_quotas"))
def f4_fixed_share_removes_pattern(rs):
    """A fixed share of true output removes the 1959 jump"""
    def jump(run):
        s = yearly(rs, run, "procurement_share")
        return s.loc[1959] - s.loc[1958]
    base, flex = jump("baseline"), jump("flexible_quotas")
    ok = flex < 0.02 and base - flex >= 0.03
    return Outcome(f"1958->59 share change: baseline {base:+.3f}, fixed share {flex:+.3f}", ok,
                   "the baseline shows no larger jump than the fixed-share rule")


# ---- fact 17: the retreat ------------------------------------------------------------------
def _retreats(rs, run="baseline"):
    out = []
    for i in range(rs.seeds):
        m = rs.monthly(run, i)
        k = first_retreat(m)
        out.append((m, k))
    return out


@check(17, "the retreat begins in 1960 (median seed)")
def f17_retreat_in_1960(rs):
    """The centre retreats in 1960"""
    dates = [(int(m["year"].iat[k]), int(m["month"].iat[k])) for m, k in _retreats(rs) if k is not None]
    if not dates:
        return Outcome("no retreat in any seed", False, "the centre never retreats")
    months = sorted(y * 12 + mo - 1 for y, mo in dates)
    med = float(np.median(months + [np.inf] * (rs.seeds - len(dates))))
    # the lower month when the median falls between two: rounding a fraction of a year gave "1958-13"
    year = int(med // 12) if np.isfinite(med) else None
    text = f"median {year}-{int(med) % 12 + 1:02d}" if year else "median: never"
    return Outcome(f"{text}; {share_of_seeds(y == 1960 for y, _ in dates)} in 1960, "
                   f"{rs.seeds - len(dates)} never", year == 1960, f"the median retreat is not in 1960 ({text})")


def _median_of_seeds(values) -> tuple[float | None, np.ndarray]:
    """The median of the seeds' values that could be measured (None if none could), and the values."""
    r = np.array(values, dtype=float)
    return (None if np.isnan(r).all() else float(np.nanmedian(r))), r


@check(17, "central stocks in the retreat month at most half their 1957 mean")
def f17_retreat_when_stocks_low(rs):
    """The retreat comes when central stocks run low"""
    ratios = []
    for m, k in _retreats(rs):
        base = m.loc[m["year"] == m["year"].min(), "central_stock_kg"].mean()
        ratios.append(m["central_stock_kg"].iat[k] / base if k is not None and base > 0 else np.nan)
    med, _ = _median_of_seeds(ratios)
    if med is None:
        return Outcome("no retreat in any seed", False, "the centre never retreats")
    return Outcome(f"median stock at the retreat {pct(med)} of 1957", med <= 0.5,
                   f"stocks are {pct(med)} of their 1957 level when the centre retreats")


@check(17, "mean death rate 7-9 months after the retreat at most 0.8 x the highest 3-month mean "
          "within 3 months of it")
def f17_mortality_falls_after_retreat(rs):
    """Mortality falls within two to three seasons of the retreat"""
    ratios = []
    for m, k in _retreats(rs):
        cdr = m["cdr"].to_numpy()
        if k is None or k + 10 > len(cdr) or k < 3:
            ratios.append(np.nan)
            continue
        around = max(cdr[j - 1:j + 2].mean() for j in range(k - 2, k + 3))
        ratios.append(cdr[k + 7:k + 10].mean() / around if around > 0 else np.nan)
    med, r = _median_of_seeds(ratios)
    if med is None:
        return Outcome("no retreat (with 9 months after it) in any seed", False, "no retreat to measure from")
    return Outcome(f"median ratio {med:.2f}; {share_of_seeds(r[~np.isnan(r)] <= 0.8)} fall", med <= 0.8,
                   f"the death rate 7-9 months on is {med:.2f} x its level at the retreat")


# ---- fact 18: scale ------------------------------------------------------------------------


def _excess_text(rs):
    share = excess_share(rs, "baseline")
    lo, hi = np.percentile(share, [5, 95])
    reg = (rs.annual("baseline", "cdr_registered") / rs.annual("baseline", "cdr")).mean().mean()
    m = share.mean()
    return m, (f"{pct(m)} of the population ({m * CHINA_1957_M:.1f} M scaled to China; 5-95% "
               f"{lo * CHINA_1957_M:.1f}-{hi * CHINA_1957_M:.1f} M; registered-like {m * reg * CHINA_1957_M:.1f} M)")


@check(18, "excess deaths 1959-61 within the literature's range, 15-55 M of 646.5 M (2.3-8.5%)")
def f18_excess_deaths_in_literature_range(rs):
    """Excess deaths within the published range"""
    m, text = _excess_text(rs)
    return Outcome(text, in_band(m * CHINA_1957_M, 15, 55), "outside 15-55 M")


@check(18, "excess deaths within the central band, 25-35 M (3.9-5.4%)")
def f18_excess_deaths_central_band(rs):
    """Excess deaths within the central band"""
    m, text = _excess_text(rs)
    return Outcome(text, in_band(m * CHINA_1957_M, 25, 35), "outside the central 25-35 M")
