"""The live charts: which series go in which panel, and the ECharts option that draws them.

The browser draws the charts (ECharts, through solara.FigureEcharts): the server only sends the
numbers, which costs a few ms a month, where redrawing eight matplotlib panels cost ~400 ms.
The same panel list feeds `chart_png`, which draws the downloadable PNG with matplotlib.
Colours are Okabe-Ito (distinguishable with common colour-vision deficiencies); in compare mode
the counterfactual is dashed, so the runs differ by more than colour.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from greatleap.calendar import MONTH_NAMES

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
RUN_DASH = ["solid", "dashed"]

# (title, [(series name, legend label)], unit). Series names ending in "_t" are the "_kg" column
# in tonnes; harvest series are summed by year; the rest are monthly_frame() columns as they are.
PANELS = [
    ("Harvest, true and reported", [("harvest_true_t", "true"), ("harvest_reported_cadre_t", "reported by cadres"),
                                    ("harvest_reported_official_t", "reported by counties"),
                                    ("harvest_reported_province_t", "reported by provinces")], "tonnes per year"),
    ("Quota and procurement", [("quota_t", "quota"), ("procurement_t", "procured"),
                               ("procurement_share", "share procured (right axis)"),
                               ("quota_share", "quota / true harvest (right axis)")], "tonnes per month"),
    ("Crude death rate", [("cdr", "all deaths (model)"), ("cdr_registered", "registered (model)")],
     "deaths per 1000 people per year"),
    ("Deaths by cause", [("deaths_starvation", "starvation"), ("deaths_violence", "violence"),
                         ("deaths_baseline", "other causes")], "deaths per month"),
    ("Deaths by age group", [("deaths_0_4", "0\u20134"), ("deaths_5_14", "5\u201314"), ("deaths_15_59", "15\u201359"),
                             ("deaths_60_plus", "60 and over")], "deaths per month"),
    ("Population", [("population", "alive")], "people"),
    ("Energy intake", [("kcal_mean", "mean"), ("kcal_p10", "poorest 10%")], "kcal per person per day"),
    # "in the villages" is all the grain villagers can still eat (lesson 3's claim reads it)
    ("Grain stocks", [("village_grain_t", "in the villages"), ("commune_stock_t", "commune stores"),
                      ("central_stock_t", "state granaries")], "tonnes"),
    # on their own axis: a few tonnes a month would sit flat at zero beside the stocks
    ("Exports and imports", [("exports_t", "exports"), ("imports_t", "imports")], "tonnes per month"),
    ("Labour by task", [("labour_fields", "fields"), ("labour_furnaces", "furnaces"),
                        ("labour_irrigation", "irrigation"), ("labour_foraging", "foraging")], "share of work"),
    ("Cadres purged", [("cadres_purged_total", "purged so far")], "cadres, cumulative"),
    # the centre's decision (ODD 7.9): it retreats when the evidence of failure reaches the cost
    ("The centre's retreat decision", [("evidence_deaths", "evidence: deaths"), ("evidence_stocks", "evidence: stocks"),
                                       ("political_cost", "political cost")], "x the retreat threshold"),
    # capital and land (ODD 7.11): what the campaigns ran down and what the plan cut
    ("Farm capital and land", [("draught_animals_index", "draught animals"), ("pigs_index", "pigs"),
                               ("tools_index", "tools"),
                               ("planned_area", "planned grain area"), ("sown_area", "sown grain area"),
                               ("damaged_share", "damaged land")], "against 1957 (1 = normal)"),
]
COLUMNS = 4  # panels per row (the ECharts view and the PNG)
HISTORY_PANEL = "Crude death rate"  # the registered national rate is overlaid here
ANNUAL = {"harvest_true_t", "harvest_reported_cadre_t", "harvest_reported_official_t", "harvest_reported_province_t"}
RIGHT_AXIS = {"procurement_share", "quota_share"}
HISTORY_LABEL = "registered, China (SSB)"
# series summed from the model's five-year age groups
AGE_GROUPS = {"deaths_0_4": (0, 5), "deaths_5_14": (5, 15), "deaths_15_59": (15, 60), "deaths_60_plus": (60, 200)}
# series summed from several monthly columns (kg, drawn in tonnes)
SUMS = {"village_grain_t": ("commune_stock_kg", "household_stock_kg", "hidden_grain_kg")}
# one column over another, in the months the second is above zero (the quota set on each harvest
# against what that harvest really yielded: lesson 2's claims read it)
RATIOS = {"quota_share": ("quota_kg", "harvest_true_kg")}
POINTS = ANNUAL | set(RATIOS)  # drawn with a marker at each value: they have gaps between
SHORT_EVENT = {"Winter irrigation campaign": "irrigation", "Backyard furnace campaign": "furnaces",
               "People's communes": "communes", "Dining halls open, free eating": "halls open",
               "Lushan Conference": "Lushan", "Retreat (historical)": "retreat (historical date)",
               "Dining halls close": "halls close"}
MODEL_RETREAT = "R"  # marks the month each run's own retreat rule fired (not a historical date)
MODEL_RETREAT_COLOUR = "#D55E00"


def age_columns(frame: pd.DataFrame, low: int, high: int) -> list[str]:
    """The frame's deaths_age_* columns whose five-year group lies in [low, high)."""
    out = []
    for col in frame.columns:
        if col.startswith("deaths_age_"):
            start = int(col.split("_")[2])
            if low <= start < high:
                out.append(col)
    return out


