"""The dashboard without a browser: `solara.render` builds the real widget tree in-process; the
tests click and set widgets as the browser would and read the session's models back."""

from __future__ import annotations

import csv
import io
import time

import ipyvuetify as v
import numpy as np
import pytest
import solara
from solara.components.echarts import EchartsWidget
from solara.widgets.widgets import HTML

from greatleap.params import LEVER, PARAMS, SCENARIOS, UNCERTAINTY
from greatleap.visualization import app
from greatleap.visualization import session as session_module
from greatleap.visualization.session import Session, control_params, scenario_values


@pytest.fixture
def dashboard():
    session = Session()
    _, rc = solara.render(app.Page(session=session), handle_error=False)
    yield session, rc
    rc.close()


# The page opens on DEFAULT_SIZE (about 100,000 villagers); these tests are about the controls, not
# the size, so they open on about 750 (the suite's time limit). The first test keeps the default.
DEFAULT_WORLD_TESTS = {"test_step_advances_the_model_the_counter_and_the_banner"}


@pytest.fixture(autouse=True)
def small_world(request, monkeypatch):
    if request.node.originalname not in DEFAULT_WORLD_TESTS:
        monkeypatch.setattr(session_module, "DEFAULT_SIZE", {"n_communes": 6, "commune_side": 5})


def the_widget(rc, kind, timeout: float = 10, **match):
    """The one widget matching; retried because a render from the Play thread may be replacing it
    at the moment we look (reacton's finder would then see none, or two)."""
    deadline = time.monotonic() + timeout
    while True:
        found = rc.find(kind, **match).widgets
        if len(found) == 1:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"expected one {kind.__name__} matching {match}, found {len(found)}")
        time.sleep(0.05)


def idle(rc, timeout: float = 30) -> None:
    """Wait until no rebuild runs (they run in a thread, with the loading bar showing)."""
    deadline = time.monotonic() + timeout
    while rc.find(v.ProgressLinear, class_="gl-loading").widgets:
        if time.monotonic() > deadline:
            raise AssertionError("the page kept rebuilding")
        time.sleep(0.02)
    time.sleep(0.2)  # the rebuild task's own "finished" render lands just after the bar goes


def click(rc, label: str) -> None:
    the_widget(rc, v.Btn, children=[label]).click()
    idle(rc)


def open_groups(rc) -> None:
    """Unfold "Policy levers" and "Uncertain assumptions" (folded groups render no controls)."""
    for title in ("Policy levers", "Uncertain assumptions"):
        (button,) = [w for w in rc.find(v.Btn).widgets if title in w.children]
        button.click()


def text_of(rc, css_class: str) -> str:
    return the_widget(rc, v.Html, class_=css_class).children[0]


def select(rc, label: str, value: str) -> None:
    rc.find(v.Select, label=label).widget.v_model = value
    idle(rc)


def test_step_advances_the_model_the_counter_and_the_banner(dashboard):
    session, rc = dashboard
    assert text_of(rc, "gl-counter") == "Month 0 of 72"
    click(rc, "Step")
    click(rc, "Step")
    assert session.model.steps == 2
    assert text_of(rc, "gl-counter") == "Month 2 of 72"
    assert text_of(rc, "gl-banner").startswith("February 1957 \u2014 ")
    assert len(session.model.monthly_frame()) == 2


def test_reset_starts_again_with_the_changed_settings(dashboard):
    session, rc = dashboard
    click(rc, "Step")
    old_model = session.model
    rc.find(v.Slider, label=PARAMS["n_communes"].label).widget.v_model = 4
    rc.find(v.Alert).assert_single()  # "Settings changed: press Reset ..."
    assert session.model is old_model, "a slider alone must not restart the run"
    click(rc, "Reset")
    assert session.model is not old_model
    assert session.model.steps == 0 and text_of(rc, "gl-counter") == "Month 0 of 72"
    assert session.model.p["n_communes"] == 4
    assert session.runs[0].label == "Historical (baseline)"  # world size is not a policy change
    assert len(set(session.model.grid.commune.data[session.model.grid.commune.data >= 0].ravel())) == 4
    rc.find(v.Alert).assert_empty()


def test_scenario_change_applies_the_preset_and_restarts(dashboard):
    session, rc = dashboard
    click(rc, "Step")
    select(rc, "Scenario", "Cadres report honestly")
    assert session.scenario == "honest_reporting"
    assert session.model.steps == 0 and session.model.p["honest_reporting"] is True
    open_groups(rc)
    switch = rc.find(v.Switch, label=PARAMS["honest_reporting"].label).widget
    assert switch.v_model is True
    select(rc, "Scenario", "Historical (baseline)")
    assert session.model.p["honest_reporting"] is False
    assert rc.find(v.Switch, label=PARAMS["honest_reporting"].label).widget.v_model is False


