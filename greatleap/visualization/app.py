"""The dashboard page: `solara run greatleap.visualization.app` (or `greatleap app`).

Every browser tab renders its own `Page`, which builds its own `Session` (its own models): a
model built at import time would be shared, and stepped, by every student in the room.
Only `LiveView` reads the step counter, so a step redraws the banner, the map(s) and the charts
but not the fifty-odd controls.
"""

from __future__ import annotations

import logging
import time

import solara

from greatleap.errors import InputError
from greatleap.lessons.text import shown
from greatleap.params import PARAMS, SCENARIO_TITLES, SETUP
from greatleap.visualization.chart_png import charts_png
from greatleap.visualization.charts import echarts_option
from greatleap.visualization.controls import Settings, setup_values
from greatleap.visualization.grid_view import LAYERS, grid_png, legend_html, share_scale
from greatleap.visualization.lessons_panel import LessonsPanel, lesson_values
from greatleap.visualization.session import Session, scenario_values

logger = logging.getLogger("greatleap.dashboard")
TITLE = "Great Leap Forward famine: an agent-based model"
NO_COMPARE = "Nothing (single run)"
SCENARIO_BY_TITLE = {title: name for name, title in SCENARIO_TITLES.items()}
ABOUT = ("A stylised model of mechanisms (inflated harvest reports, procurement, dining halls, "
         "labour campaigns, purges), not a reconstruction of any village. Each square is a household plot; "
         "the dotted black line on the death-rate chart is China's registered rate (State Statistical "
         "Bureau), which undercounts deaths.")


def banner_text(session: Session) -> tuple[str, str]:
    model = session.model
    if model.steps == 0:
        start = session.values["start_year"]
        return f"January {start}, before the first month", f"Month 0 of {session.total_steps}"
    return (f"{model.date_label()} \u2014 {model.regime_text()}",
            f"Month {model.steps} of {session.total_steps}")


def run_caption(run) -> str:
    if run.model.steps == 0:
        return f"{run.label}: not started"
    grid = run.model.grid
    alive, dead = int(grid.alive.data.sum()), int(grid.deaths.data.sum())
    return f"{run.label}: {alive:,} people alive on the plots, {dead:,} deaths so far"


def run_settings(run) -> str:
    """What this run changes from the historical baseline, read from the model's own parameters,
    so a comparison can be checked on screen (a copy of the other run would say so)."""
    base = scenario_values("baseline")
    moved = [f"{PARAMS[k].label} = {shown(v)}" for k, v in run.model.p.items()
             if k in PARAMS and PARAMS[k].kind != SETUP and base.get(k) != v]
    return "Changed from the baseline: " + ("; ".join(moved) if moved else "nothing")


def wait_until_drawn(session: Session, tick: int, timeout: float = 2.0) -> None:
    """Wait until the views have drawn month `tick`. If the model thread set the next month while
    another thread (a click's) is still rendering, that thread renders it too, and again, and so
    never returns to read the next click: Pause would be ignored until the run ends."""
    deadline = time.monotonic() + timeout
    while session.drawn < tick and time.monotonic() < deadline:
        time.sleep(0.005)


@solara.component
def LiveView(session: Session, tick: solara.Reactive[int], layer: solara.Reactive[str]):
    drawing = tick.value  # subscribe: re-render after every step or reset

    def mark_drawn():  # effects run once the render pass has updated the widgets
        session.drawn = max(session.drawn, drawing)

    solara.use_effect(mark_drawn, dependencies=[drawing])
    if not session.runs:  # the tab is closing and its models are gone
        return
    with session.lock:
        headline, counter = banner_text(session)
        scale_key = id(session.model)  # new after Reset: scales start again
        top = share_scale([run.model for run in session.runs], layer.value, scale_key)
        maps = [(run_caption(run), run_settings(run), grid_png(run.model, layer.value, scale_key))
                for run in session.runs]
        frames = [run.model.monthly_frame() for run in session.runs]
        labels = [run.label for run in session.runs]
        events = session.model.calendar.events()
    with solara.Row(style="align-items: baseline; gap: 24px"):
        solara.Text(headline, classes=["gl-banner"], style="font-size: 24px; font-weight: 500")
        solara.Text(counter, classes=["gl-counter"], style="font-size: 16px; white-space: nowrap")
    with solara.Row(style="align-items: center; gap: 16px"):
        solara.Text("Map layer:")
        solara.ToggleButtonsSingle(value=layer, values=list(LAYERS))
    with solara.Row(style="gap: 24px; flex-wrap: wrap; align-items: flex-start"):
        for caption, changed, png in maps:
            with solara.Column(gap="4px", classes=["gl-map"], style="max-width: 440px"):
                solara.Text(caption, style="font-size: 14px")
                solara.Text(changed, classes=["gl-run-settings"], style="font-size: 12px; color: #444")
                solara.Image(png)
        solara.HTML(tag="div", unsafe_innerHTML=legend_html(layer.value, top))
    solara.FigureEcharts(option=echarts_option(frames, labels, events, session.values["start_year"],
                                               session.values["end_year"]),
                         attributes={"style": "height: 680px; width: 100%", "class": "gl-charts"})