def model_retreat_month(frame: pd.DataFrame) -> str | None:
    """The first month the run's own retreat rule was in force (its 'retreat' column), as a label."""
    if "retreat" not in frame or not (frame["retreat"] > 0).any():
        return None
    row = frame.loc[frame["retreat"] > 0].iloc[0]
    return f"{MONTH_NAMES[int(row['month']) - 1][:3]} {int(row['year'])}"


def mark_labels(marks: list[tuple[str, str]], months: list[str], near: int = 3) -> list[str]:
    """One label per marker, with markers closer than `near` months told in one label ("2,3,4")
    on the first line of the group and none on the others: side by side they printed as "234"."""
    labels, group_start, group = [], None, []
    for k, (m, _) in enumerate(marks):
        x = months.index(m) if m in months else None
        if x is not None and group_start is not None and x - group_start < near:
            group.append(k)
            labels.append("")
        else:
            group_start, group = x, [k]
            labels.append(str(k + 1))
        labels[group[0]] = ",".join(str(i + 1) for i in group)
    return labels


# Pixel layout of the chart box. The box is never narrower than MIN_WIDTH (app.py's CSS scrolls it
# sideways instead), so marker labels kept apart at that width stay apart on every wider screen:
# their size is fixed in pixels while the months spread out.
MIN_WIDTH = 880
PANEL_LEFT, PANEL_STEP, GRID_WIDTH = 4.0, 24.5, 18.5  # % of the box width
MARK_FONT, MARK_ROW = 9, 11  # px: marker labels, and the height of each row of them
MARK_EM = 0.72  # the widest glyph drawn (a bold "R"; digits are 0.56) as a share of the font size
MARK_GAP = 3  # px kept free between two labels on one row
TOP, BOTTOM = 44, 56  # px: the runs' key above the panels, the markers' key under them
TITLE_H, LEGEND_LINE, GRID_H, AXIS_H = 34, 24, 120, 34  # px in each panel
LEGEND_FONT, LEGEND_EM, LEGEND_ICON = 10, 0.52, 14 + 5 + 8  # legend text, its glyph width, icon + gaps


def mark_width(text: str) -> float:
    return len(text) * MARK_EM * MARK_FONT


def stack_rows(labels: list[tuple[float, str]], rows: list[float] | None = None) -> list[int]:
    """The row of each label (x in px, text), first row first: a label goes on the lowest row where
    it clears the label before it on that row. `rows` (the right edge reached on each row) carries
    on from an earlier call, so labels placed later never move the ones placed before."""
    rows = [] if rows is None else rows
    out = []
    for x, text in labels:
        half = mark_width(text) / 2
        row = next((r for r, edge in enumerate(rows) if x - half >= edge + MARK_GAP), len(rows))
        if row == len(rows):
            rows.append(0.0)
        rows[row] = x + half
        out.append(row)
    return out