def test_compare_mode_runs_both_scenarios_from_the_same_seed(dashboard):
    session, rc = dashboard
    select(rc, "Compare with", "Cadres report honestly")
    assert [r.scenario for r in session.runs] == ["baseline", "honest_reporting"]
    base, other = (r.model for r in session.runs)
    assert base.rng_seed == other.rng_seed == session.seed
    assert other.p["honest_reporting"] and not base.p["honest_reporting"]
    for _ in range(3):
        click(rc, "Step")
    assert base.steps == other.steps == 3
    captions = [w.children[0] for w in rc.find(v.Html, tag="span").widgets if "deaths so far" in str(w.children)]
    assert [c.split(":")[0] for c in captions] == ["Historical (baseline)", "Cadres report honestly"]
    option = rc.find(EchartsWidget).widget.option  # the charts carry both runs, the second dashed
    deaths = [s for s in option["series"] if s["name"] == "all deaths (model)"]
    assert [s["lineStyle"]["type"] for s in deaths] == ["solid", "dashed"]
    assert all(len(s["data"]) == 3 for s in deaths)
    rows = list(csv.DictReader(line for line in io.StringIO(session.csv_bytes().decode()) if not line.startswith("#")))
    assert {r["run"] for r in rows} == {"Historical (baseline)", "Cadres report honestly"}
    assert len(rows) == 6
    select(rc, "Compare with", app.NO_COMPARE)
    assert len(session.runs) == 1


def test_play_runs_months_in_a_thread_until_pause(dashboard):
    session, rc = dashboard
    rc.find(v.Slider, label="Speed (months per second)").widget.v_model = 12
    click(rc, "Play")
    deadline = time.monotonic() + 20
    while session.model.steps < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session.model.steps >= 3
    click(rc, "Pause")
    time.sleep(0.5)  # the month being simulated when we paused may still land
    paused = session.model.steps
    time.sleep(0.6)
    assert session.model.steps == paused
    assert text_of(rc, "gl-counter") == f"Month {paused} of 72"


def test_controls_are_generated_from_params_with_their_defaults(dashboard):
    _, rc = dashboard
    assert not rc.find(v.Switch).widgets, "folded groups must not build their controls"
    open_groups(rc)
    for p in control_params(LEVER) + control_params(UNCERTAINTY):
        kind = v.Switch if p.type is bool else v.Select if p.choices else v.Slider
        widget = rc.find(kind, label=p.label).widget
        assert widget.v_model == p.default, p.name
        if kind is v.Slider:
            assert (widget.min, widget.max) == (p.low, p.high)


def render_work(rc, monkeypatch, action) -> dict[str, int]:
    """What `action()` costs the page, counted, not timed: reacton's render passes (of the page
    and of the settings' own render), the argument values they visit (each pass walks every
    element of its tree, lists included, whether or not its component ran again), and how many
    times a settings control ran."""
    import reacton.core

    from greatleap.visualization import controls

    counts = {"passes": 0, "visited": 0, "controls": 0}

    def counting(name, f):
        def counted(*args, **kwargs):
            counts[name] += 1
            return f(*args, **kwargs)
        return counted

    context = reacton.core._RenderContext
    with monkeypatch.context() as patch:
        patch.setattr(context, "_render_once", counting("passes", context._render_once))
        patch.setattr(context, "_visit_children_values", counting("visited", context._visit_children_values))
        patch.setattr(controls.ParamControl, "f", counting("controls", controls.ParamControl.f))
        action()
    return counts


def three_months(rc):
    for _ in range(3):
        click(rc, "Step")


def test_open_settings_groups_cost_a_month_nothing(dashboard, monkeypatch):
    """A month's redraw must not grow with the controls a teacher has unfolded (issue 16: with
    "Policy levers" and "Uncertain assumptions" open a Step took 773 ms instead of 89 ms). The
    settings are drawn by a render of their own, which a month does not touch, and a Step draws
    the page in one render pass (it made three, each walking every control)."""
    _, rc = dashboard
    folded = render_work(rc, monkeypatch, lambda: three_months(rc))
    open_groups(rc)
    assert len(rc.find(v.Slider).widgets) > 100
    opened = render_work(rc, monkeypatch, lambda: three_months(rc))
    assert opened["controls"] == 0, "a month re-ran the settings controls, which depend only on the settings"
    assert opened["passes"] == folded["passes"] == 3, "each Step must draw the page in one render pass"
    assert opened["visited"] == folded["visited"], \
        f"3 Steps visit {opened['visited']:,} values with the groups open, {folded['visited']:,} folded"


