"""The Lessons panel without a browser (solara.render): each lesson loads its preset, settings and
comparison with one click; the prediction question comes first; "what to notice" appears at the
end of the run or on the button; the lesson's controls are outlined in the settings column."""

from __future__ import annotations

import time

import html

import ipyvuetify as v
import pytest
import solara
from solara.widgets.widgets import HTML

from greatleap.lessons import LESSONS, lesson
from greatleap.params import PARAMS, SCENARIOS
from greatleap.visualization import lessons_panel as lp
from greatleap.visualization.session import Session, scenario_values

SMALL = {"n_communes": 4, "commune_side": 4}


def small_session() -> Session:
    return Session(values={**scenario_values("baseline"), **SMALL})


@solara.component
def Host(session: Session, loaded: list):
    """What the dashboard page does on a click: the lesson's settings, then Reset."""
    tick = solara.use_reactive(0)

    def on_load(item):
        loaded.append(item.id)
        session.rebuild(lp.lesson_values(item, session.values), scenario=item.preset, compare=item.comparison)
        tick.set(tick.value + 1)

    def step_to_end():
        while session.running:
            session.step()
        tick.set(tick.value + 1)

    solara.Button("test: run to the end", on_click=step_to_end)
    lp.LessonsPanel(session, tick, on_load)


@pytest.fixture
def panel():
    session, loaded = small_session(), []
    _, rc = solara.render(Host(session, loaded), handle_error=False)
    yield session, loaded, rc
    rc.close()


def click(rc, label):
    rc.find(v.Btn, children=[label]).widget.click()
    deadline = time.monotonic() + 30  # the page rebuilds in a thread, with a loading bar
    while rc.find(v.ProgressLinear, class_="gl-loading").widgets and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # the rebuild task's own "finished" render lands just after the bar goes


def html_text(rc, css_class):
    """The inner HTML of the one solara.HTML element with this class."""
    found = [w for w in rc.find(HTML).widgets if css_class in (w.attributes or {}).get("class", "").split()]
    assert len(found) == 1, (css_class, len(found))
    return found[0].unsafe_innerHTML


def titled(rc, title):
    """Widgets whose title (hover text) is exactly `title`, whatever their kind."""
    return [w for w in rc.find(HTML).widgets + rc.find(v.Html).widgets
            if (getattr(w, "attributes", None) or {}).get("title") == title]


def test_the_panel_lists_every_lesson(panel):
    _, _, rc = panel
    for item in LESSONS:
        rc.find(v.Btn, children=[lp.button_label(item)]).assert_single()


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_one_click_loads_the_lessons_preset_settings_and_comparison(panel, item):
    session, loaded, rc = panel
    session.step()
    click(rc, lp.button_label(item))
    assert loaded == [item.id]
    assert session.scenario == item.preset and session.compare == item.comparison
    assert session.model.steps == 0 and len(session.runs) == 2
    expected = {**SCENARIOS[item.preset], **item.settings}
    for name, value in expected.items():
        assert session.values[name] == value, name
    assert session.values["n_communes"] == SMALL["n_communes"], "the world size is kept"
    for name, value in SCENARIOS[item.comparison].items():
        assert session.runs[1].params[name] == value
    assert html.escape(item.question) in html_text(rc, "gl-lesson-question")
    loaded_line = html_text(rc, "gl-lesson-loaded")
    assert html.escape(item.preset_title) in loaded_line and html.escape(item.comparison_title) in loaded_line
    for name in item.settings:
        assert html.escape(PARAMS[name].label) in loaded_line
    controls = html_text(rc, "gl-lesson-controls")
    for label in item.control_labels():
        assert html.escape(label) in controls


def test_what_to_notice_is_hidden_until_the_button_or_the_end_of_the_run(panel):
    session, _, rc = panel
    item = lesson("reporting_cascade")
    click(rc, lp.button_label(item))
    rc.find(v.Html, class_="gl-lesson-notice").assert_empty()
    click(rc, lp.SHOW_NOTICE)
    rc.find(v.Html, class_="gl-lesson-notice").assert_single()
    click(rc, lp.HIDE_NOTICE)
    rc.find(v.Html, class_="gl-lesson-notice").assert_empty()
    click(rc, "test: run to the end")
    assert not session.running
    rc.find(v.Html, class_="gl-lesson-notice").assert_single()
    rc.find(v.Btn, children=[lp.SHOW_NOTICE]).assert_empty()  # nothing left to reveal
    click(rc, lp.CLOSE)
    rc.find(v.Btn, children=[lp.button_label(LESSONS[-1])]).assert_single()


def test_the_revealed_text_carries_the_tested_claims(panel):
    _, _, rc = panel
    item = lesson("furnaces")
    click(rc, lp.button_label(item))
    click(rc, lp.SHOW_NOTICE)
    notice = rc.find(v.Html, class_="gl-lesson-notice")
    notice.assert_single()
    shown = repr(notice.widget)
    for claim in item.claims:
        assert claim.sentence()[:60].replace("'", "\\'") in shown or claim.sentence()[:60] in shown, claim.id


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_the_highlight_selects_exactly_the_controls_the_lesson_uses(item):
    """Each control carries its parameter's meaning as its title; the CSS outlines those titles."""
    css = lp.highlight_css(item)
    for name in item.controls:
        assert f"[title={lp._css_string(PARAMS[name].meaning)}]" in css
    others = [p for p in PARAMS.values() if p.name not in item.controls]
    for p in others:
        assert f"[title={lp._css_string(p.meaning)}]" not in css


def test_every_control_carries_its_meaning_as_title():
    """The highlight relies on it: if the controls stop writing the meaning as a title, this fails."""
    from greatleap.visualization.controls import ParamControl

    for name in ("honest_reporting", "quota_rule", "furnace_share"):
        p = PARAMS[name]
        _, rc = solara.render(ParamControl(p, p.default, lambda *_: None), handle_error=False)
        assert titled(rc, p.meaning), name
        rc.close()


def test_the_dashboard_page_loads_a_lesson_into_its_scenario_and_compare_controls():
    """The panel inside the real page: one click sets **Scenario**, the settings and **Compare
    with**, and restarts both runs at month 0."""
    from greatleap.params import SCENARIO_TITLES
    from greatleap.visualization import app

    session = small_session()
    _, rc = solara.render(app.Page(session=session), handle_error=False)
    try:
        for item in (lesson("lushan"), lesson("reporting_cascade")):
            click(rc, "Step")
            click(rc, lp.button_label(item))
            assert session.scenario == item.preset and session.compare == item.comparison
            assert session.model.steps == 0 and session.values["n_communes"] == SMALL["n_communes"]
            for name, value in {**SCENARIOS[item.preset], **item.settings}.items():
                assert session.values[name] == value
            assert rc.find(v.Select, label="Scenario").widget.v_model == SCENARIO_TITLES[item.preset]
            assert rc.find(v.Select, label="Compare with").widget.v_model == SCENARIO_TITLES[item.comparison]
            rc.find(v.Alert).assert_empty()  # nothing pending: the lesson's settings are the run's
            click(rc, lp.CLOSE)
    finally:
        rc.close()
