"""Lesson 1 walked through in a real browser, as a teacher would: open the Lessons fold-out, click
the lesson, read the question, see the lesson's controls outlined, press Play, and read "what to
notice" when the run ends. Uses the dashboard's browser-test set-up (tests/test_e2e_browser.py):
`greatleap app` on a loopback port, Debian's chromium, no request outside 127.0.0.1. The world is
set to the claims' test size first (a lesson keeps the world size): this test is about what the
teacher does and reads, and two runs of 100,000 people played to the end took 100 s of the suite."""

from __future__ import annotations

import json

import pytest
from test_e2e_browser import ARTIFACTS, Tab, browser, server_url  # noqa: F401  (fixtures)

from greatleap.lessons import lesson
from greatleap.lessons.check import TEST_SIZE
from greatleap.params import PARAMS
from greatleap.visualization.lessons_panel import SHOW_NOTICE, button_label

pytestmark = pytest.mark.browser


def outlined(page, meaning: str) -> bool:
    """Whether the control whose hover text is `meaning` is drawn with the lesson's outline
    (waits for it: a fold-out draws its content when it opens)."""
    page.locator(f"[title={json.dumps(meaning)}]").first.wait_for(state="attached")
    return page.evaluate(
        """(title) => { const el = [...document.querySelectorAll('[title]')].find(e => e.title === title);
                        return !!el && getComputedStyle(el).outlineStyle === 'solid'; }""", meaning)


def test_a_teacher_runs_lesson_1_from_the_lessons_panel(browser, server_url):
    from playwright.sync_api import expect

    item = lesson("reporting_cascade")
    tab = Tab(browser, server_url)
    try:
        page = tab.page
        tab.set_world_size(TEST_SIZE)
        page.get_by_role("button", name="Lessons", exact=True).click()
        page.get_by_role("button", name=button_label(item)).click()
        expect(tab.counter).to_have_text("Month 0 of 72")
        expect(page.locator(".gl-lesson-question")).to_contain_text(item.question[:60])
        expect(page.locator(".gl-map img")).to_have_count(2)
        expect(page.locator(".gl-map")).to_contain_text([f"{item.preset_title}:", f"{item.comparison_title}:"])
        expect(page.locator(".gl-lesson-notice")).to_have_count(0)
        expect(page.get_by_role("button", name=SHOW_NOTICE)).to_be_visible()

        page.get_by_role("button", name="Policy levers", exact=True).click()
        page.get_by_role("button", name="Uncertain assumptions", exact=True).click()
        for name in item.controls:
            assert outlined(page, PARAMS[name].meaning), name
        assert not outlined(page, PARAMS["dining_halls"].meaning)
        page.screenshot(path=str(ARTIFACTS / "lesson_1_loaded.png"), full_page=True)
        # played with the groups open, as a teacher showing the outlined controls would (issue 16:
        # they used to make each month 9x slower, and this test folded them first)
        page.get_by_role("slider", name="Speed (months per second)").press("End")
        tab.button("Play").click()
        expect(tab.counter).to_have_text("Month 72 of 72", timeout=180_000)
        for name in item.controls:
            assert outlined(page, PARAMS[name].meaning), name
        notice = page.locator(".gl-lesson-notice")
        for claim in item.claims:
            expect(notice).to_contain_text(claim.sentence()[:50])
        page.screenshot(path=str(ARTIFACTS / "lesson_1_end.png"), full_page=True)
        assert not tab.problems, json.dumps(tab.problems)
    finally:
        tab.close()