def test_moving_a_slider_does_not_walk_a_list_as_long_as_its_range(dashboard, monkeypatch):
    """A slider's arguments stay a few values: solara's tick_labels="end_points" made a list with
    an entry per slider position (50,001 for a step of 2e-5, 180,000 over the settings), which
    every render pass walked and the browser drew as ticks."""
    _, rc = dashboard
    open_groups(rc)
    slider = rc.find(v.Slider, label=PARAMS["purge_prob_before"].label).widget
    moved = render_work(rc, monkeypatch, lambda: setattr(slider, "v_model", slider.max))
    assert moved["controls"] >= 1, "the moved slider's control must run again"
    controls = len(control_params(LEVER) + control_params(UNCERTAINTY))
    per_control = moved["visited"] / controls  # 146 on 8 December 2026; 4,723 with the tick lists
    assert per_control < 500, f"moving one slider visits {per_control:,.0f} values per control drawn"


def test_closing_the_page_closes_the_settings_drawn_apart():
    """The settings have a render of their own (controls.SettingsApart): it must close with the
    page, or every tab a class opens would leave its 600 widgets on the server."""
    _, rc = solara.render(app.Page(session=Session()), handle_error=False)
    open_groups(rc)
    sliders = rc.find(v.Slider).widgets
    assert len(sliders) > 100 and all(w.comm is not None for w in sliders)
    rc.close()
    assert not [w for w in sliders if w.comm is not None]


def test_every_scenario_title_is_offered(dashboard):
    _, rc = dashboard
    offered = rc.find(v.Select, label="Scenario").widget.items
    assert len(offered) == len(SCENARIOS)


def test_buttons_grey_out_when_the_run_ends():
    values = scenario_values("baseline")
    values.update(n_communes=1, commune_side=3, end_year=values["start_year"])  # one year
    session = Session(values=values)
    _, rc = solara.render(app.Page(session=session), handle_error=False)
    try:
        for _ in range(12):
            click(rc, "Step")
        assert text_of(rc, "gl-counter") == "Month 12 of 12"
        assert not session.running
        assert rc.find(v.Btn, children=["Step"]).widget.disabled
        assert rc.find(v.Btn, children=["Play"]).widget.disabled
        click(rc, "Reset")
        assert not rc.find(v.Btn, children=["Step"]).widget.disabled
    finally:
        rc.close()


@pytest.mark.parametrize("typed", ["-3", "abc", "3.5", "1e6", " ", "٣"])
def test_a_seed_that_is_not_a_whole_number_is_refused_with_a_message(dashboard, typed):
    session, rc = dashboard
    old = session.model
    click(rc, "Step")
    box = rc.find(v.TextField, label="Seed").widget
    box.v_model = typed
    assert box.error and len(box.messages) == 1, box.messages  # one line, under the box
    assert box.messages[0].startswith("seed: got") and "whole number >= 0" in box.messages[0]
    assert rc.find(v.Btn, children=["Step"]).widget.disabled, "Step must not advance the old run"
    click(rc, "Reset")
    assert session.model is old and session.model.steps == 1, "no silent substitution of another seed"
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    assert text_of(rc, "gl-seed") == "Seed 1"
    box.v_model = "7"  # the error goes as soon as the box changes
    assert not box.error and not box.messages
    rc.find(v.Alert, type="error").assert_empty()
    click(rc, "Reset")
    assert session.seed == 7 and session.model.rng_seed == 7 and session.model.steps == 0
    assert text_of(rc, "gl-seed") == "Seed 7"
    assert not rc.find(v.Btn, children=["Step"]).widget.disabled


def test_a_model_that_fails_while_it_is_built_says_so_without_details_and_step_stays_off(dashboard, monkeypatch):
    from greatleap import model as model_module

    session, rc = dashboard
    step = model_module.FamineModel.step

    def broken(self, *args, **kwargs):  # the spin-up steps the model while it is built
        if self.rng_seed == 666:
            raise RuntimeError("SECRET-TOKEN-42 could not open /srv/private/keys.py")
        return step(self, *args, **kwargs)

    monkeypatch.setattr(model_module.FamineModel, "step", broken)
    old = session.model
    rc.find(v.TextField, label="Seed").widget.v_model = "666"
    click(rc, "Reset")
    message = rc.find(v.Alert, type="error").widget.children[0]
    assert "while it was being built" in message and "SECRET" not in message and "/srv" not in message
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    assert session.model is old
    rc.find(v.TextField, label="Seed").widget.v_model = "5"
    click(rc, "Reset")
    assert session.model.rng_seed == 5 and not rc.find(v.Btn, children=["Step"]).widget.disabled


def test_an_error_from_reset_disappears_when_its_input_changes(dashboard):
    session, rc = dashboard
    rc.find(v.TextField, label="Seed").widget.v_model = "x"
    click(rc, "Reset")
    assert "seed: got 'x'" in rc.find(v.Alert, type="error").widget.children[0]
    rc.find(v.TextField, label="Seed").widget.v_model = "2"
    rc.find(v.Alert, type="error").assert_empty()


