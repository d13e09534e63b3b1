"""Checks on the mechanisms behind the famine: labour diversion and procurement (fact 13), the
exit right (14), dining halls (15) and the Lushan purge (16).

Each compares the baseline with a counterfactual preset over the same seeds, or reads the
per-commune table across communes.
"""

from __future__ import annotations

import numpy as np

from greatleap.validation.core import Outcome, check, fall_ratio, in_band, output_fall, pct, share_of_seeds, yearly


# ---- fact 13: Li & Yang decomposition --------------------------------------------------------
DECOMPOSITION = ("no_labour_diversion", "normal_procurement", "no_diversion_normal_procurement")


def removed_share(rs, run: str) -> float:
    """Share of the baseline's 1959-61 output fall (below 1957) that a counterfactual removes."""
    return 1 - fall_ratio(rs, run)


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
    b, n = _diff(rs, "report_ratio_province", 1959)
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
