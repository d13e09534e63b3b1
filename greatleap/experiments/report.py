"""``greatleap report SWEEP_DIR``: figures (PNG and SVG) and summary tables of a finished sweep.

Written to ``SWEEP_DIR/report/``, which is replaced as a whole (``atomic.replace_folder``): a
report never mixes files of two runs of the command. Only a store whose parts all match their
manifest is reported (``SweepStore.require_intact``); a damaged or foreign part is named instead.
- ``timeseries``: main monthly series, median and 10-90 % band across runs, one line per scenario;
- ``outcome_vs_<param>``: each main outcome against each varied parameter;
- ``heatmap_<a>_<b>``: mean outcome over a two-parameter grid, one panel per scenario;
- ``deaths_by_age``: deaths by five-year age group (the ``deaths_age_*`` series), in the famine
  years 1959-61 above three times 1957's (or in the whole run), mean across runs per scenario;
- ``summary.csv`` / ``summary.md``: per scenario and grid point, runs, mean, sd, 10th/90th
  percentiles of each outcome; ``failures.csv`` when runs failed;
- ``provinces.csv`` (every run's provinces: the leader's traits, the village death rate of
  1959-61, the 1958 claimed/true ratio as the province sent it to the centre, the peak
  procurement share), ``provinces.md`` (their means per scenario and kind of leader) and
  ``provinces`` (death rate and procurement share against the leader's zeal), when the sweep kept
  the runs' province tables (ODD 7.12).
Figures use matplotlib's object API (no pyplot, no display needed) and the Okabe-Ito palette,
which stays distinguishable for colour-blind readers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greatleap.atomic import figure_bytes, replace_folder, table_bytes
from greatleap.errors import InputError, excerpt
from greatleap.inputs import existing_folder, output_folder
from greatleap.experiments.design import KEY_COLUMNS
from greatleap.experiments.store import SweepStore

MAIN_SERIES = ["cdr", "kcal_mean", "procurement_share", "population"]
MAIN_OUTCOMES = ["excess_deaths", "peak_cdr", "report_ratio_1958", "peak_procurement_share",
                 "area_share_of_output_fall"]
# capital and land (ODD 7.11): drawn in capital.png when the sweep kept them
CAPITAL_SERIES = ["draught_animals_index", "pigs_index", "tools_index", "seed_stock_kg", "sown_area", "damaged_share"]
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
NOT_OUTCOMES = set(KEY_COLUMNS) | {"status", "error", "elapsed_s", "cpu_s"}


def make_report(sweep_dir: str | Path, outcomes: list[str] | None = None,
                series: list[str] | None = None) -> list[Path]:
    store = SweepStore(existing_folder(sweep_dir, "sweep_dir"))
    spec = store.manifest()["spec"]
    out = output_folder(Path(sweep_dir) / "report", "sweep_dir", replaced=True)
    store.require_intact()
    summary = store.summary()
    ok = summary[summary["status"] == "ok"] if len(summary) else summary
    if ok.empty:
        raise InputError("sweep_dir", f"{sweep_dir} has no successful run to report yet")
    grid, sampled = list(spec["grid"]), list(spec["bounds"])
    available = [c for c in ok.columns if c not in NOT_OUTCOMES and c not in grid + sampled
                 and pd.api.types.is_numeric_dtype(ok[c])]
    outcomes = _choose(outcomes, MAIN_OUTCOMES, available, "outcome")
    files = timeseries_figure(store, series, "timeseries")
    files |= deaths_by_age_figure(store, "deaths_by_age")
    files |= capital_figure(store, "capital")
    for param in grid + sampled:
        files |= outcome_vs_param_figure(ok, param, outcomes, sampled=param in sampled, name=f"outcome_vs_{param}")
    if len(grid) == 2:
        files |= heatmap_figure(ok, grid[0], grid[1], outcomes[0], f"heatmap_{grid[0]}_{grid[1]}")
    files |= summary_tables(summary, grid, outcomes)
    files |= province_files(store.provinces(), "provinces")
    return replace_folder(out, files)


def _choose(asked: list[str] | None, preferred: list[str], available: list[str], what: str) -> list[str]:
    if asked:
        for name in asked:
            if name not in available:
                raise InputError(what, f"{excerpt(name)} is not in this sweep; available: {', '.join(available)}")
        return asked
    chosen = [n for n in preferred if n in available] or available[:4]
    if not chosen:
        raise InputError(what, "this sweep kept no numeric " + what)
    return chosen


def figure_files(fig, name: str) -> dict[str, bytes]:
    """``{name.png: bytes, name.svg: bytes}``: figures are rendered in memory, then written
    together with the rest of the output (whole or not at all)."""
    return {f"{name}.{fmt}": figure_bytes(fig, fmt, dpi=120, bbox_inches="tight") for fmt in ("png", "svg")}


def _time_axis(monthly: pd.DataFrame) -> pd.Series:
    if "date" in monthly:
        return pd.to_datetime(monthly["date"])
    if {"year", "month"} <= set(monthly):
        return monthly["year"] + (monthly["month"] - 1) / 12
    return monthly.groupby("run_id").cumcount()


def timeseries_figure(store: SweepStore, series: list[str] | None, stem: str) -> dict[str, bytes]:
    from matplotlib.figure import Figure

    columns = store.monthly_columns()
    time_columns = [c for c in ("date", "year", "month") if c in columns]
    candidates = [c for c in columns if c not in KEY_COLUMNS and c not in time_columns]
    series = _choose(series, [c for c in MAIN_SERIES if c in candidates], candidates, "series")
    # read only what is drawn: a large sweep's monthly store does not fit in memory whole
    monthly = store.monthly(columns=["run_id", "scenario", *time_columns, *series])
    monthly = monthly.assign(t=_time_axis(monthly))
    scenarios = list(dict.fromkeys(monthly["scenario"]))
    fig = Figure(figsize=(8, 2.3 * len(series)), layout="constrained")
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, series):
        for colour, scenario in zip(_colours(len(scenarios)), scenarios):
            by_t = monthly.loc[monthly["scenario"] == scenario].groupby("t")[name]
            q = by_t.quantile([0.1, 0.5, 0.9]).unstack()
            n_runs = monthly.loc[monthly["scenario"] == scenario, "run_id"].nunique()
            ax.fill_between(q.index, q[0.1], q[0.9], color=colour, alpha=0.25, linewidth=0)
            ax.plot(q.index, q[0.5], color=colour, label=f"{scenario} ({n_runs} runs)")
        ax.set_ylabel(_label(name), fontsize="small")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small", loc="best")
    axes[0].set_title("Median across runs, band: 10th-90th percentile (seeds and design points)")
    return figure_files(fig, stem)


def capital_figure(store: SweepStore, stem: str) -> dict[str, bytes]:
    """The stocks of capital and land over time per scenario (herd, tools, seed, area sown, damaged
    land); nothing if the sweep kept none of them."""
    present = [c for c in CAPITAL_SERIES if c in store.monthly_columns()]
    return timeseries_figure(store, present, stem) if present else {}


AGE_PREFIX = "deaths_age_"


def deaths_by_age_figure(store: SweepStore, stem: str) -> dict[str, bytes]:
    """Deaths by five-year age group per scenario: excess deaths of 1959-61 over three times 1957's
    when the runs cover those years, else all deaths of the run. Nothing if the sweep kept no
    ``deaths_age_*`` series."""
    from matplotlib.figure import Figure

    columns = store.monthly_columns()
    ages = [c for c in columns if c.startswith(AGE_PREFIX)]
    if not ages or "year" not in columns:
        return {}
    monthly = store.monthly(columns=["run_id", "scenario", "year", *ages])
    by_year = monthly.groupby(["scenario", "run_id", "year"])[ages].sum()
    years = set(by_year.index.get_level_values("year"))
    excess = {1957, 1959, 1960, 1961} <= years
    if excess:
        famine = by_year[by_year.index.get_level_values("year").isin([1959, 1960, 1961])].groupby(level=[0, 1]).sum()
        normal = by_year.xs(1957, level="year")
        per_run = famine - 3 * normal
    else:
        per_run = by_year.groupby(level=[0, 1]).sum()
    mean = per_run.groupby(level=0).mean()
    scenarios = list(dict.fromkeys(monthly["scenario"]))
    labels = [c[len(AGE_PREFIX):].replace("_plus", "+").replace("_", "-") for c in ages]
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(len(scenarios), 1)
    for k, (colour, scenario) in enumerate(zip(_colours(len(scenarios)), scenarios)):
        x = np.arange(len(ages)) + (k - (len(scenarios) - 1) / 2) * width
        ax.bar(x, mean.loc[scenario, ages].to_numpy(), width=width, color=colour, label=scenario)
    ax.set_xticks(range(len(ages)), labels, rotation=45, fontsize="small")
    ax.set_xlabel("age group (years)")
    ax.set_ylabel("excess deaths 1959-61 (over 3 x 1957)" if excess else "deaths in the run", fontsize="small")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize="small")
    ax.set_title("Who died: deaths by age group, mean across runs")
    return figure_files(fig, stem)


def _label(name: str) -> str:
    """``name (unit)`` from the reporters' vocabulary, so axes say what they measure."""
    try:
        from greatleap.reporters import MONTHLY, SUMMARY_OUTCOMES
    except ImportError:
        return name
    unit = (MONTHLY.get(name) or SUMMARY_OUTCOMES.get(name) or ("",))[0]
    return f"{name} ({unit})" if unit else name


