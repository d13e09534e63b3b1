"""The charts as a PNG file for download (matplotlib, drawn only when someone asks for it).

Same panels, series, colours and markers as the live ECharts view (`charts.PANELS`), and the same
stacked rows of event and retreat labels (`charts.marker_layout`). Each panel is laid out in points
from its top down, as the live view is in pixels: title, legend, the rows of marker labels, then the
plot, so that no label covers another and no label or legend lies in a plot.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from greatleap.visualization.charts import (COLUMNS, GRID_WIDTH, HISTORY_LABEL, HISTORY_PANEL, MARK_FONT, MARK_ROW,
                                            MIN_WIDTH, MODEL_RETREAT, MODEL_RETREAT_COLOUR, OKABE_ITO, PANELS, POINTS,
                                            RIGHT_AXIS, history_values, marker_layout, month_labels, series_values)

DASHES = ["-", "--"]

# Layout in points (1/72 in). The marker labels are the live view's at MARK_SCALE of its size; a
# plot is PLOT_W wide, wider than the live plot at its narrowest (GRID_WIDTH % of MIN_WIDTH px) at
# that scale, so labels kept apart there are kept apart here too (the test renders and checks it).
MARK_SCALE = 0.8
PLOT_W, PLOT_H = 190.0, 150.0
LEFT, GAP, RIGHT = 42.0, 58.0, 34.0  # left margin, between plots (y tick labels, a right axis), right margin
TITLE_PT, UNIT_PT, LEGEND_PT = 9.0, 8.0, 6.5
TITLE_H = 2 * 1.25 * TITLE_PT  # two lines: the panel's title and its unit
LEGEND_LINE = 1.5 * LEGEND_PT  # one entry of a one-column legend (text 1.2 em + spacing 0.3 em)
TICKS_H = 22.0  # the x tick labels under a plot and some air
HEADER_H, FOOTER_H = 64.0, 40.0  # the runs' key above the panels, the markers' key under them
assert PLOT_W >= GRID_WIDTH / 100 * MIN_WIDTH * MARK_SCALE  # see above


def as_array(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], float)


def markers_height(reserve: int) -> float:
    """Points between a plot and its legend: the rows of marker labels."""
    return (3 + reserve * MARK_ROW) * MARK_SCALE + 2


def legend_entries(title: str, lines) -> int:
    return len(lines) + (title == HISTORY_PANEL)


def charts_png(frames, labels, events, first_year: int, last_year: int, dpi: int = 150, note: str = "") -> bytes:
    """`note` (seed, month, code version...) is printed under the title so the file stands alone."""
    buf = io.BytesIO()
    charts_figure(frames, labels, events, first_year, last_year, dpi, note).savefig(buf, format="png")
    return buf.getvalue()


def charts_figure(frames, labels, events, first_year: int, last_year: int, dpi: int = 150, note: str = "") -> Figure:
    months = month_labels(first_year, last_year)
    layout = marker_layout(frames, events, first_year, last_year)
    markers_h = markers_height(layout.reserve)
    # one legend height per row of panels: the tallest legend of that row
    rows = [PANELS[i:i + COLUMNS] for i in range(0, len(PANELS), COLUMNS)]
    legend_h = [max(legend_entries(t, lines) for t, lines, _ in row) * LEGEND_LINE + 4 for row in rows]
    width = LEFT + COLUMNS * PLOT_W + (COLUMNS - 1) * GAP + RIGHT
    height = HEADER_H + sum(TITLE_H + h + markers_h + PLOT_H + TICKS_H for h in legend_h) + FOOTER_H
    fig = Figure(figsize=(width / 72, height / 72), dpi=dpi)
    top = HEADER_H
    for i, (title, lines, unit) in enumerate(PANELS):
        row, col = divmod(i, COLUMNS)
        if col == 0 and row:
            top += TITLE_H + legend_h[row - 1] + markers_h + PLOT_H + TICKS_H
        plot_top = top + TITLE_H + legend_h[row] + markers_h
        ax = fig.add_axes(((LEFT + col * (PLOT_W + GAP)) / width, 1 - (plot_top + PLOT_H) / height,
                           PLOT_W / width, PLOT_H / height))
        draw_panel(fig, ax, title, lines, frames, layout, months, first_year, last_year)
        ax.set_title(f"{title}\n({unit})", fontsize=TITLE_PT, pad=markers_h + legend_h[row])
    runs = "      ".join(f"{'solid' if r == 0 else 'dashed'}: {label}" for r, label in enumerate(labels))
    fig.suptitle("Great Leap Forward famine: an agent-based model (greatleap)\n" + runs
                 + (f"\n{note}" if note else ""), fontsize=11, y=1 - 6 / height, va="top")
    said = "; ".join(f"{'solid' if r == 0 else 'dashed'}: {m or 'never'}" for r, m in enumerate(layout.retreats))
    fig.text(0.5, 8 / height, "Dotted lines: "
             + "   ".join(f"{k + 1} {name} ({m})" for k, (m, name) in enumerate(layout.marks))
             + f"\nOrange lines ({MODEL_RETREAT}): the model's own retreat ({said})", ha="center", fontsize=8)
    return fig


def draw_panel(fig, ax, title, lines, frames, layout, months, first_year: int, last_year: int) -> None:
    """One panel: its markers with their labels in the layout's rows, its series, and its legend
    above the labels."""
    n = len(months)
    ax.set_xlim(0, n - 1)
    ax.set_xticks(range(0, n, 12), [m.split()[1] for m in months[::12]], fontsize=7)
    ax.tick_params(labelsize=7)

    def label(x: int, text: str, row: int, **style) -> None:
        lift = offset_copy(ax.get_xaxis_transform(), fig=fig, y=(3 + row * MARK_ROW) * MARK_SCALE, units="points")
        ax.text(x, 1.0, text, transform=lift, fontsize=MARK_FONT * MARK_SCALE, ha="center", va="bottom",
                clip_on=False, **style)

    for (m, _), text, row in zip(layout.marks, layout.texts, layout.event_rows):
        ax.axvline(months.index(m), color="#777777", lw=0.7, ls=":", zorder=0)
        if text:
            label(months.index(m), text, row, color="#333333")
    for r, (m, text, row) in enumerate(zip(layout.retreats, layout.retreat_texts, layout.retreat_rows)):
        if m is not None:
            ax.axvline(months.index(m), color=MODEL_RETREAT_COLOUR, lw=1.0, ls=DASHES[r], zorder=0)
            if text:
                label(months.index(m), text, row, color=MODEL_RETREAT_COLOUR, fontweight="bold")
    right = None
    for j, (name, text) in enumerate(lines):
        target = ax
        if name in RIGHT_AXIS:
            right = right or ax.twinx()
            right.set_ylim(0, 1)
            right.tick_params(labelsize=7)
            target = right
        for r, frame in enumerate(frames):
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
    # above the plot and its marker labels, one entry a line (a row of entries would run into the
    # next panel)
    ax.legend(handles, names, fontsize=LEGEND_PT, loc="lower left", bbox_to_anchor=(0, 1),
              bbox_transform=offset_copy(ax.transAxes, fig=fig, y=markers_height(layout.reserve), units="points"), borderaxespad=0,
              borderpad=0, labelspacing=0.3, handlelength=2.2, frameon=False)