def test_a_loading_bar_shows_while_the_runs_are_rebuilt(dashboard):
    import threading

    session, rc = dashboard
    release = threading.Event()
    original = session.rebuild

    def slow_rebuild(*args, **kwargs):
        release.wait(10)
        original(*args, **kwargs)

    session.rebuild = slow_rebuild
    old = session.model
    the_widget(rc, v.Btn, children=["Reset"]).click()
    rc.find(v.ProgressLinear, class_="gl-loading").assert_single()
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    release.set()
    idle(rc)
    assert session.model is not old
    assert not rc.find(v.Btn, children=["Step"]).widget.disabled


def lesson_card_open(rc) -> bool:
    return any("gl-lesson-question" in (w.attributes or {}).get("class", "") for w in rc.find(HTML).widgets)


def test_the_lesson_card_closes_when_the_settings_it_describes_change(dashboard):
    from greatleap.lessons import LESSONS
    from greatleap.visualization.lessons_panel import button_label

    session, rc = dashboard
    item = next(i for i in LESSONS if i.comparison)
    click(rc, button_label(item))
    assert lesson_card_open(rc)
    click(rc, "Reset")  # the lesson's own settings again: the card stays
    assert lesson_card_open(rc)
    select(rc, "Compare with", app.NO_COMPARE)
    assert not lesson_card_open(rc)
    click(rc, button_label(item))
    assert lesson_card_open(rc)
    select(rc, "Scenario", "No dining halls")
    assert not lesson_card_open(rc)


def test_reset_and_closing_the_tab_release_old_models():
    import gc
    import weakref

    session = Session()
    first = weakref.ref(session.model)
    session.rebuild()
    gc.collect()
    assert first() is None, "Mesa's Agent._ids kept the replaced model alive"
    second = weakref.ref(session.model)
    session.close()
    gc.collect()
    assert second() is None


def test_a_closed_page_frees_its_models_even_while_playing():
    import gc

    from greatleap.model import FamineModel

    def alive():
        gc.collect()
        return sum(type(o) is FamineModel for o in gc.get_objects())

    before = alive()
    _, rc = solara.render(app.Page(), handle_error=False)
    click(rc, "Play")
    time.sleep(0.5)
    assert alive() == before + 1
    rc.close()  # what the server does when the tab closes
    del rc
    time.sleep(0.5)  # the month in flight lands, then Play sees the session closed
    assert alive() == before


def test_compared_maps_share_one_colour_scale():
    from greatleap.visualization.grid_view import SCALES, share_scale

    session = Session(compare="no_dining_halls")
    for _ in range(5):
        session.step()
    models = [run.model for run in session.runs]
    tops = [float(m.grid.standing_crop.data.max()) for m in models]
    assert share_scale(models, "Standing crop", scale_key=12345) == max(tops) > 0
    assert SCALES.top[(12345, "standing_crop")] == max(tops)
    assert share_scale(models, "Hunger", scale_key=12345) is None  # hunger has a fixed 0-3 scale


def test_loading_a_lesson_sets_scenario_settings_and_comparison_on_the_page(dashboard):
    from greatleap.lessons import LESSONS
    from greatleap.visualization.lessons_panel import button_label

    session, rc = dashboard
    click(rc, "Step")
    item = next(i for i in LESSONS if i.comparison)
    click(rc, button_label(item))
    assert session.model.steps == 0
    assert [r.scenario for r in session.runs] == [item.preset, item.comparison]
    assert all(session.values[k] == v for k, v in item.settings.items())
    assert rc.find(v.Select, label="Scenario").widget.v_model == item.preset_title
    assert rc.find(v.Select, label="Compare with").widget.v_model == item.comparison_title
    rc.find(v.Alert).assert_empty()  # the controls show what the run was built from


