"""The national record the baseline is calibrated on, and the model-against-history table.

Four series only (issue: calibrate on nothing else): grain output (index 1957 = 100), the
claimed/true ratio of the harvest, the procurement share of output, and the registered crude
death rate. Figures: ``greatleap/data/historical.csv`` (SSB via Lin & Yang 2000; Banister 1984);
the claims, 375 Mt for 1958 and 275 Mt for 1959, from Yang Jisheng and Lin Yunhui (2012).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

CLAIMED_MT = {1958: 375.0, 1959: 275.0}
YEARS = tuple(range(1957, 1963))  # the tuning years
RATIO_YEARS = (1958,)  # the claimed/true ratio is a target in 1958 only (1959's claim is a check)
# A historian's tolerance per cell (issue 15): output +-5 index points, claimed/true +-0.15,
# procurement share +-0.04, registered death rate +-20% (relative, so it scales with the record).
TOLERANCE = {"output_index": 5.0, "report_ratio": 0.15, "procurement_share": 0.04}
CDR_RELATIVE_TOLERANCE = 0.20
SERIES = {
    "output_index": "Grain output, 1957 = 100",
    "report_ratio": "Claimed / true harvest",
    "procurement_share": "Procurement / output",
    "cdr_registered": "Registered crude death rate, per 1000",
}


def national_record() -> pd.DataFrame:
    with resources.files("greatleap.data").joinpath("historical.csv").open() as fh:
        h = pd.read_csv(fh, comment="#")
    h = h.set_index("year")
    out = pd.DataFrame(index=h.index)
    out["output_index"] = 100 * h["grain_output_actual_mt"] / h.loc[1957, "grain_output_actual_mt"]
    out["report_ratio"] = pd.Series(CLAIMED_MT) / h["grain_output_actual_mt"]
    out["procurement_share"] = h["procurement_share_of_output"]
    out["cdr_registered"] = h["crude_death_rate_per_1000"]
    return out


def tolerance(name: str, target: float) -> float:
    """The tolerance of a cell named ``{series}_{year}`` whose record is ``target``."""
    key = name.rsplit("_", 1)[0]
    return CDR_RELATIVE_TOLERANCE * abs(target) if key == "cdr_registered" else TOLERANCE[key]


def within_tolerance(x: dict, x0: dict) -> tuple[int, int]:
    """(cells within their tolerance, cells) of a path against the record."""
    hits = sum(abs(x.get(k, np.nan) - v) <= tolerance(k, v) for k, v in x0.items())
    return int(hits), len(x0)


def is_target(key: str, year: int) -> bool:
    """Whether the record's cell (series, year) is one the calibration fits."""
    return year in (RATIO_YEARS if key == "report_ratio" else YEARS)


def model_series(annual: pd.DataFrame) -> pd.DataFrame:
    a = annual.set_index("year")
    # built in one go, not a column at a time: a calibration reduces every run to these series
    return pd.DataFrame({
        "output_index": 100 * a["harvest_true_kg"] / a.loc[a.index.min(), "harvest_true_kg"],
        "report_ratio": a["report_ratio_province"],  # the claims the centre receives (ODD 7.12)
        "procurement_share": a["procurement_share"],
        "cdr_registered": a["cdr_registered"],
    }, index=a.index)


def model_vs_history(scenario: str = "baseline", seeds: int = 10, **overrides) -> pd.DataFrame:
    """Per year and series: model mean, 5th and 95th percentile over seeds, and the record."""
    from greatleap.params import resolve
    from greatleap.runner import run_one

    params = resolve(scenario, **overrides)
    runs = [model_series(run_one(params, seed)["annual"]) for seed in range(1, seeds + 1)]
    record = national_record()
    rows = []
    for year in runs[0].index:
        for key, label in SERIES.items():
            values = np.array([r.loc[year, key] for r in runs], dtype=float)
            mean, hist = np.nanmean(values), record[key].get(year, np.nan)
            target = is_target(key, year) and np.isfinite(hist)
            rows.append({"year": year, "series": label, "model_mean": mean,
                         "model_p5": np.nanpercentile(values, 5), "model_p95": np.nanpercentile(values, 95),
                         "history": hist,
                         "within_tolerance": bool(abs(mean - hist) <= tolerance(f"{key}_{year}", hist)) if target
                         else None})
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame) -> str:
    """The table, with whether each tuning cell's model mean is within tolerance, and the count."""
    lines = ["| year | series | model mean | model 5-95% | history | within tolerance |", "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        hist = "" if pd.isna(r.history) else f"{r.history:.2f}"
        hit = "" if r.within_tolerance is None else ("yes" if r.within_tolerance else "no")
        lines.append(f"| {r.year} | {r.series} | {r.model_mean:.2f} | {r.model_p5:.2f}-{r.model_p95:.2f} | {hist} "
                     f"| {hit} |")
    hits = [h for h in table.within_tolerance if h is not None]
    lines += ["", f"{sum(hits)} of {len(hits)} tuning cells within tolerance (output +-5 index points, "
                  f"claimed/true 1958 +-0.15, procurement share +-0.04, registered death rate +-20%)."]
    return "\n".join(lines)
