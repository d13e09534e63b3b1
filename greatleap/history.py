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


def model_series(annual: pd.DataFrame) -> pd.DataFrame:
    a = annual.set_index("year")
    out = pd.DataFrame(index=a.index)
    out["output_index"] = 100 * a["harvest_true_kg"] / a.loc[a.index.min(), "harvest_true_kg"]
    out["report_ratio"] = a["report_ratio_province"]  # the claims the centre receives (ODD 7.12)
    out["procurement_share"] = a["procurement_share"]
    out["cdr_registered"] = a["cdr_registered"]
    return out


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
            rows.append({"year": year, "series": label, "model_mean": np.nanmean(values),
                         "model_p5": np.nanpercentile(values, 5), "model_p95": np.nanpercentile(values, 95),
                         "history": record[key].get(year, np.nan)})
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame) -> str:
    lines = ["| year | series | model mean | model 5-95% | history |", "|---|---|---|---|---|"]
    for r in table.itertuples():
        hist = "" if pd.isna(r.history) else f"{r.history:.2f}"
        lines.append(f"| {r.year} | {r.series} | {r.model_mean:.2f} | {r.model_p5:.2f}-{r.model_p95:.2f} | {hist} |")
    return "\n".join(lines)