def test_docs_name_every_control_by_its_exact_label():
    """docs/dashboard.md ("How to use it") must use the labels the page shows."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "dashboard.md").read_text()
    fixed = ["Play", "Pause", "Step", "Reset", "Speed (months per second)", "Lessons", "Scenario", "Compare with",
             app.NO_COMPARE, "Seed", "Policy levers", "Uncertain assumptions", "Download monthly series (CSV)",
             "Download charts (PNG)", "Map layer", "Hunger", "Standing crop", "Fertility", "Hidden grain"]
    generated = [PARAMS[n].label for n in ("n_communes", "commune_side")] + [p.label for p in control_params(LEVER)]
    missing = [label for label in fixed + generated if label not in doc]
    assert not missing, f"docs/dashboard.md does not mention: {missing}"


def test_pause_then_play_at_once_never_runs_two_loops(dashboard):
    session, rc = dashboard
    rc.find(v.Slider, label="Speed (months per second)").widget.v_model = 2
    stepping = []
    original = session.step

    def counting_step():
        stepping.append(time.monotonic())
        original()

    session.step = counting_step
    click(rc, "Play")  # loop A steps, then sleeps half a second
    time.sleep(0.1)
    click(rc, "Pause")  # ...and Play again while A still sleeps: loop B starts
    click(rc, "Play")
    since = len(stepping)
    time.sleep(2.6)
    click(rc, "Pause")
    later = stepping[since:]
    gaps = [b - a for a, b in zip(later, later[1:])]
    assert len(gaps) >= 3 and min(gaps) > 0.3, gaps  # 2 months per second from one loop: ~0.5 s apart


def test_the_comparison_is_built_from_its_own_preset_whatever_the_scenario():
    """Scenario "Cadres report honestly", Compare with "Historical (baseline)": the second run is
    the baseline itself (same seed), not a copy of the honest run under the baseline's label."""
    session = Session(scenario="honest_reporting", values=scenario_values("honest_reporting"),
                      compare="baseline")
    alone = Session(scenario="baseline", values=scenario_values("baseline"))
    assert session.runs[1].params == alone.runs[0].params
    assert session.runs[1].params["honest_reporting"] is False
    for _ in range(23):  # through the 1958 harvest reports, where honesty first matters
        session.step()
        alone.step()
    assert session.runs[1].model.monthly_frame().equals(alone.model.monthly_frame())
    assert not session.runs[0].model.monthly_frame().equals(alone.model.monthly_frame())


def test_a_run_with_moved_levers_is_not_labelled_as_the_preset():
    values = scenario_values("baseline")
    values["furnace_share"] = 0.1
    session = Session(values=values, compare="honest_reporting")
    assert [r.label for r in session.runs] == ["Historical (baseline) (settings changed)", "Cadres report honestly"]
    assert session.runs[1].params["furnace_share"] == 0.1  # the comparison keeps the moved lever


def test_a_model_error_is_reported_on_the_page_without_its_details(dashboard, caplog):
    session, rc = dashboard

    def broken():
        raise RuntimeError("secret detail /srv/private/file.py")

    session.step = broken
    click(rc, "Step")  # must not raise into the page (solara would show the traceback)
    message = the_widget(rc, v.Alert, type="error").children[0]
    assert message.startswith("The model stopped with an error.") and "secret" not in message
    assert "secret detail" in caplog.text  # the details go to the server's log


def test_monitors_show_the_key_numbers_of_both_runs(dashboard):
    session, rc = dashboard
    select(rc, "Compare with", "Cadres report honestly")
    for _ in range(3):
        click(rc, "Step")
    table = [w for w in rc.find(HTML).widgets if "gl-monitors" in w.unsafe_innerHTML]
    assert len(table) == 1
    shown = table[0].unsafe_innerHTML
    for r, run in enumerate(session.runs):
        frame = run.model.monthly_frame()
        cell = f'data-run="{r}">'
        assert f'data-monitor="People alive" {cell}{int(frame["population"].iloc[-1]):,}<' in shown
        starved = int(frame["deaths_starvation"].sum())
        assert f'data-monitor="Starvation deaths so far" {cell}{starved:,}<' in shown
        assert f'data-monitor="Seed" {cell}{session.seed}<' in shown
        assert f'data-monitor="Month" {cell}1957-03<' in shown
    for name in ("Reported / true harvest", "Procurement share", "Central stock", "Cadres purged so far"):
        assert name in shown


def test_the_charts_carry_deaths_by_cause_and_age_small_series_and_the_models_retreat():
    from greatleap.visualization.charts import echarts_option, mark_labels

    values = scenario_values("baseline")
    values.update(n_communes=2, commune_side=4)
    session = Session(values=values, compare="no_lushan_purge")
    while session.running:
        session.step()
    frames = [r.model.monthly_frame() for r in session.runs]
    option = echarts_option(frames, ["a", "b"], session.model.calendar.events(), 1957, 1962)
    titles = [t["text"] for t in option["title"]]
    for panel in ("Deaths by cause", "Deaths by age group", "Exports and imports"):
        assert any(panel in t for t in titles), panel
    by_name = {}
    for s in option["series"]:
        by_name.setdefault(s["name"], []).append(s)
    starvation = by_name["starvation"][0]["data"]
    assert sum(starvation) == frames[0]["deaths_starvation"].sum() > 0
    ages = [sum(by_name[n][0]["data"]) for n in ("0\u20134", "5\u201314", "15\u201359", "60 and over")]
    assert sum(ages) == frames[0]["deaths"].sum()
    exports, stocks = by_name["exports"][0], by_name["state granaries"][0]
    assert (exports["xAxisIndex"], exports["yAxisIndex"]) != (stocks["xAxisIndex"], stocks["yAxisIndex"])
    # the model's own retreat, for each run that retreated, apart from the historical dates
    retreat = by_name["model retreat"][0]["markLine"]["data"]
    first = frames[0].loc[frames[0]["retreat"] > 0]
    assert len(retreat) == sum((f["retreat"] > 0).any() for f in frames)
    if len(first):
        assert retreat[0]["name"] == "R"
    assert "the model's own retreat" in titles[-1] and "retreat (historical date)" in titles[-1].replace("\u00a0", " ")
    # markers a month or two apart share one label ("2,3,4") instead of printing as "234"
    marks = [("Jan 1958", "a"), ("Aug 1958", "b"), ("Sep 1958", "c"), ("Oct 1958", "d"), ("Jul 1959", "e")]
    from greatleap.visualization.charts import month_labels
    assert mark_labels(marks, month_labels(1957, 1962)) == ["1", "2,3,4", "", "", "5"]