def month_x(month: str, months: list[str]) -> float:
    """The month's x in px from the panel's left edge, at the narrowest chart box."""
    return months.index(month) * (GRID_WIDTH / 100 * MIN_WIDTH) / max(1, len(months) - 1)


def marker_rows(texts: list[str], marks, retreat_texts: list[str], retreats: list[str | None],
                months: list[str]) -> tuple[list[int], list[int], int]:
    """Rows of the event labels and of the runs' own retreat labels, and the rows to reserve: the
    events are stacked first, so a retreat appearing mid-run never moves them, and two room is
    always kept for two retreat labels, so the panels do not jump when one appears."""
    edges: list[float] = []
    events = stack_rows([(month_x(m, months), t) for (m, _), t in zip(marks, texts) if t], edges)
    reserve = len(edges) + 2
    shown = [(month_x(m, months), t) for m, t in zip(retreats, retreat_texts) if m is not None and t]
    return events, stack_rows(shown, edges), reserve


@dataclass
class MarkerLayout:
    """Where the marker labels go, shared by the live charts and the PNG so both stack them alike.
    One entry per event in `marks` and per run in `retreats`; an empty text draws no label (an event
    told in its group's label, the dashed run's R on the solid run's line); rows count up from the
    plot's top edge; `reserve` is the number of rows to leave room for."""

    marks: list[tuple[str, str]]
    texts: list[str]
    event_rows: list[int]
    retreats: list[str | None]
    retreat_texts: list[str]
    retreat_rows: list[int]
    reserve: int


def marker_layout(frames, events, first_year: int, last_year: int) -> MarkerLayout:
    months = month_labels(first_year, last_year)
    marks = event_marks(events, first_year, last_year)
    texts = mark_labels(marks, months)
    retreats = [model_retreat_month(frame) for frame in frames]
    # the dashed run's "R" is left out only when it would stand on the solid run's own line
    retreat_texts = [MODEL_RETREAT if r == 0 or m != retreats[0] else "" for r, m in enumerate(retreats)]
    event_rows, retreat_rows, reserve = marker_rows(texts, marks, retreat_texts, retreats, months)
    placed_events, placed_retreats = iter(event_rows), iter(retreat_rows)
    return MarkerLayout(marks, texts, [next(placed_events) if t else 0 for t in texts], retreats, retreat_texts,
                        [next(placed_retreats) if m is not None and t else 0 for m, t in zip(retreats, retreat_texts)],
                        reserve)


def legend_lines(names: list[str], width: float) -> int:
    """How many lines ECharts wraps a legend of these names into, at `width` px (an estimate on
    the wide side: each name's glyphs at LEGEND_EM of the font size)."""
    lines, used = 1, 0.0
    for name in names:
        item = LEGEND_ICON + len(name) * LEGEND_EM * LEGEND_FONT
        if used and used + item > width:
            lines, used = lines + 1, 0.0
        used += item
    return lines


def legend_names(title: str, lines) -> list[str]:
    names = [BAND_LABEL] + [text for _, text in lines]  # room for the ensemble's band, drawn or not
    return names + [HISTORY_LABEL] if title == HISTORY_PANEL else names


def panel_tops(reserve: int) -> tuple[list[tuple[float, float, float]], float]:
    """(title top, legend top, grid top) in px of each panel, and the chart box's height, with
    `reserve` rows of marker labels between each legend and its plot."""
    out, y = [], TOP
    legend_width = (PANEL_STEP - 4.5) / 100 * MIN_WIDTH
    for first in range(0, len(PANELS), COLUMNS):
        row = PANELS[first:first + COLUMNS]
        legend_h = max(legend_lines(legend_names(t, lines), legend_width) for t, lines, _ in row) * LEGEND_LINE
        grid_top = y + TITLE_H + legend_h + reserve * MARK_ROW + 4
        out.extend((y, y + TITLE_H, grid_top) for _ in row)
        y = grid_top + GRID_H + AXIS_H
    return out, y + BOTTOM