def _colours(n: int) -> list[str]:
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]


def outcome_vs_param_figure(ok: pd.DataFrame, param: str, outcomes: list[str], sampled: bool,
                            name: str) -> dict[str, bytes]:
    from matplotlib.figure import Figure

    scenarios = list(dict.fromkeys(ok["scenario"]))
    fig = Figure(figsize=(3.6 * len(outcomes), 3.2), layout="constrained")
    axes = fig.subplots(1, len(outcomes), squeeze=False)[0]
    for ax, outcome in zip(axes, outcomes):
        for colour, scenario in zip(_colours(len(scenarios)), scenarios):
            rows = ok.loc[ok["scenario"] == scenario, [param, outcome]].dropna()
            if sampled or rows[param].dtype == object:  # sampled: every run is its own point
                ax.scatter(rows[param].astype(float) if sampled else rows[param].astype(str),
                           rows[outcome], s=10, alpha=0.6, color=colour, label=scenario)
                continue
            q = rows.groupby(param)[outcome].quantile([0.1, 0.5, 0.9]).unstack()
            x = q.index.astype(float) if q.index.dtype != bool else q.index.astype(int)
            ax.errorbar(x, q[0.5], yerr=[q[0.5] - q[0.1], q[0.9] - q[0.5]], marker="o", capsize=3,
                        color=colour, label=scenario)
        ax.set_xlabel(param)
        ax.set_ylabel(_label(outcome), fontsize="small")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.suptitle(f"Outcomes against {param}" + ("" if sampled else " (median, 10th-90th percentile)"))
    return figure_files(fig, name)