def test_the_csv_carries_the_code_version_every_parameter_and_a_command_that_reproduces_each_run():
    import shlex

    import pandas as pd

    from greatleap.params import resolve
    from greatleap.runner import parse_overrides, run_one
    from greatleap.visualization.session import code_version

    values = scenario_values("baseline")
    values.update(n_communes=2, commune_side=4, furnace_share=0.1, end_year=1958)
    session = Session(values=values, seed=3, compare="honest_reporting")
    while session.running:
        session.step()
    text = session.csv_bytes().decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[0].startswith(f"# greatleap {code_version()}")
    saved = pd.read_csv(io.StringIO(text), comment="#")
    for run in session.runs:
        (params_line,) = [h for h in header if h.startswith(f"# parameters of {run.label!r}: ")]
        assert all(f"{k}={v}" in params_line for k, v in run.model.p.items())
        (command,) = [h.split(": ", 1)[1] for h in header if h.startswith(f"# run {run.label!r}: ")]
        words = shlex.split(command)
        assert words[:2] == ["greatleap", "run"]
        scenario, seed = words[words.index("--scenario") + 1], int(words[words.index("--seed") + 1])
        sets = [words[i + 1] for i, w in enumerate(words) if w == "--set"]
        again = run_one(resolve(scenario, **parse_overrides(sets)), seed)["monthly"]
        mine = saved[saved["run"] == run.label].drop(columns=["run", "seed"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine[["population", "deaths", "procurement_kg"]],
                                      again[["population", "deaths", "procurement_kg"]], check_dtype=False)


def test_run_10_seeds_draws_median_and_10_90_bands_through_the_sweep_engine():
    from greatleap.visualization.charts import BAND_LABEL

    values = scenario_values("baseline")
    values.update(n_communes=1, commune_side=3, end_year=values["start_year"])  # one year, a few people
    session = Session(values=values, compare="honest_reporting")
    _, rc = solara.render(app.Page(session=session), handle_error=False)
    try:
        seen = []
        original = session.run_ensemble

        def watched(n, engine=None, progress=None):
            return original(n, engine, lambda d, t: (seen.append((d, t)), progress(d, t)))

        session.run_ensemble = watched
        the_widget(rc, v.Btn, children=[f"Run {app.ENSEMBLE_SEEDS} seeds"]).click()
        deadline = time.monotonic() + 120
        while session.ensemble is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session.ensemble is not None and session.ensemble.seeds == list(range(1, 11))
        assert seen[-1] == (20, 20) and len(seen) == 20  # progress after every whole run

        def bands():  # the redraw that follows the ensemble lands from its worker thread
            option = rc.find(EchartsWidget).widget.option
            return [s for s in option.get("series", []) if s["name"] == BAND_LABEL]

        deadline = time.monotonic() + 30
        while not bands() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert bands() and any("areaStyle" in s for s in bands())
        deaths = [f["deaths"].to_numpy() for f in session.ensemble.frames[0]]
        assert len({tuple(d) for d in deaths}) > 1, "ten seeds must differ"
        click(rc, "Reset")
        deadline = time.monotonic() + 30  # the rebuild runs in a thread, which a busy machine may start late
        while session.ensemble is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session.ensemble is None  # it described the old runs
    finally:
        rc.close()


def test_info_carries_the_readme_sections_and_every_preset_is_described(dashboard):
    from greatleap.params import SCENARIO_TITLES
    from greatleap.visualization.info import SECTIONS, info_html, preset_description

    _, rc = dashboard
    info = info_html()
    for section in SECTIONS:
        assert f">{section}</h3>" in info, section
    for title in SCENARIO_TITLES.values():
        assert f"<b>{title}</b>" in info.replace("&#x27;", "'")
    assert "docs/teaching.md" in info and "docs/ODD.md" in info and "docs/lessons/" in info
    assert preset_description("honest_reporting") == "Changes: Cadres report honestly = on."
    notes = [w.children[0] for w in rc.find(v.Html, class_="gl-preset-note").widgets]
    assert notes[0] == preset_description("baseline")
    select(rc, "Compare with", "No dining halls")
    notes = [w.children[0] for w in rc.find(v.Html, class_="gl-preset-note").widgets]
    assert notes[1] == "Changes: Communal dining halls = off."


def test_inspecting_a_plot_describes_its_people_cadre_and_official_from_the_mesa_agents():
    from greatleap.visualization.inspector import cell_at, describe

    values = scenario_values("baseline")
    values.update(n_communes=4, commune_side=5)
    session = Session(values=values)
    for _ in range(2):
        session.step()
    model = session.model
    model.grid  # built on first look; it places the leaders on their cells
    cadre = next(a for cls, agents in model.agents_by_type.items() if cls.__name__ == "Cadre" for a in agents
                 if getattr(a, "cell", None) is not None)
    x, y = cadre.cell.coordinate
    text = describe(model, x, y)
    assert f"<b>Cadre</b> of commune {cadre.commune}: ambition {cadre.ambition:.2f}" in text
    assert "Household" in text and "<th>body mass index</th>" in text
    h = int(np.nonzero((model.households.x == x) & (model.households.y == y))[0][0])
    first = int(np.nonzero((model.people.household == h) & model.people.alive)[0][0])
    assert f"<td>{first}</td><td>{model.people.age[first]:.0f}</td>" in text
    official = next(a for cls, agents in model.agents_by_type.items() if cls.__name__ == "Official" for a in agents
                    if getattr(a, "cell", None) is not None)
    assert "<b>Official</b> over communes" in describe(model, *official.cell.coordinate)
    w, h_ = model.grid.commune.data.shape
    assert cell_at(model, 0.0, 0.0) == (0, h_ - 1) and cell_at(model, 0.999, 0.999) == (w - 1, 0)


def test_the_historical_line_is_the_registered_rate_and_safe_to_read_from_many_sessions():
    """Every session's thread draws the registered death rate; a pandas frame shared between those
    threads once crashed a render (SystemError in set_index under the 20-tab load test)."""
    from concurrent.futures import ThreadPoolExecutor

    from greatleap.history import national_record
    from greatleap.visualization.charts import history_values

    record = national_record()["cdr_registered"]
    expected = history_values(1957, 1962)
    assert expected[::12] == [pytest.approx(record[y]) for y in range(1957, 1963)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: history_values(1957, 1962), range(400)))
    assert all(r == expected for r in results)