def chart_height(events, first_year: int, last_year: int) -> int:
    """The chart box's height in px for this calendar and span (app.py sizes the widget with it)."""
    months = month_labels(first_year, last_year)
    marks = event_marks(events, first_year, last_year)
    _, _, reserve = marker_rows(mark_labels(marks, months), marks, [], [], months)
    return int(panel_tops(reserve)[1])


@lru_cache(maxsize=1)
def registered_cdr() -> dict[int, float]:
    """The national registered crude death rate by year, shipped with the package (sources in the
    CSV's header). A plain dict, read by every session's thread: pandas objects shared between
    threads are not safe even to read (a shared frame's ``set_index`` once crashed the 20-tab test)."""
    text = resources.files("greatleap").joinpath("data", "historical.csv").read_text()
    frame = pd.read_csv(io.StringIO(text), comment="#")
    return {int(y): float(v) for y, v in zip(frame["year"], frame["crude_death_rate_per_1000"])}


def month_labels(first_year: int, last_year: int) -> list[str]:
    return [f"{MONTH_NAMES[m][:3]} {y}" for y in range(first_year, last_year + 1) for m in range(12)]


def series_values(frame: pd.DataFrame, name: str, n_months: int) -> list:
    """One value per simulated month (None where there is nothing to draw)."""
    if name in AGE_GROUPS:
        cols = age_columns(frame, *AGE_GROUPS[name])
        if not cols:
            return []
        values = frame[cols].to_numpy(float).sum(axis=1)
        return [None if not math.isfinite(v) else round(float(v), 4) for v in values]
    if name in SUMS:
        if not set(SUMS[name]) <= set(frame.columns):
            return []
        values = frame[list(SUMS[name])].to_numpy(float).sum(axis=1) / 1000
        return [None if not math.isfinite(v) else round(float(v), 4) for v in values]
    if name in RATIOS:
        top, bottom = RATIOS[name]
        if not {top, bottom} <= set(frame.columns):
            return []
        a, b = frame[top].to_numpy(float), frame[bottom].to_numpy(float)
        return [round(float(x / y), 4) if y > 0 and math.isfinite(x / y) else None for x, y in zip(a, b)]
    col = name[:-2] + "_kg" if name.endswith("_t") else name
    if col not in frame:
        return []
    values = frame[col].to_numpy(float) / (1000 if name.endswith("_t") else 1)
    if name in ANNUAL:
        # one point per harvest year, once its autumn harvest is in (a June-only total would look
        # like a collapse), drawn at the month of that harvest
        out = [None] * len(values)
        years, months = frame["year"].to_numpy(), frame["month"].to_numpy()
        for year in np.unique(years):
            autumn = np.nonzero((years == year) & (months >= 9) & (values > 0))[0]
            if autumn.size:
                out[autumn[-1]] = round(float(values[years == year].sum()), 3)
        return out
    return [None if not math.isfinite(v) else round(float(v), 4) for v in values]


def history_values(first_year: int, last_year: int) -> list:
    """The registered crude death rate held over each month of its year (a step line)."""
    hist = registered_cdr()
    return [hist.get(y) for y in range(first_year, last_year + 1) for _ in range(12)]


def event_marks(events, first_year: int, last_year: int) -> list[tuple[str, str]]:
    """(month label, short name) of the calendar's events inside the plotted span."""
    return [(f"{MONTH_NAMES[m - 1][:3]} {y}", SHORT_EVENT.get(label, label))
            for (y, m), label in events if first_year <= y <= last_year]


BAND_LABEL = "10\u201390% of seeds"


