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
                                    ("harvest_reported_official_t", "reported by officials")], "tonnes per year"),
    ("Quota and procurement", [("quota_t", "quota"), ("procurement_t", "procured"),
                               ("procurement_share", "share procured (right axis)")], "tonnes per month"),
    ("Crude death rate", [("cdr", "all deaths (model)"), ("cdr_registered", "registered (model)")],
     "deaths per 1000 people per year"),
    ("Population", [("population", "alive")], "people"),
    ("Energy intake", [("kcal_mean", "mean"), ("kcal_p10", "poorest 10%")], "kcal per person per day"),
    ("Grain stocks and trade", [("commune_stock_t", "commune stores"), ("central_stock_t", "state granaries"),
                                ("exports_t", "exports"), ("imports_t", "imports")], "tonnes"),
    ("Labour by task", [("labour_fields", "fields"), ("labour_furnaces", "furnaces"),
                        ("labour_irrigation", "irrigation"), ("labour_foraging", "foraging")], "share of work"),
    ("Cadres purged", [("cadres_purged_total", "purged so far")], "cadres, cumulative"),
]
HISTORY_PANEL = "Crude death rate"  # the registered national rate is overlaid here
ANNUAL = {"harvest_true_t", "harvest_reported_cadre_t", "harvest_reported_official_t"}
RIGHT_AXIS = {"procurement_share"}
HISTORY_LABEL = "registered, China (SSB)"
SHORT_EVENT = {"Winter irrigation campaign": "irrigation", "Backyard furnace campaign": "furnaces",
               "People's communes": "communes", "Dining halls open, free eating": "halls open",
               "Lushan Conference": "Lushan", "Retreat (historical)": "retreat", "Dining halls close": "halls close"}


@lru_cache(maxsize=1)
def historical() -> pd.DataFrame:
    """National registered figures shipped with the package (sources in the CSV's header)."""
    text = resources.files("greatleap").joinpath("data", "historical.csv").read_text()
    return pd.read_csv(io.StringIO(text), comment="#")


def month_labels(first_year: int, last_year: int) -> list[str]:
    return [f"{MONTH_NAMES[m][:3]} {y}" for y in range(first_year, last_year + 1) for m in range(12)]


def series_values(frame: pd.DataFrame, name: str, n_months: int) -> list:
    """One value per simulated month (None where there is nothing to draw)."""
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
    hist = historical().set_index("year")["crude_death_rate_per_1000"]
    return [float(hist[y]) if y in hist.index else None for y in range(first_year, last_year + 1) for _ in range(12)]


def event_marks(events, first_year: int, last_year: int) -> list[tuple[str, str]]:
    """(month label, short name) of the calendar's events inside the plotted span."""
    return [(f"{MONTH_NAMES[m - 1][:3]} {y}", SHORT_EVENT.get(label, label))
            for (y, m), label in events if first_year <= y <= last_year]


def echarts_option(frames: list[pd.DataFrame], labels: list[str], events, first_year: int,
                   last_year: int) -> dict:
    months = month_labels(first_year, last_year)
    marks = event_marks(events, first_year, last_year)
    grids, x_axes, y_axes, series, titles, legends = [], [], [], [], [], []
    for i, (title, lines, unit) in enumerate(PANELS):
        row, col = divmod(i, 4)
        left, top = 4 + col * 24.5, 7 + row * 48
        grids.append({"left": f"{left}%", "width": "18.5%", "top": f"{top + 14}%", "height": "25%"})
        titles.append({"text": f"{{t|{title}}}\n{{u|{unit}}}", "left": f"{left - 1}%", "top": f"{top}%",
                       "textStyle": {"rich": {"t": {"fontSize": 13, "fontWeight": "bold", "lineHeight": 17},
                                              "u": {"fontSize": 10, "color": "#555555", "lineHeight": 13}}}})
        x_axes.append({"type": "category", "data": months, "gridIndex": i, "boundaryGap": False,
                       "axisLabel": {"interval": 23, "fontSize": 10, "formatter": "{value}"},
                       "axisTick": {"interval": 11}})
        y_axes.append({"type": "value", "gridIndex": i, "axisLabel": {"fontSize": 10}, "scale": False})
        names = []
        for j, (name, text) in enumerate(lines):
            y_index = len(y_axes) - 1
            if name in RIGHT_AXIS:
                y_axes.append({"type": "value", "gridIndex": i, "min": 0, "max": 1, "position": "right",
                               "splitLine": {"show": False}, "axisLabel": {"fontSize": 10}})
                y_index = len(y_axes) - 1
            for r, (frame, run) in enumerate(zip(frames, labels)):
                names.append(text)
                series.append({"type": "line", "name": text, "xAxisIndex": i, "yAxisIndex": y_index,
                               "data": series_values(frame, name, len(months)), "showSymbol": name in ANNUAL,
                               "connectNulls": True, "color": OKABE_ITO[j], "animation": False,
                               "lineStyle": {"type": RUN_DASH[r], "width": 1.8}})
        if title == HISTORY_PANEL:
            names.append(HISTORY_LABEL)
            series.append({"type": "line", "name": HISTORY_LABEL, "xAxisIndex": i, "yAxisIndex": len(y_axes) - 1,
                           "data": history_values(first_year, last_year), "showSymbol": False, "color": "#000000",
                           "lineStyle": {"type": "dotted", "width": 2}, "animation": False})
        # event markers: dotted verticals numbered like the key under the charts
        series.append({"type": "line", "name": "events", "xAxisIndex": i, "yAxisIndex": len(y_axes) - 1,
                       "data": [], "silent": True, "animation": False,
                       "markLine": {"symbol": "none", "silent": True, "animation": False,
                                    "lineStyle": {"type": "dotted", "color": "#777777"},
                                    "label": {"formatter": "{b}", "fontSize": 9, "color": "#555555"},
                                    "data": [{"xAxis": m, "name": str(k + 1)} for k, (m, _) in enumerate(marks)]}})
        legends.append({"data": list(dict.fromkeys(names)), "left": f"{left}%", "top": f"{top + 5.5}%",
                        "width": "20%", "itemWidth": 14, "itemHeight": 8, "textStyle": {"fontSize": 10},
                        "selectedMode": False})
    key = "   ".join(f"{k + 1} {name} ({m})" for k, (m, name) in enumerate(marks))
    runs = "      ".join(f"{'solid' if r == 0 else 'dashed'}: {label}" for r, label in enumerate(labels))
    titles.append({"text": runs, "left": "center", "top": 0, "textStyle": {"fontSize": 13, "fontWeight": "normal"}})
    titles.append({"text": "Dotted lines: " + key, "left": "center", "bottom": 0,
                   "textStyle": {"fontSize": 11, "fontWeight": "normal", "color": "#333333"}})
    return {"animation": False, "title": titles, "grid": grids, "xAxis": x_axes, "yAxis": y_axes,
            "series": series, "legend": legends, "tooltip": {"trigger": "axis"}}