def marker_label_boxes(option: dict, panel: int, width: float = 880) -> list[tuple[str, float, float, float, float]]:
    """(text, left, right, top, bottom) in px of every event and model-retreat label drawn over one
    panel at the chart box's narrowest width (880 px: app.py's CSS scrolls it below that), as
    ECharts places a vertical markLine's label: centred on its line, `distance` px above the plot."""

    def px(value, whole):
        return float(value[:-1]) / 100 * whole if isinstance(value, str) else float(value)

    grid = option["grid"][panel]
    height = 1000  # the old layout gave its rows in % of a 1000 px box
    left, grid_w, top = px(grid["left"], width), px(grid["width"], width), px(grid["top"], height)
    months = option["xAxis"][panel]["data"]
    boxes = []
    for s in option["series"]:
        if s.get("xAxisIndex") != panel or "markLine" not in s:
            continue
        style = s["markLine"].get("label", {})
        for item in s["markLine"]["data"]:
            text = item.get("name", "")
            if not text:
                continue
            label = {**style, **item.get("label", {})}
            font = label.get("fontSize", 12)
            glyph = 0.72 if label.get("fontWeight") == "bold" else 0.6  # em: bold "R", digits and commas
            x = left + months.index(item["xAxis"]) * grid_w / (len(months) - 1)
            bottom = top - label.get("distance", 5)
            half = len(text) * glyph * font / 2
            boxes.append((text, x - half, x + half, bottom - font, bottom))
    return boxes


