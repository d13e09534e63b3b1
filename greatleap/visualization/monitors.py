"""Monitors (NetLogo's name): the few numbers a class talks about, for each run, read from the
run's monthly series, so a lesson's figure can be pointed at on screen."""

from __future__ import annotations

import html
import math

import pandas as pd


def _last(frame: pd.DataFrame, column: str) -> float | None:
    """The latest finite value of a column (annual series are blank in most months)."""
    if column not in frame or frame.empty:
        return None
    values = frame[column].dropna()
    values = values[values.map(lambda v: math.isfinite(float(v)))]
    return float(values.iloc[-1]) if len(values) else None


def _count(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:,.0f}"


def monitor_values(frame: pd.DataFrame, seed: int) -> dict[str, str]:
    """label -> shown value, in display order."""
    started = not frame.empty
    ratio = _last(frame, "report_ratio_official")
    share = _last(frame, "procurement_share")
    stock = _last(frame, "central_stock_kg")
    return {
        "Seed": str(seed),
        "Month": str(frame["date"].iloc[-1]) if started else "not started",
        "People alive": _count(_last(frame, "population")),
        "Starvation deaths so far": _count(float(frame["deaths_starvation"].sum()) if started else None),
        "Reported / true harvest (officials, last report)": "\u2013" if ratio is None else f"{ratio:.2f}",
        "Procurement share (last harvest month)": "\u2013" if share is None else f"{share:.0%}",
        "Central stock (state granaries)": "\u2013" if stock is None else f"{stock / 1000:,.0f} t",
        "Cadres purged so far": _count(_last(frame, "cadres_purged_total")),
    }


# the monitors' titles as on screen (the lessons name them: tests/test_lessons_screen.py)
MONITOR_LABELS = tuple(monitor_values(pd.DataFrame(), 0))


def monitors_html(frames: list[pd.DataFrame], labels: list[str], seeds: list[int]) -> str:
    """A table: one row per monitor, one column per run (the comparison beside the current run)."""
    cols = [monitor_values(f, s) for f, s in zip(frames, seeds)]
    head = "".join(f'<th scope="col">{html.escape(label)}</th>' for label in labels)
    body = "".join(
        f'<tr><th scope="row">{html.escape(name)}</th>'
        + "".join(f'<td data-monitor="{html.escape(name)}" data-run="{r}">{html.escape(c[name])}</td>'
                  for r, c in enumerate(cols))
        + "</tr>" for name in cols[0])
    return (f'<table class="gl-monitors"><caption>Monitors</caption><thead><tr><th></th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


CSS = """
.gl-monitors { border-collapse: collapse; font-size: 14px; margin: 4px 0 8px 0; }
.gl-monitors caption { text-align: left; font-weight: 500; }
.gl-monitors th, .gl-monitors td { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
.gl-monitors td { font-variant-numeric: tabular-nums; font-weight: 500; font-size: 16px; }
.gl-monitors thead th { font-size: 13px; }
"""
