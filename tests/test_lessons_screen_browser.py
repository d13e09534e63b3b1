"""Each lesson run in a real browser, as a class would: load it from the Lessons fold-out, press
Play, open "What to notice", and check that every chart and monitor it names is on the page and
shows the compared quantity: the chart (found by its title in the page's ECharts option) draws
each of its lines for both runs, solid and dashed, with numbers in them, and the two runs differ
on it somewhere; the monitor shows a number for both runs.

Kept cheap: one browser tab for all the lessons, the world at the claims' test size
(greatleap.lessons.check.TEST_SIZE, set with the size sliders once: a lesson keeps the world
size), and each run paused in April 1960 (month 40), past the 1959 harvests and quotas, the
first purges after Lushan and the first famine deaths, which the lessons compare. Uses the browser set-up of tests/test_e2e_browser.py (loopback
server, Debian's chromium, nothing fetched off 127.0.0.1)."""

from __future__ import annotations

import json
import re

import pytest
from test_e2e_browser import ARTIFACTS, Tab, browser, server_url, wait_still  # noqa: F401  (fixtures)

from greatleap.lessons import LESSONS
from greatleap.lessons import text as lesson_text
from greatleap.lessons.check import TEST_SIZE
from greatleap.visualization.charts import PANELS
from greatleap.visualization.lessons_panel import CLOSE, SHOW_NOTICE, button_label

pytestmark = pytest.mark.browser

LINES = {title: [label for _, label in lines] for title, lines, _ in PANELS}
NUMBER = re.compile(r"^[\d,.]+( t|%)?$")
# from April 1960 on: at the test size and seed 1 every chart the lessons name differs between the
# two runs by October 1959 (month 34; the first purges after Lushan are the last to show)
PAUSED_AT = re.compile(r"^Month ([4-7]\d) of 72$")

# the drawn lines of one chart, read from the ECharts instance of the page's chart widget
CHART_LINES = """(title) => {
  const el = document.querySelector('.gl-charts');
  const chart = el && el.__vue__ && el.__vue__.chart;
  if (!chart) return null;
  const option = chart.getOption();
  const i = option.title.findIndex(t => (t.text || '').startsWith('{t|' + title + '}'));
  if (i < 0) return null;
  return option.series.filter(s => s.xAxisIndex === i && s.data && s.data.length).map(s => ({
    name: s.name, dash: (s.lineStyle || {}).type,
    values: s.data.map(v => (v === null || v === undefined || v === '-') ? null : Number(v))}));
}"""


def check_chart(page, title: str) -> None:
    drawn = page.evaluate(CHART_LINES, title)
    assert drawn is not None, f"no chart titled {title!r} on the page"
    runs = {}
    for label in LINES[title]:
        lines = [s for s in drawn if s["name"] == label]
        assert sorted(s["dash"] for s in lines) == ["dashed", "solid"], (title, label, lines)
        for s in lines:
            assert any(v is not None for v in s["values"]), f"{title}: {label} ({s['dash']}) has no numbers"
            runs.setdefault(s["dash"], []).append(s["values"])
    assert runs["solid"] != runs["dashed"], f"{title}: the two runs draw the same lines"


def check_monitor(page, title: str) -> None:
    cells = page.locator(f"td[data-monitor={json.dumps(title)}]")
    texts = cells.all_inner_texts()
    assert len(texts) == 2, (title, texts)  # one column per run
    assert all(NUMBER.match(t.strip()) for t in texts), (title, texts)


@pytest.fixture(scope="module")
def lesson_tab(browser, server_url):  # noqa: F811
    """One tab for every lesson: the small world set once, the Lessons fold-out open."""
    tab = Tab(browser, server_url)
    try:
        tab.set_world_size(TEST_SIZE)
        tab.page.get_by_role("button", name="Lessons", exact=True).click()
        yield tab
    finally:
        tab.close()


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_what_a_lesson_points_at_is_on_the_screen_after_its_run(lesson_tab, item):
    from playwright.sync_api import expect

    tab, page = lesson_tab, lesson_tab.page
    named = lesson_text.screen_references(lesson_text.sections(item)["What to notice"])
    if tab.button("Pause").is_visible():  # a lesson before this one failed while playing
        tab.button("Pause").click()
    if page.get_by_role("button", name=CLOSE).is_visible():
        page.get_by_role("button", name=CLOSE).click()
    page.get_by_role("button", name=button_label(item)).click()
    expect(page.locator(".gl-map")).to_contain_text([item.preset_title, f"{item.comparison_title}:"])
    expect(tab.counter).to_have_text("Month 0 of 72")

    page.get_by_role("slider", name="Speed (months per second)").press("End")
    tab.button("Play").click()
    expect(tab.counter).to_have_text(PAUSED_AT, timeout=120_000)
    tab.button("Pause").click()
    wait_still(tab)
    alive = page.locator('td[data-monitor="People alive"]').first.inner_text()
    assert int(alive.replace(",", "")) < 10_000, f"the lesson did not keep the small world: {alive}"
    page.get_by_role("button", name=SHOW_NOTICE).click()
    notice = page.locator(".gl-lesson-notice")
    for kind, title in named:
        expect(notice).to_contain_text(f"{title} {kind}")
    for kind, title in named:
        (check_chart if kind == "chart" else check_monitor)(page, title)
    page.screenshot(path=str(ARTIFACTS / f"lesson_{item.number}_screen.png"), full_page=True)
    assert not tab.problems, json.dumps(tab.problems)


def test_the_monitor_check_rejects_a_monitor_without_a_number(browser):  # noqa: F811
    """The guard the lesson test relies on, on the monitors' own HTML: a run that has not started
    shows dashes, and the check must not take them for numbers."""
    import pandas as pd

    from greatleap.visualization.monitors import monitors_html

    started = pd.DataFrame({"date": ["1957-01"], "population": [2000.0], "deaths_starvation": [3.0]})
    page = browser.new_page()
    try:
        page.set_content(monitors_html([started, started], ["a", "b"], [1, 1]))
        check_monitor(page, "Starvation deaths so far")
        page.set_content(monitors_html([started, started.iloc[:0]], ["a", "b"], [1, 1]))
        with pytest.raises(AssertionError):
            check_monitor(page, "Starvation deaths so far")
    finally:
        page.close()
