"""Every lesson points at what is on the screen: each item of "What to notice" names a chart or a
monitor of the dashboard by its title as shown (the **Deaths by cause** chart, the **Starvation
deaths so far** monitor), and the lines the lessons read are drawn from the right columns. The
browser test tests/test_lessons_screen_browser.py runs each lesson and reads those charts and
monitors on the page."""

from __future__ import annotations

import pandas as pd
import pytest

from greatleap.lessons import LESSONS
from greatleap.lessons import text as lesson_text
from greatleap.visualization.charts import PANELS, series_values
from greatleap.visualization.monitors import MONITOR_LABELS

CHARTS = {title for title, _, _ in PANELS}


def on_screen(kind: str, title: str) -> bool:
    return title in (CHARTS if kind == "chart" else MONITOR_LABELS)


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_each_thing_to_notice_names_a_chart_or_monitor_on_the_screen(item):
    items = lesson_text.notice_items(item)
    assert len(items) >= len(item.claims) - 1  # one item a claim (lesson 5 says one in its steps)
    for text in items:
        named = lesson_text.screen_references(text)
        assert named, f"{item.id}: names no chart or monitor: {text[:90]}"


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_every_chart_and_monitor_a_lesson_names_is_on_the_screen(item):
    named = lesson_text.screen_references(lesson_text.source(item))
    assert named
    missing = [(kind, title) for kind, title in named if not on_screen(kind, title)]
    assert not missing, f"{item.id} names what the dashboard does not show: {missing}"


def test_a_misnamed_chart_is_not_taken_for_one_on_the_screen():
    named = lesson_text.screen_references("Watch the **Grain stocks and\n  trade** chart and the **People alive** monitor.")
    assert named == [("chart", "Grain stocks and trade"), ("monitor", "People alive")]
    assert not on_screen(*named[0]) and on_screen(*named[1])


def test_the_lines_the_lessons_read_come_from_their_columns():
    frame = pd.DataFrame({"commune_stock_kg": [1000.0, 0.0], "household_stock_kg": [500.0, 2000.0],
                          "hidden_grain_kg": [500.0, 0.0], "quota_kg": [300.0, 50.0],
                          "harvest_true_kg": [1200.0, 0.0]})
    assert series_values(frame, "village_grain_t", 2) == [2.0, 2.0]  # tonnes, all three stores
    assert series_values(frame, "quota_share", 2) == [0.25, None]  # only where there is a harvest
    assert series_values(frame.drop(columns="hidden_grain_kg"), "village_grain_t", 2) == []
    titles = {title: [name for name, _ in lines] for title, lines, _ in PANELS}
    assert "village_grain_t" in titles["Grain stocks"] and "quota_share" in titles["Quota and procurement"]
