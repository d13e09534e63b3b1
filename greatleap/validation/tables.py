"""The report's tables: calibration series per year with sources, and excess deaths per run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from greatleap.history import SERIES, model_series, national_record
from greatleap.params import SCENARIO_TITLES, SCENARIOS
from greatleap.validation.runs import RUNS

from greatleap.validation.core import CHINA_1957_M, first_retreat
RUN_TITLES = {**SCENARIO_TITLES, "no_exports": "No exports (no early aid)"}

# Where each historical figure comes from (details: greatleap/data/SOURCES.md).
SOURCES = {
    "output_index": "SSB revised series via Lin & Yang 2000, Table 1",
    "report_ratio": {1958: "375 Mt published claim (Time, 12 Jan 1959; Yang Jisheng) / 200 Mt",
                     1959: "275 Mt announced Nov 1959 (Grain Minister Sha Qianli, via Yang Jisheng) / 170 Mt"},
    "procurement_share": "Lin & Yang 2000, Table 1 (SSB 1990); trade grain / unhusked grain",
    "cdr_registered": "SSB registered rate (Banister 1984, Table 5; Lin & Yang 2000, Table 2)",
}


def source(key: str, year: int) -> str:
    s = SOURCES[key]
    return s.get(year, "no claim distinct from the true series") if isinstance(s, dict) else s


def calibration_table(rs) -> pd.DataFrame:
    """Per year and series: model mean and 5-95% over seeds, the record and its source."""
    runs = [model_series(r["annual"]) for r in rs.results["baseline"]]
    record = national_record()
    rows = []
    for key, label in SERIES.items():
        for year in runs[0].index:
            v = np.array([r.loc[year, key] for r in runs], dtype=float)
            hist = record[key].get(year, np.nan)
            rows.append({"series": label, "key": key, "year": int(year), "model_mean": np.nanmean(v),
                         "model_p5": np.nanpercentile(v, 5), "model_p95": np.nanpercentile(v, 95),
                         "history": hist, "source": "" if pd.isna(hist) else source(key, int(year))})
    return pd.DataFrame(rows)


def excess_table(rs) -> pd.DataFrame:
    """Per run: excess deaths 1959-61 as a share of the starting population, and scaled to China."""
    base = rs.summary("baseline", "excess_death_share").mean()
    rows = []
    for run in rs.results:
        s = rs.summary(run, "excess_death_share").to_numpy()
        p5, p95 = np.percentile(s, [5, 95])
        preset, extra = RUNS[run]
        changes = {**SCENARIOS[preset], **extra}
        rows.append({"run": run, "changes": ", ".join(f"{k}={v}" for k, v in changes.items()) or "(defaults)",
                     "mean": s.mean(), "p5": p5, "p95": p95, "mean_m": s.mean() * CHINA_1957_M,
                     "p5_m": p5 * CHINA_1957_M, "p95_m": p95 * CHINA_1957_M,
                     "vs_baseline": s.mean() / base if base > 0 else np.nan, "retreat": median_retreat(rs, run)})
    return pd.DataFrame(rows)


def median_retreat(rs, run: str) -> str:
    """Median month (over seeds) in which the centre retreats, as YYYY-MM, or "never"."""
    months = []
    for i in range(rs.seeds):
        m = rs.monthly(run, i)
        k = first_retreat(m)
        months.append(np.inf if k is None else int(m["year"].iat[k]) * 12 + int(m["month"].iat[k]) - 1)
    med = np.median(months)
    if not np.isfinite(med):
        return "never"
    med = int(np.floor(med))
    return f"{med // 12}-{med % 12 + 1:02d}"
