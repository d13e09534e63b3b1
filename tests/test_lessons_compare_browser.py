"""Every Scenario/Compare pair the lessons use, set in a real browser: each run states what it
changes from the baseline (read from its own model), and the two runs differ exactly where their
presets differ, whichever of the two is the Scenario. Uses the browser set-up of
tests/test_e2e_browser.py (loopback server, Debian's chromium, nothing off 127.0.0.1)."""

from __future__ import annotations

import json

import pytest
from test_e2e_browser import Tab, browser, server_url  # noqa: F401  (fixtures)

from greatleap.lessons import LESSONS
from greatleap.lessons.check import TEST_SIZE
from greatleap.lessons.text import shown
from greatleap.params import PARAMS, SCENARIO_TITLES, SCENARIOS
from greatleap.visualization.lessons_panel import CLOSE, button_label

pytestmark = pytest.mark.browser


def changes(overrides: dict) -> list[str]:
    return [f"{PARAMS[k].label} = {shown(v)}" for k, v in overrides.items()
            if PARAMS[k].default != v]


def settings_lines(page) -> list[str]:
    loc = page.locator(".gl-run-settings")
    loc.nth(1).wait_for()
    return [t.removeprefix("Changed from the baseline: ") for t in loc.all_inner_texts()]


def expect_lines(page, first: list[str], second: list[str]) -> None:
    from playwright.sync_api import expect

    loc = page.locator(".gl-run-settings")
    expect(loc).to_have_count(2)
    got = settings_lines(page)
    # the order of the items follows the model's parameters: compare as sets
    for want, line in zip((first, second), got):
        assert set(line.split("; ")) - {"nothing"} == set(want), (want, line)


def test_each_lessons_pair_compares_two_different_runs_both_ways(browser, server_url):  # noqa: F811
    from playwright.sync_api import expect

    tab = Tab(browser, server_url)
    try:
        page = tab.page
        tab.set_world_size(TEST_SIZE)  # a lesson keeps the world size; rebuilds at 100,000 people took most of the test
        page.get_by_role("button", name="Lessons", exact=True).click()
        for item in [i for i in LESSONS if i.comparison]:
            page.get_by_role("button", name=button_label(item)).click()
            expect(page.locator(".gl-map")).to_contain_text([item.preset_title, f"{item.comparison_title}:"],
                                                            timeout=30_000)
            own = {**SCENARIOS[item.preset], **item.settings}
            other = {**item.settings, **SCENARIOS[item.comparison]}
            expect_lines(page, changes(own), changes(other))
            assert changes(own) != changes(other), item.id
            page.get_by_role("button", name=CLOSE).click()

            # the same pair the other way round: the comparison preset as Scenario, the baseline
            # as Compare with; the baseline run must be the baseline, not a relabelled copy
            tab.choose("Scenario", SCENARIO_TITLES[item.comparison])
            tab.choose("Compare with", SCENARIO_TITLES[item.preset])
            expect(page.locator(".gl-map")).to_contain_text(
                [f"{SCENARIO_TITLES[item.comparison]}:", f"{SCENARIO_TITLES[item.preset]}:"], timeout=30_000)
            expect_lines(page, changes(SCENARIOS[item.comparison]), changes(SCENARIOS[item.preset]))
        assert not tab.problems, json.dumps(tab.problems)
    finally:
        tab.close()