@solara.component
def Transport(session: Session, tick: solara.Reactive[int], playing: solara.Reactive[bool], on_step, on_reset):
    """Play/Pause, Step, Reset: re-rendered each month so they grey out when the run ends."""
    tick.value  # subscribe
    with solara.Row(gap="8px"):
        solara.Button("Pause" if playing.value else "Play", color="primary",
                      on_click=lambda: playing.set(not playing.value), disabled=not session.running)
        solara.Button("Step", color="primary", on_click=on_step, disabled=playing.value or not session.running)
        solara.Button("Reset", color="primary", on_click=on_reset)


@solara.component
def Downloads(session: Session):
    def csv():
        return session.csv_bytes()

    def png():
        with session.lock:
            frames = [run.model.monthly_frame() for run in session.runs]
            labels = [run.label for run in session.runs]
        return charts_png(frames, labels, session.model.calendar.events(), session.values["start_year"],
                          session.values["end_year"])

    solara.FileDownload(csv, filename="greatleap_monthly.csv", label="Download monthly series (CSV)",
                        mime_type="text/csv")
    solara.FileDownload(png, filename="greatleap_charts.png", label="Download charts (PNG)",
                        mime_type="image/png")


@solara.component
def Page(session: Session | None = None):
    """The whole dashboard. `session` is for tests; a browser tab always gets a fresh one."""
    session = solara.use_memo(lambda: session or Session(), dependencies=[])  # one per browser tab
    solara.use_effect(lambda: session.close, dependencies=[])  # on tab close: free its models
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4)
    layer = solara.use_reactive("Hunger")
    values = solara.use_reactive(dict(session.values))
    seed = solara.use_reactive(session.seed)
    scenario = solara.use_reactive(session.scenario)
    compare = solara.use_reactive(NO_COMPARE)
    error = solara.use_reactive(None)
    applied = solara.use_reactive((dict(session.values), session.seed))  # what the run was built from

    def rebuild():
        playing.set(False)
        try:
            with session.lock:
                session.rebuild(values.value, seed.value, scenario.value,
                                SCENARIO_BY_TITLE.get(compare.value))
            applied.set((dict(session.values), session.seed))
            error.set(None)
        except InputError as exc:
            error.set(str(exc))
        tick.set(tick.value + 1)

    def step_once():
        try:
            session.step()
        except Exception:  # a model bug: say so on the page; the details (paths...) go to the log only
            logger.exception("the model failed to step (seed %s, scenario %s)", session.seed, session.scenario)
            playing.set(False)
            error.set("The model stopped with an error. The details are in the server's log; "
                      "press Reset to start again.")
        finally:
            tick.set(tick.value + 1)

    def play_loop():
        # runs in a thread while `playing`; paced to the speed slider, never faster than the model.
        # Pause then Play within one month starts a new loop before the old one has seen the
        # pause: the generation number makes the old one stop, so two loops never step together.
        with session.lock:
            session.play_generation += 1
            me = session.play_generation
        while playing.value and session.play_generation == me:
            started = time.monotonic()
            if not session.running:
                playing.set(False)
                break
            step_once()
            wait_until_drawn(session, tick.value)
            # always yield a little, so the thread carrying the browser's clicks gets the CPU
            time.sleep(max(0.03, 1.0 / speed.value - (time.monotonic() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def choose_scenario(title):
        name = SCENARIO_BY_TITLE[title]
        scenario.set(name)
        values.set({**scenario_values(name), **setup_values(values.value)})
        rebuild()

    def choose_compare(title):
        compare.set(title)
        rebuild()

    def load_lesson(item):
        # a lesson is a Scenario, settings on top, and a Compare with, chosen in one click
        scenario.set(item.preset)
        values.set(lesson_values(item, values.value))
        compare.set(SCENARIO_TITLES[item.comparison] if item.comparison else NO_COMPARE)
        rebuild()

    pending = (values.value, seed.value) != applied.value
    solara.Title(TITLE)
    with solara.Columns([1, 3]):
        with solara.Column(gap="8px"):
            solara.HTML(tag="h3", unsafe_innerHTML=TITLE)
            Transport(session, tick, playing, step_once, rebuild)
            solara.SliderInt("Speed (months per second)", value=speed, min=1, max=12, tick_labels="end_points")
            LessonsPanel(session, tick, load_lesson)
            solara.Select("Scenario", values=list(SCENARIO_BY_TITLE), value=SCENARIO_TITLES[scenario.value],
                          on_value=choose_scenario)
            solara.Select("Compare with", values=[NO_COMPARE] + [t for t in SCENARIO_BY_TITLE],
                          value=compare.value, on_value=choose_compare)
            solara.InputInt("Seed", value=seed, continuous_update=True)
            if pending:
                solara.Warning("Settings changed: press Reset to start again with them.", dense=True)
            if error.value:
                solara.Error(error.value)
            Settings(values)
            Downloads(session)
            solara.HTML(tag="p", unsafe_innerHTML=ABOUT, style="font-size: 12px; color: #444")
        with solara.Column():
            LiveView(session, tick, layer)

