"""Morris screening and Sobol indices (SALib) of one outcome over sampled uncertainties and levers.

The samples are an ordinary sweep (spec ``[sample] method = "morris"`` or ``"sobol"``), so they
run on either engine, resume after a kill and land in the same store; SALib only designs and
analyses (notes/ecosystem.md §2: the analysis library never owns the execution). The outcome of a
design point is its mean over the replicate seeds. Indices are computed per scenario and written to
``SWEEP_DIR/sensitivity/<outcome>_<method>.{csv,md,png,svg}``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from greatleap.atomic import table_bytes, write_files
from greatleap.errors import InputError, excerpt
from greatleap.experiments.report import OKABE_ITO, _fmt, figure_files
from greatleap.inputs import existing_folder, output_folder
from greatleap.experiments.spec import Spec
from greatleap.experiments.store import SweepStore

COLUMNS = {"morris": ["mu_star", "mu_star_conf", "sigma", "mu"],
           "sobol": ["S1", "S1_conf", "ST", "ST_conf"]}


def require_sensitivity_design(spec: Spec) -> None:
    if spec.sample_method not in ("morris", "sobol"):
        raise InputError("sample.method", "sensitivity needs a spec whose [sample] method is 'morris' or 'sobol'")


def analyse(sweep_dir: str | Path, outcome: str = "excess_deaths") -> list[Path]:
    """Indices of ``outcome``; its four files are written together (whole or not at all) beside
    other outcomes' in SWEEP_DIR/sensitivity/."""
    store = SweepStore(existing_folder(sweep_dir, "sweep_dir"))
    spec = store.manifest()["spec"]
    folder = output_folder(Path(sweep_dir) / "sensitivity", "sweep_dir")
    store.require_intact()
    method = spec["sample_method"]
    if method not in COLUMNS:
        raise InputError("sweep_dir", f"{sweep_dir} was not sampled for sensitivity (method: {method}); "
                         "use a spec with [sample] method = 'morris' or 'sobol'")
    summary = store.summary()
    if outcome not in summary.columns:
        kept = [c for c in summary.columns if c not in ("run_id", "scenario", "point", "replicate", "seed",
                                                        "status", "error", "elapsed_s", "cpu_s", *spec["bounds"])]
        raise InputError("outcome", f"{excerpt(outcome)} is not in this sweep; available: {', '.join(kept)}")
    names = list(spec["bounds"])
    problem = {"num_vars": len(names), "names": names, "bounds": [spec["bounds"][n] for n in names]}
    design = store.design()
    tables = [indices_for_scenario(method, problem, design, summary, scenario, outcome, spec["master_seed"])
              for scenario in spec["scenarios"]]
    table = pd.concat(tables, ignore_index=True)
    name = f"{outcome}_{method}"
    files = {f"{name}.csv": table_bytes(table, ".csv"), f"{name}.md": markdown(table, method, outcome).encode("utf-8"),
             **bar_chart(table, method, outcome, name)}
    return write_files({folder / file: data for file, data in files.items()})


def indices_for_scenario(method: str, problem: dict, design: pd.DataFrame, summary: pd.DataFrame,
                         scenario: str, outcome: str, master_seed: int) -> pd.DataFrame:
    points = design[(design["scenario"] == scenario) & (design["replicate"] == 0)].sort_values("point")
    ok = summary[(summary["scenario"] == scenario) & (summary["status"] == "ok")]
    y = ok.groupby("point")[outcome].mean().reindex(points["point"]).to_numpy(dtype=float)
    missing = int(np.isnan(y).sum())
    if missing:
        raise InputError("outcome", f"{missing} of {len(y)} design points of {scenario} have no {outcome} "
                         "(runs unfinished or failed); finish the sweep first (--retry-failed)")
    seed = master_seed % 2**32  # the bootstrap of the confidence intervals is seeded too
    if method == "morris":
        from SALib.analyze import morris

        x = points[problem["names"]].to_numpy(dtype=float)
        res = morris.analyze(problem, x, y, num_levels=4, seed=seed)
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    table = pd.DataFrame({"scenario": scenario, "parameter": problem["names"]})
    for col in COLUMNS[method]:
        table[col] = np.asarray(res[col], dtype=float)
    return table


def markdown(table: pd.DataFrame, method: str, outcome: str) -> str:
    cols = COLUMNS[method]
    lines = [f"{method.capitalize()} indices of `{outcome}` (95 % confidence intervals from bootstrap)", "",
             "| scenario | parameter | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for r in table.itertuples(index=False):
        lines.append(f"| {r.scenario} | {r.parameter} | " + " | ".join(_fmt(getattr(r, c)) for c in cols) + " |")
    return "\n".join(lines) + "\n"


def bar_chart(table: pd.DataFrame, method: str, outcome: str, name: str) -> dict[str, bytes]:
    from matplotlib.figure import Figure

    scenarios = list(dict.fromkeys(table["scenario"]))
    n_params = table["parameter"].nunique()
    fig = Figure(figsize=(6.5 * len(scenarios), 1.2 + 0.35 * n_params), layout="constrained")
    axes = fig.subplots(1, len(scenarios), squeeze=False)[0]
    bars = [("mu_star", "mu_star_conf", "mu* (mean |elementary effect|)")] if method == "morris" else \
        [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")]
    for ax, scenario in zip(axes, scenarios):
        part = table[table["scenario"] == scenario].sort_values(bars[-1][0])
        y = np.arange(len(part))
        height = 0.8 / len(bars)
        for k, (col, conf, label) in enumerate(bars):
            ax.barh(y + (k - (len(bars) - 1) / 2) * height, part[col], height=height, xerr=part[conf],
                    capsize=2, color=OKABE_ITO[k], label=label)
        ax.set_yticks(y, part["parameter"])
        ax.set_title(scenario)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize="small", loc="lower right")
    fig.suptitle(f"{method.capitalize()} sensitivity of {outcome} (bars: 95 % confidence interval)")
    return figure_files(fig, name)