def band_values(frames: list[pd.DataFrame], name: str, n_months: int) -> tuple[list, list, list] | None:
    """(10th percentile, median, 90th percentile) per month of a series over an ensemble's seeds."""
    rows = [series_values(f, name, n_months) for f in frames]
    rows = [r for r in rows if r]
    if not rows:
        return None
    arr = np.array([[np.nan if v is None else v for v in r] for r in rows], float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # months where every seed is blank
        lo, mid, hi = np.nanpercentile(arr, [10, 50, 90], axis=0)

    def clean(a):
        return [None if not math.isfinite(v) else round(float(v), 4) for v in a]

    return clean(lo), clean(mid), clean(hi)


def band_series(name: str, text: str, bands, i: int, y_index: int, colour: str, run: int) -> list[dict]:
    """A shaded 10-90% band (a transparent lower line with the band's width stacked on it) and
    the median as a thin dotted line, for one series of one run."""
    lo, mid, hi = bands
    width = [None if a is None or b is None else round(b - a, 4) for a, b in zip(lo, hi)]
    stack = f"band-{i}-{name}-{run}"
    common = {"type": "line", "xAxisIndex": i, "yAxisIndex": y_index, "showSymbol": False, "animation": False,
              "silent": True, "stack": stack}
    return [
        {**common, "name": BAND_LABEL, "data": lo, "lineStyle": {"opacity": 0}, "color": colour},
        {**common, "name": BAND_LABEL, "data": width, "lineStyle": {"opacity": 0}, "color": colour,
         "areaStyle": {"opacity": 0.16 if run == 0 else 0.09}},
        {"type": "line", "name": f"{text} (median of seeds)", "xAxisIndex": i, "yAxisIndex": y_index,
         "data": mid, "showSymbol": False, "animation": False, "silent": True, "color": colour,
         "lineStyle": {"type": "dotted", "width": 1.2}},
    ]


def echarts_option(frames: list[pd.DataFrame], labels: list[str], events, first_year: int,
                   last_year: int, ensemble: list[list[pd.DataFrame]] | None = None) -> dict:
    """`ensemble` (one list of monthly tables per run, one per seed) adds 10-90% bands and medians."""
    months = month_labels(first_year, last_year)
    grids, x_axes, y_axes, series, titles, legends = [], [], [], [], [], []
    layout = marker_layout(frames, events, first_year, last_year)
    marks, retreats = layout.marks, list(enumerate(layout.retreats))
    event_data = [{"xAxis": m, "name": t, "label": {"distance": 3 + row * MARK_ROW}}
                  for (m, _), t, row in zip(marks, layout.texts, layout.event_rows)]
    retreat_data = [{"xAxis": m, "name": t, "label": {"distance": 3 + row * MARK_ROW},
                     "lineStyle": {"type": RUN_DASH[r], "color": MODEL_RETREAT_COLOUR, "width": 1.5}}
                    for (r, m), t, row in zip(retreats, layout.retreat_texts, layout.retreat_rows) if m is not None]
    tops, _ = panel_tops(layout.reserve)
    for i, (title, lines, unit) in enumerate(PANELS):
        col = i % COLUMNS
        left = PANEL_LEFT + col * PANEL_STEP
        title_top, legend_top, grid_top = tops[i]
        grids.append({"left": f"{left}%", "width": f"{GRID_WIDTH}%", "top": grid_top, "height": GRID_H})
        titles.append({"text": f"{{t|{title}}}\n{{u|{unit}}}", "left": f"{left - 1}%", "top": title_top,
                       "textStyle": {"rich": {"t": {"fontSize": 13, "fontWeight": "bold", "lineHeight": 17},
                                              "u": {"fontSize": 10, "color": "#555555", "lineHeight": 13}}}})
        x_axes.append({"type": "category", "data": months, "gridIndex": i, "boundaryGap": False,
                       "axisLabel": {"interval": 23, "fontSize": 10, "formatter": "{value}"},
                       "axisTick": {"interval": 11}})
        y_axes.append({"type": "value", "gridIndex": i, "axisLabel": {"fontSize": 10}, "scale": False})
        names = []
        left_axis, right_axis = len(y_axes) - 1, None
        for j, (name, text) in enumerate(lines):
            y_index = left_axis
            if name in RIGHT_AXIS:
                if right_axis is None:  # one right axis per panel, shared by its shares
                    y_axes.append({"type": "value", "gridIndex": i, "min": 0, "max": 1, "position": "right",
                                   "splitLine": {"show": False}, "axisLabel": {"fontSize": 10}})
                    right_axis = len(y_axes) - 1
                y_index = right_axis
            if ensemble and name not in POINTS:  # bands need a value each month
                for r, seed_frames in enumerate(ensemble):
                    bands = band_values(seed_frames, name, len(months))
                    if bands is not None:
                        series.extend(band_series(name, text, bands, i, y_index, OKABE_ITO[j], r))
                        if BAND_LABEL not in names:
                            names.append(BAND_LABEL)
            for r, (frame, run) in enumerate(zip(frames, labels)):
                names.append(text)
                series.append({"type": "line", "name": text, "xAxisIndex": i, "yAxisIndex": y_index,
                               "data": series_values(frame, name, len(months)), "showSymbol": name in POINTS,
                               "connectNulls": True, "color": OKABE_ITO[j], "animation": False,
                               "lineStyle": {"type": RUN_DASH[r], "width": 1.8}})
        if title == HISTORY_PANEL:
            names.append(HISTORY_LABEL)
            series.append({"type": "line", "name": HISTORY_LABEL, "xAxisIndex": i, "yAxisIndex": len(y_axes) - 1,
                           "data": history_values(first_year, last_year), "showSymbol": False, "color": "#000000",
                           "lineStyle": {"type": "dotted", "width": 2}, "animation": False})
        # event markers: dotted verticals numbered like the key under the charts, their labels
        # stacked in rows so that none covers another (marker_rows)
        series.append({"type": "line", "name": "events", "xAxisIndex": i, "yAxisIndex": len(y_axes) - 1,
                       "data": [], "silent": True, "animation": False,
                       "markLine": {"symbol": "none", "silent": True, "animation": False,
                                    "lineStyle": {"type": "dotted", "color": "#777777"},
                                    "label": {"formatter": "{b}", "fontSize": MARK_FONT, "lineHeight": MARK_ROW,
                                              "color": "#333333", "position": "end"},
                                    "data": event_data}})
        # each run's own retreat, in the run's dash, apart from the historical dates
        series.append({"type": "line", "name": "model retreat", "xAxisIndex": i, "yAxisIndex": len(y_axes) - 1,
                       "data": [], "silent": True, "animation": False,
                       "markLine": {"symbol": "none", "silent": True, "animation": False,
                                    "label": {"formatter": "{b}", "fontSize": MARK_FONT, "lineHeight": MARK_ROW,
                                              "fontWeight": "bold", "color": MODEL_RETREAT_COLOUR,
                                              "position": "end"},
                                    "data": retreat_data}})
        legends.append({"data": list(dict.fromkeys(names)), "left": f"{left}%", "top": legend_top,
                        "width": f"{PANEL_STEP - 4.5}%", "itemWidth": 14, "itemHeight": 8, "itemGap": 6,
                        "textStyle": {"fontSize": LEGEND_FONT, "lineHeight": 12}, "selectedMode": False})
    # an entry of the key never wraps across two lines: "7" at the end of one and its name on the next
    key = "   ".join(f"{k + 1} {name} ({m})".replace(" ", "\u00a0") for k, (m, name) in enumerate(marks))
    runs = "      ".join(f"{'solid' if r == 0 else 'dashed'}: {label}" for r, label in enumerate(labels))
    if ensemble:
        runs += (f"      shaded: {BAND_LABEL} 1\u2013{len(ensemble[0])} (paler for the comparison), "
                 "dotted: their median")
    # long keys wrap instead of running off both edges of the chart, with a line height of their
    # own (ECharts' default is the width of a CJK glyph, which without a CJK font is below the font
    # size: the two lines of the key overlapped)
    titles.append({"text": runs, "left": "center", "top": 0,
                   "textStyle": {"fontSize": 13, "lineHeight": 18, "fontWeight": "normal", "width": 860,
                                 "overflow": "break"}})
    said = "; ".join(f"{'solid' if r == 0 else 'dashed'}: {m or 'never'}" for r, m in retreats)
    key += f"      {MODEL_RETREAT} (orange) the model's own retreat ({said})"
    titles.append({"text": "Dotted lines: " + key, "left": "center", "bottom": 0,
                   "textStyle": {"fontSize": 11, "lineHeight": 16, "fontWeight": "normal", "color": "#333333",
                                 "width": 860, "overflow": "break"}})
    return {"animation": False, "title": titles, "grid": grids, "xAxis": x_axes, "yAxis": y_axes,
            "series": series, "legend": legends, "tooltip": {"trigger": "axis"}}