def heatmap_figure(ok: pd.DataFrame, a: str, b: str, outcome: str, name: str) -> dict[str, bytes]:
    from matplotlib.figure import Figure

    scenarios = list(dict.fromkeys(ok["scenario"]))
    fig = Figure(figsize=(4.2 * len(scenarios), 3.6), layout="constrained")
    axes = fig.subplots(1, len(scenarios), squeeze=False)[0]
    tables = {s: ok[ok["scenario"] == s].pivot_table(index=b, columns=a, values=outcome, aggfunc="mean")
              for s in scenarios}
    lo = min(t.min().min() for t in tables.values())
    hi = max(t.max().max() for t in tables.values())
    for ax, scenario in zip(axes, scenarios):  # one colour scale for every panel
        table = tables[scenario]
        image = ax.imshow(table.values, origin="lower", cmap="viridis", vmin=lo, vmax=hi, aspect="auto")
        ax.set_xticks(range(len(table.columns)), [_fmt(v) for v in table.columns])
        ax.set_yticks(range(len(table.index)), [_fmt(v) for v in table.index])
        for (i, j), value in np.ndenumerate(table.values):  # dark text on the light (yellow) end
            light = hi > lo and (value - lo) / (hi - lo) > 0.6
            ax.text(j, i, _fmt(value), ha="center", va="center", fontsize="x-small",
                    color="black" if light else "white")
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        ax.set_title(scenario)
    fig.colorbar(image, ax=list(axes), label=f"mean {_label(outcome)}")
    return figure_files(fig, name)


