"""The charts as a PNG file for download (matplotlib, drawn only when someone asks for it).

Same panels, series, colours and markers as the live ECharts view (`charts.PANELS`).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

from greatleap.visualization.charts import (COLUMNS, HISTORY_LABEL, HISTORY_PANEL, MODEL_RETREAT,
                                            MODEL_RETREAT_COLOUR, OKABE_ITO, PANELS, POINTS, RIGHT_AXIS, event_marks,
                                            history_values, mark_labels, model_retreat_month, month_labels,
                                            series_values)

DASHES = ["-", "--"]


def as_array(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], float)


def charts_png(frames, labels, events, first_year: int, last_year: int, dpi: int = 150, note: str = "") -> bytes:
    """`note` (seed, month, code version...) is printed under the title so the file stands alone."""
    months = month_labels(first_year, last_year)
    n = len(months)
    marks = event_marks(events, first_year, last_year)
    texts = mark_labels(marks, months)
    retreats = [model_retreat_month(frame) for frame in frames]
    rows = -(-len(PANELS) // COLUMNS)
    fig = Figure(figsize=(14, 3.6 * rows + 1), dpi=dpi)
    fig.subplots_adjust(left=0.05, right=0.95, top=0.9, bottom=0.07, hspace=0.55, wspace=0.35)
    for i, (title, lines, unit) in enumerate(PANELS):
        ax = fig.add_subplot(rows, COLUMNS, i + 1)
        ax.set_title(f"{title}\n({unit})", fontsize=9, pad=12)  # room for the event numbers
        ax.set_xlim(0, n - 1)
        ax.set_xticks(range(0, n, 12), [m.split()[1] for m in months[::12]], fontsize=7)
        ax.tick_params(labelsize=7)
        for k, (m, _) in enumerate(marks):
            x = months.index(m)
            ax.axvline(x, color="#777777", lw=0.7, ls=":", zorder=0)
            ax.text(x, 1.0, texts[k], transform=ax.get_xaxis_transform(), fontsize=6, ha="center", va="bottom")
        for r, m in enumerate(retreats):
            if m is not None:
                ax.axvline(months.index(m), color=MODEL_RETREAT_COLOUR, lw=1.0, ls=DASHES[r], zorder=0)
        right = None
        for j, (name, text) in enumerate(lines):
            target = ax
            if name in RIGHT_AXIS:
                right = right or ax.twinx()
                right.set_ylim(0, 1)
                right.tick_params(labelsize=7)
                target = right
            for r, (frame, _) in enumerate(zip(frames, labels)):
                y = as_array(series_values(frame, name, n))
                x = np.arange(len(y))
                ok = ~np.isnan(y)
                target.plot(x[ok], y[ok], DASHES[r], color=OKABE_ITO[j], lw=1.4, marker="o" if name in POINTS else None,
                            ms=3, label=text if r == 0 else None)
        if title == HISTORY_PANEL:
            ax.plot(np.arange(n), as_array(history_values(first_year, last_year)), ":", color="#000000", lw=1.6,
                    label=HISTORY_LABEL)
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
        handles, names = ax.get_legend_handles_labels()
        if right is not None:
            h2, n2 = right.get_legend_handles_labels()
            handles, names = handles + h2, names + n2
        ax.legend(handles, names, fontsize=6.5, loc="upper left", frameon=False)
    runs = "      ".join(f"{'solid' if r == 0 else 'dashed'}: {label}" for r, label in enumerate(labels))
    fig.suptitle("Great Leap Forward famine: an agent-based model (greatleap)\n" + runs
                 + (f"\n{note}" if note else ""), fontsize=11)
    said = "; ".join(f"{'solid' if r == 0 else 'dashed'}: {m or 'never'}" for r, m in enumerate(retreats))
    fig.text(0.5, 0.01, "Dotted lines: " + "   ".join(f"{k + 1} {name} ({m})" for k, (m, name) in enumerate(marks))
             + f"\nOrange lines ({MODEL_RETREAT}): the model's own retreat ({said})", ha="center", fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