def retreat_frame(first_year: int, last_year: int, retreat_at: int | None):
    """A monthly table with only the columns the markers read: the run retreats from month index `retreat_at`."""
    import pandas as pd

    n = (last_year - first_year + 1) * 12
    return pd.DataFrame({"year": [first_year + k // 12 for k in range(n)], "month": [k % 12 + 1 for k in range(n)],
                         "retreat": [int(retreat_at is not None and k >= retreat_at) for k in range(n)]})


@pytest.mark.parametrize("first_year,last_year", [(1957, 1962), (1955, 1970)])
def test_no_event_or_retreat_label_covers_another_on_the_narrowest_charts(first_year, last_year):
    """Events months apart ("2,3,4" in Aug-Oct 1958, 6 and 7 in Nov 1960 and May 1961) and each run's
    own retreat "R", wherever it falls, print apart: no two label boxes overlap in any panel, at the
    projector's width, for the historical calendar, over the default span and the longest allowed."""
    from greatleap.calendar import HISTORICAL
    from greatleap.visualization.charts import echarts_option, event_marks

    events = HISTORICAL.events()
    n = (last_year - first_year + 1) * 12
    starts = range(12 * (1958 - first_year), 12 * (1962 - first_year))  # the model retreats 1958-1961
    checked = 0
    for at in starts:
        for other in (at, at + 1, at + 2, at + 5, None):
            frames = [retreat_frame(first_year, last_year, at), retreat_frame(first_year, last_year, other)]
            option = echarts_option(frames, ["a", "b"], events, first_year, last_year)
            for panel in (0, len(option["grid"]) - 1):  # every panel draws the same markers
                boxes = marker_label_boxes(option, panel)
                texts = [b[0] for b in boxes]
                assert len(texts) >= len(event_marks(events, first_year, last_year)) // 2 + 1, texts
                assert "R" in texts
                for i, a in enumerate(boxes):
                    for b in boxes[i + 1:]:
                        apart = a[2] <= b[1] or b[2] <= a[1] or a[4] <= b[3] or b[4] <= a[3]
                        assert apart, f"labels {a[0]!r} and {b[0]!r} overlap (retreats at months {at}, {other} of {n})"
                checked += 1
    assert checked == 2 * 5 * len(starts)


def live_marker_rows(option: dict) -> list[tuple[str, int]]:
    """(text, row) of every marker label the live charts draw over their first panel."""
    from greatleap.visualization.charts import MARK_ROW

    rows = []
    for s in option["series"]:
        if s.get("xAxisIndex") == 0 and "markLine" in s:
            rows += [(item["name"], round((item["label"]["distance"] - 3) / MARK_ROW))
                     for item in s["markLine"]["data"] if item.get("name")]
    return sorted(rows)


def boxes_apart(a, b, slack: float = 0.5) -> bool:
    return a.x1 <= b.x0 + slack or b.x1 <= a.x0 + slack or a.y1 <= b.y0 + slack or b.y1 <= a.y0 + slack


@pytest.mark.parametrize("first_year,last_year,retreats", [
    (1957, 1962, ("Sep 1958", "Oct 1958")), (1955, 1970, ("Sep 1958", "Oct 1958")),
    (1955, 1970, ("Mar 1959", "Feb 1958")), (1957, 1962, ("Nov 1960", None))])
def test_the_png_stacks_marker_labels_in_the_live_charts_rows_and_nothing_covers_a_plot(first_year, last_year,
                                                                                      retreats):
    """The downloaded PNG draws the same event and retreat labels in the same rows as the live charts
    (events less than a few months apart on a row of their own, each run's R above them), and once
    rendered no label covers another label, a plot, a panel's title or legend, and no legend lies
    in a plot. The old PNG put every event label on one row ("1" and "2,3,4" overlapped over
    1955-1970), drew no R, and its legends sat inside the plots."""
    import re

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from greatleap.calendar import HISTORICAL
    from greatleap.visualization.chart_png import charts_figure
    from greatleap.visualization.charts import echarts_option, month_labels

    months = month_labels(first_year, last_year)
    frames = [retreat_frame(first_year, last_year, None if m is None else months.index(m)) for m in retreats]
    events = HISTORICAL.events()
    fig = charts_figure(frames, ["a", "b"], events, first_year, last_year, note="Seed 1; month 40 of 72")
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.get_title()]
    plots = [ax.bbox for ax in panels]
    live = live_marker_rows(echarts_option(frames, ["a", "b"], events, first_year, last_year))
    assert ("R", 1) in live or ("R", 2) in live  # the cases put an R above the events
    for ax in panels:
        labels = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts
                  if re.fullmatch(r"[0-9,]+|R", t.get_text())]
        levels = sorted({round(box.y0) for _, box in labels})
        assert sorted((text, levels.index(round(box.y0))) for text, box in labels) == live, ax.get_title()
        title, legend = ax.title.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)
        for i, (text, box) in enumerate(labels):
            for other, box2 in labels[i + 1:]:
                assert boxes_apart(box, box2), f"{ax.get_title()!r}: labels {text!r} and {other!r} overlap"
            for plot in plots:
                assert boxes_apart(box, plot), f"{ax.get_title()!r}: label {text!r} lies in a plot"
            assert boxes_apart(box, title) and boxes_apart(box, legend), f"{ax.get_title()!r}: label {text!r}"
        assert all(boxes_apart(legend, plot) for plot in plots), f"{ax.get_title()!r}: the legend lies in a plot"
        assert boxes_apart(legend, title), f"{ax.get_title()!r}: the legend covers the title"
        assert fig.bbox.contains(title.x0, title.y1) and fig.bbox.contains(legend.x1, legend.y0)