def _fmt(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return "nan" if np.isnan(value) else f"{value:.4g}"
    return str(value)


def summary_tables(summary: pd.DataFrame, grid: list[str], outcomes: list[str]) -> dict[str, bytes]:
    groups = ["scenario"] + grid
    rows = []
    for key, part in summary.groupby(groups, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        ok = part[part["status"] == "ok"]
        row = dict(zip(groups, key), runs_ok=len(ok), runs_failed=len(part) - len(ok))
        for name in outcomes:
            values = ok[name].dropna()
            row.update({f"{name}_mean": values.mean(), f"{name}_sd": values.std(),
                        f"{name}_p10": values.quantile(0.1), f"{name}_p90": values.quantile(0.9)})
        rows.append(row)
    table = pd.DataFrame(rows)
    files = {"summary.csv": table_bytes(table, ".csv")}
    header = groups + ["runs (ok/failed)"] + [f"{n}: mean [p10, p90]" for n in outcomes]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [_fmt(r[g]) for g in groups] + [f"{r['runs_ok']}/{r['runs_failed']}"]
        cells += [f"{_fmt(r[f'{n}_mean'])} [{_fmt(r[f'{n}_p10'])}, {_fmt(r[f'{n}_p90'])}]" for n in outcomes]
        lines.append("| " + " | ".join(cells) + " |")
    files["summary.md"] = ("\n".join(lines) + "\n").encode("utf-8")
    failed = summary[summary["status"] != "ok"]
    if len(failed):
        files["failures.csv"] = table_bytes(failed[[*KEY_COLUMNS, "error"]], ".csv")
    return files


# ---- provinces (ODD 7.12) ----------------------------------------------------------------------
FAMINE_YEARS = (1959, 1960, 1961)
LEADER_KINDS = ("zealous alternate member", "zealous", "moderate alternate member", "moderate")


def province_summary(provinces: pd.DataFrame) -> pd.DataFrame:
    """One row per run and province: the leader's traits, the village death rate per 1000 a year
    over 1959-61 (the years the run covers), the 1958 claimed/true ratio of the province's report to
    the centre, the highest yearly procurement share, and the province's land (normal grain per head
    relative to the nation's) and urban share in the run's first year."""
    keys = [c for c in KEY_COLUMNS if c in provinces] + ["province", "leader_zeal", "leader_alternate", "leader_loyalty"]
    famine = provinces[provinces["year"].isin(FAMINE_YEARS)].groupby(keys)[["deaths", "population"]].sum()
    y1958 = provinces[provinces["year"] == 1958].groupby(keys)[["reported_province_kg", "true_kg"]].sum()
    out = provinces.groupby(keys)[["procurement_share"]].max().rename(columns={"procurement_share": "peak_procurement_share"})
    out["cdr_1959_61"] = famine["deaths"] * 1000 / famine["population"].where(famine["population"] > 0)
    out["report_ratio_1958"] = y1958["reported_province_kg"] / y1958["true_kg"].where(y1958["true_kg"] > 0)
    lands = [c for c in ("fertility", "urban_share") if c in provinces]  # absent from stores made before 2026-12-08
    if lands:
        first = provinces[provinces["year"] == provinces["year"].min()].groupby(keys)[lands].first()
        out[[LAND_COLUMNS[c] for c in lands]] = first[lands]
    out = out.reset_index()
    zealous = out["leader_zeal"] >= 0.5
    alternate = out["leader_alternate"] > 0
    out["leader_kind"] = np.select([zealous & alternate, zealous, alternate], LEADER_KINDS[:3], LEADER_KINDS[3])
    return out[[*keys, "leader_kind", "cdr_1959_61", "report_ratio_1958", "peak_procurement_share",
                *(LAND_COLUMNS[c] for c in lands)]]


# What a province is apart from its leader, as of the run's first year (ODD 7.12).
LAND_COLUMNS = {"fertility": "fertility", "urban_share": "urban_share_start"}


PROVINCE_MEASURES = {"leader_zeal": "zeal", "cdr_1959_61": "village deaths per 1000 a year, 1959-61",
                     "report_ratio_1958": "1958 claim / true harvest", "peak_procurement_share": "peak procurement share"}


def province_files(provinces: pd.DataFrame, stem: str) -> dict[str, bytes]:
    """``provinces.csv``, ``provinces.md`` and the ``provinces`` figure; nothing if the sweep kept
    no province table."""
    needed = {"year", "province", "leader_zeal", "leader_alternate", "leader_loyalty", "deaths", "population",
              "true_kg", "reported_province_kg", "procurement_share"}
    if provinces.empty or not needed <= set(provinces):
        return {}
    table = province_summary(provinces)
    files = {f"{stem}.csv": table_bytes(table, ".csv")}
    header = ["scenario", "leader", "provinces", *PROVINCE_MEASURES.values()]
    lines = ["Provinces of every run, by kind of leader (zealous: zeal >= 0.5; alternate member of the Central "
             "Committee or not): means across the runs' provinces.", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (scenario, kind), part in table.groupby(["scenario", "leader_kind"], sort=False):
        cells = [str(scenario), kind, str(len(part))] + [_fmt(part[m].mean()) for m in PROVINCE_MEASURES]
        lines.append("| " + " | ".join(cells) + " |")
    files[f"{stem}.md"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files | province_figure(table, stem)


def province_figure(table: pd.DataFrame, stem: str) -> dict[str, bytes]:
    """Each run's provinces: death rate and procurement share against the leader's zeal, a colour
    per scenario, filled for alternate members of the Central Committee."""
    from matplotlib.figure import Figure

    scenarios = list(dict.fromkeys(table["scenario"]))
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, measure in zip(axes, ("cdr_1959_61", "peak_procurement_share")):
        for colour, scenario in zip(_colours(len(scenarios)), scenarios):
            part = table[table["scenario"] == scenario]
            for alternate, face in ((True, colour), (False, "none")):
                mine = part[(part["leader_alternate"] > 0) == alternate]
                label = f"{scenario}{', alternate member' if alternate else ''}"
                ax.scatter(mine["leader_zeal"], mine[measure], s=18, edgecolors=colour, facecolors=face,
                           label=label if len(mine) else None)
        ax.set_xlabel("provincial leader's zeal")
        ax.set_ylabel(PROVINCE_MEASURES[measure], fontsize="small")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="x-small")
    fig.suptitle("Provinces of every run: their leaders and their famine")
    return figure_files(fig, stem)
