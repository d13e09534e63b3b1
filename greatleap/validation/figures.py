"""The figure page: calibration series against history, excess deaths by scenario, fact 13.

Matplotlib with the Agg backend (no display); each figure is rendered to PNG bytes, and
``validation.report.write`` writes them with the page, through ``greatleap.atomic.write_files``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from greatleap import atomic
from greatleap.history import SERIES, national_record
from greatleap.params import SCENARIO_TITLES
from greatleap.validation.checks_mechanisms import DECOMPOSITION
from greatleap.validation.core import output_fall
from greatleap.validation.tables import CHINA_1957_M, RUN_TITLES, calibration_table, excess_table

FILES = ("calibration.png", "counterfactuals.png", "decomposition.png")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    data = atomic.figure_bytes(fig, "png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return data


def calibration(rs) -> bytes:
    plt = _plt()
    table = calibration_table(rs)
    record = national_record()
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for ax, (key, label) in zip(axes.flat, SERIES.items()):
        t = table[table["series"] == label]
        ax.fill_between(t["year"], t["model_p5"], t["model_p95"], alpha=0.25, color="C0", label="model 5-95%")
        ax.plot(t["year"], t["model_mean"], "-o", color="C0", label="model mean")
        hist = record[key].reindex(t["year"])
        ax.plot(t["year"], hist.to_numpy(), "s--", color="k", label="history")
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"Baseline against the national record ({rs.seeds} seeds, size {rs.size})")
    fig.tight_layout()
    return _png(fig)


def counterfactuals(rs) -> bytes:
    plt = _plt()
    t = excess_table(rs).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(t) + 1.5))
    y = np.arange(len(t))
    colours = ["C3" if r == "baseline" else "C0" for r in t["run"]]
    err = np.vstack([t["mean_m"] - t["p5_m"], t["p95_m"] - t["mean_m"]])
    ax.barh(y, t["mean_m"], xerr=err, color=colours, alpha=0.8, capsize=3)
    ax.axvspan(15, 55, color="0.85", zorder=0, label="literature range 15-55 M")
    ax.axvspan(25, 35, color="0.7", zorder=0, label="central band 25-35 M")
    ax.set_yticks(y, [RUN_TITLES.get(r, r) for r in t["run"]], fontsize=8)
    ax.set_xlabel(f"excess deaths 1959-61, million (share of population x {CHINA_1957_M} M); bars: 5-95% over seeds")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"Excess deaths by scenario ({rs.seeds} seeds, size {rs.size})")
    return _png(fig)


def decomposition(rs) -> bytes:
    plt = _plt()
    runs = ("baseline",) + DECOMPOSITION + ("weather_only",)
    runs = [r for r in runs if r in rs.results]
    falls = [output_fall(rs, r) for r in runs]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bars = ax.bar(range(len(runs)), falls, color=["C3"] + ["C0"] * (len(runs) - 1), alpha=0.8)
    base = falls[0]
    for bar, fall in zip(bars[1:], falls[1:]):
        if base > 0:
            ax.annotate(f"removes {100 * (1 - fall / base):.0f}%", (bar.get_x() + bar.get_width() / 2, max(fall, 0)),
                        ha="center", va="bottom", fontsize=8)
    ax.axhline(base * (1 - 0.61), color="k", ls="--", lw=1,
               label="Li & Yang: without the policies, 39% of the baseline's fall would remain")
    record = national_record()["output_index"].reindex([1959, 1960, 1961]).mean()
    ax.axhline(100 - record, color="0.5", ls=":", lw=1, label=f"record: {100 - record:.1f} points (SSB)")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xticks(range(len(runs)), [SCENARIO_TITLES.get(r, r) for r in runs], fontsize=8, rotation=15)
    ax.set_ylabel("1959-61 output below 1957 (index points)")
    ax.set_title("Fact 13: what removes the output fall")
    ax.legend(fontsize=8)
    return _png(fig)


def render_all(rs, folder: Path) -> dict[Path, bytes]:
    """Every figure's PNG bytes, by its path in ``folder``."""
    return {folder / name: draw(rs) for name, draw in zip(FILES, (calibration, counterfactuals, decomposition))}
