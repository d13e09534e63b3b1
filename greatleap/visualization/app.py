"""The dashboard page: `solara run greatleap.visualization.app` (or `greatleap app`).

Every browser tab renders its own `Page`, which builds its own `Session` (its own models): a
model built at import time would be shared, and stepped, by every student in the room.
The views that show the month (`LiveView`, the transport, the ensemble note, a lesson card) follow
the page's counter, bumped once per Step in one render pass (`redraw`); the settings are drawn by a
render of their own (`controls.SettingsApart`), which a month never walks.
"""

from __future__ import annotations

import base64
import html
import logging
import time
from pathlib import Path
from typing import Any, Callable

import reacton.core
import solara
from solara.components.echarts import EchartsWidget

from greatleap.errors import InputError
from greatleap.lessons.text import shown
from greatleap.params import PARAMS, SCENARIO_TITLES, SETUP, validate
from greatleap.visualization.chart_png import charts_png
from greatleap.visualization.charts import chart_height, echarts_option
from greatleap.visualization.controls import SettingsApart, setup_values
from greatleap.visualization.info import info_html as INFO_HTML
from greatleap.visualization.inspector import cell_at, describe
from greatleap.visualization.info import preset_description
from greatleap.visualization.grid_view import LAYERS, aggregated, grid_png, legend_html, share_scale
from greatleap.visualization.monitors import CSS as MONITOR_CSS
from greatleap.visualization.monitors import monitors_html
from greatleap.visualization.lessons_panel import LessonsPanel, lesson_values
from greatleap.visualization.session import FIXED, Session, code_version, scenario_values

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


def map_description(model, layer_label: str) -> str:
    """The map in words (its text alternative, and what a square stands for at this size)."""
    commune = model.grid.commune.data
    n = len(set(commune[commune >= 0].ravel().tolist()))
    plots = int((commune >= 0).sum())
    unit = (f"each square is a commune ({n} communes, {plots:,} household plots, too small to draw "
            "one by one), coloured by its mean") if aggregated(model) else \
        f"each square is a household plot ({plots:,} plots in {n} communes), coloured by its"
    return f"Map: {unit} {layer_label.lower()}; dots mark deaths, black squares died out."


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


def redraw(tick: solara.Reactive[int], render_context) -> None:
    """Move the page's counter (`tick`: a month stepped, a rebuild, an ensemble done) on, so that
    every view following it draws anew, in one render pass.
    Solara fires each subscriber (the banner, map and charts; the transport; the ensemble note;
    a lesson card) in a batch of its own, which ends in a pass of its own, and each pass of
    reacton's renderer walks the whole page, unfolded settings included: a Step made three."""
    with render_context:  # one batch round them all: the pass runs once, as it closes
        tick.set(tick.value + 1)


@solara.component
def LiveView(session: Session, tick: solara.Reactive[int], layer: solara.Reactive[str]):
    drawing = tick.value  # subscribe: re-render after every step or reset

    def mark_drawn():  # effects run once the render pass has updated the widgets
        session.drawn = max(session.drawn, drawing)

    solara.use_effect(mark_drawn, dependencies=[drawing])
    picked = solara.use_reactive(None)  # (run, x, y) of the last plot clicked on a map
    # The charts are one widget made once per view and given its option (thousands of numbers)
    # directly, not as an element argument: reacton walks every list and dict of an element's
    # arguments looking for child elements, which cost more than the model's month at 100k people.
    charts = solara.use_memo(lambda: EchartsWidget(option={}, attributes={
        "style": "height: 1000px; width: 100%", "class": "gl-charts"}, responsive=True), dependencies=[])
    solara.use_effect(lambda: charts.close, dependencies=[])  # reacton does not own it: close it with the view
    if not session.runs:  # the tab is closing and its models are gone
        return
    with session.lock:
        headline, counter = banner_text(session)
        scale_key = id(session.model)  # new after Reset: scales start again
        top = share_scale([run.model for run in session.runs], layer.value, scale_key)
        maps = [(run_caption(run), run_settings(run), grid_png(run.model, layer.value, scale_key))
                for run in session.runs]
        inspected = None
        if picked.value is not None and picked.value[0] < len(session.runs):
            run_index, x, y = picked.value
            inspected = (session.runs[run_index].label, describe(session.runs[run_index].model, x, y))
        frames = [run.model.monthly_frame() for run in session.runs]
        labels = [run.label for run in session.runs]
        events = session.model.calendar.events()
        seeds = [run.seed for run in session.runs]
        ensemble = session.ensemble.frames if session.ensemble is not None else None

        map_alt = map_description(session.model, layer.value)
    with solara.Row(style="align-items: baseline; gap: 24px"):
        solara.Text(headline, classes=["gl-banner"], style="font-size: 24px; font-weight: 500")
        solara.Text(counter, classes=["gl-counter"], style="font-size: 16px; white-space: nowrap")
        solara.Text(f"Seed {session.seed}", classes=["gl-seed"], style="font-size: 16px; white-space: nowrap")
    solara.Style(MONITOR_CSS)
    solara.HTML(tag="div", unsafe_innerHTML=monitors_html(frames, labels, seeds))
    with solara.Row(style="align-items: center; gap: 16px; flex-wrap: wrap"):
        solara.Text("Map layer:")
        solara.ToggleButtonsSingle(value=layer, values=list(LAYERS))
    with solara.Div(classes=["gl-maps"]):
        for r, (caption, changed, png) in enumerate(maps):
            with solara.Column(gap="4px", classes=["gl-map"]):
                solara.Text(caption, style="font-size: 14px")
                solara.Text(changed, classes=["gl-run-settings"], style="font-size: 12px; color: #444")

                def pick(where, r=r):  # looks the model up at click time: holds no model itself
                    if r < len(session.runs):
                        picked.set((r, *cell_at(session.runs[r].model, float(where["x"]), float(where["y"]))))

                MapImage(src="data:image/png;base64," + base64.b64encode(png).decode(), alt=map_alt,
                         event_pick=pick)
                solara.Text(map_alt, classes=["gl-map-alt"], style="font-size: 12px; color: #444")
    if inspected is not None:
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(inspected[0])}</b>: " + inspected[1],
                    style="font-size: 13px")
    else:
        solara.Text("Click a plot on the map to see its household, its cadre or official.",
                    style="font-size: 12px; color: #444")
    solara.HTML(tag="div", unsafe_innerHTML=legend_html(layer.value, top))
    charts.option = echarts_option(frames, labels, events, session.values["start_year"], session.values["end_year"],
                                   ensemble=ensemble)
    # tall enough for every panel's legend and rows of event labels (set only when it changes)
    style = f"height: {chart_height(events, session.values['start_year'], session.values['end_year'])}px; width: 100%"
    if charts.attributes.get("style") != style:
        charts.attributes = {**charts.attributes, "style": style}
    with solara.Div(classes=["gl-charts-scroll"]):  # a phone scrolls the charts sideways, not the page
        solara.Column(children=[charts], style="width: 100%")


@solara.component
def Transport(session: Session, tick: solara.Reactive[int], playing: solara.Reactive[bool], on_step, on_reset,
              blocked: bool = False):
    """Play/Pause, Step, Reset: re-rendered each month so they grey out when the run ends, and
    while an error or a rebuild stands (Step must not advance the run an error left behind)."""
    tick.value  # subscribe
    can_run = session.running and not blocked
    with solara.Row(gap="8px", style="flex-wrap: wrap"):
        solara.Button("Pause" if playing.value else "Play", color="primary",
                      on_click=lambda: playing.set(not playing.value), disabled=not can_run)
        solara.Button("Step", color="primary", on_click=on_step, disabled=playing.value or not can_run)
        solara.Button("Reset", color="primary", on_click=on_reset)


ENSEMBLE_SEEDS = 10


@solara.component
def EnsembleControl(session: Session, tick: solara.Reactive[int], blocked: bool):
    """"Run 10 seeds": the current settings (and the comparison) over seeds 1-10 in worker
    processes, with a progress bar; the charts then draw each series' median and 10-90% band."""
    tick.value  # subscribe: the note follows rebuilds (which drop the ensemble)
    render_context = reacton.core.get_render_context()  # for the work thread (redraw)
    progress = solara.use_reactive((0, 0))
    requests = solara.use_reactive(0)
    failure = solara.use_reactive(None)

    def work():
        if requests.value == 0:
            return
        try:
            session.run_ensemble(ENSEMBLE_SEEDS, progress=lambda done, total: progress.set((done, total)))
            failure.set(None)
        except Exception:  # noqa: BLE001 - say so on the page; the details go to the log
            logger.exception("the ensemble failed (scenario %s)", session.scenario)
            failure.set("The ensemble stopped with an error; the details are in the server's log.")
        finally:
            redraw(tick, render_context)

    task = solara.lab.use_task(work, dependencies=[requests.value], prefer_threaded=True)
    running = requests.value > 0 and task.pending

    def start():
        progress.set((0, ENSEMBLE_SEEDS * len(session.runs)))
        requests.set(requests.value + 1)

    with solara.Column(gap="2px", classes=["gl-ensemble"]):
        solara.Button(f"Run {ENSEMBLE_SEEDS} seeds", on_click=start, disabled=blocked or running,
                      style="text-transform: none")
        done, total = progress.value
        if running:
            solara.ProgressLinear(100 * done / max(total, 1), classes=["gl-ensemble-progress"])
            solara.Text(f"{done} of {total} whole runs done", style="font-size: 12px")
        elif failure.value:
            solara.Error(failure.value)
        elif session.ensemble is not None:
            solara.Text(f"Charts: median (dotted) and 10\u201390% band (shaded) of seeds 1\u2013"
                        f"{len(session.ensemble.seeds)}, for {len(session.runs)} setting(s).",
                        classes=["gl-ensemble-done"], style="font-size: 12px")


@solara.component
def Downloads(session: Session):
    def csv():
        return session.csv_bytes()

    def png():
        with session.lock:
            frames = [run.model.monthly_frame() for run in session.runs]
            labels = [run.label for run in session.runs]
            note = (f"Seed {session.seed}; month {session.model.steps} of {session.total_steps}"
                    + (f" ({frames[0]['date'].iloc[-1]})" if session.model.steps else "")
                    + f"; greatleap {code_version()}")
        return charts_png(frames, labels, session.model.calendar.events(), session.values["start_year"],
                          session.values["end_year"], note=note)

    solara.FileDownload(csv, filename="greatleap_monthly.csv", label="Download monthly series (CSV)",
                        mime_type="text/csv")
    solara.FileDownload(png, filename="greatleap_charts.png", label="Download charts (PNG)",
                        mime_type="image/png")


def parse_seed(text) -> int:
    """The Seed box's text as a seed, or a one-line error: whole numbers >= 0 only, never a
    rounded or reinterpreted number ("3.5" and "1e6" are refused, not run as 3 or 2147483648)."""
    stripped = str(text if text is not None else "").strip()
    if not stripped.isdigit() or not stripped.isascii():
        raise InputError("seed", f"got {stripped!r}; allowed: a whole number >= 0, such as 1 or 42")
    return int(stripped)


def seed_problem(text) -> str | None:
    try:
        parse_seed(text)
    except InputError as exc:
        return str(exc)
    return None


@solara.component_vue(str(Path(__file__).with_name("map_click.vue")))
def MapImage(src: str, alt: str, event_pick: Callable[[Any], None]):
    """The map image; `event_pick({"x", "y"})` gets a click's place as fractions of the image."""


@solara.component_vue(str(Path(__file__).with_name("page_keys.vue")))
def PageKeys(event_play_pause: Callable[[Any], None]):
    """Sets `lang="en"` on the page and calls `event_play_pause` when Space is pressed."""

# The "This website runs on Solara" badge sits over the chart key (the server also turns it off,
# see assets.server_env); the loading bar keeps its place so the page does not jump.
PAGE_CSS = """
.gl-loading-slot { height: 4px; }
.gl-layout { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; padding: 0 8px; }
.gl-side { flex: 1 1 280px; min-width: 260px; max-width: 380px; }
.gl-main { flex: 3 1 560px; min-width: 0; }
@media (max-width: 700px) { .gl-side { max-width: none; } }
.gl-maps { display: flex; gap: 16px; align-items: flex-start; flex-wrap: nowrap; }
.gl-map { flex: 1 1 0; min-width: 0; max-width: 440px; }
.gl-map img { width: 100%; height: auto; image-rendering: pixelated; }
.gl-charts-scroll { overflow-x: auto; width: 100%; }
.gl-charts-scroll .gl-charts { min-width: 880px; }
.gl-speed .v-input__slider .v-input__slot > .v-label { display: none; }
"""


@solara.component
def Page(session: Session | None = None):
    """The whole dashboard. `session` is for tests; a browser tab always gets a fresh one."""
    session = solara.use_memo(lambda: session or Session(), dependencies=[])  # one per browser tab
    solara.use_effect(lambda: session.close, dependencies=[])  # on tab close: free its models
    tick = solara.use_reactive(0)
    render_context = reacton.core.get_render_context()  # for the threads' redraws (redraw)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4)
    layer = solara.use_reactive("Hunger")
    values = solara.use_reactive(dict(session.values))
    seed_text = solara.use_reactive(str(session.seed))
    scenario = solara.use_reactive(session.scenario)
    compare = solara.use_reactive(NO_COMPARE)
    # an input error stands only while the inputs it was about are unchanged: (message, inputs)
    error = solara.use_reactive(None)
    failed = solara.use_reactive(False)  # the model raised: Step stays off until Reset
    building = solara.use_reactive(False)  # a rebuild is running (the loading bar shows)
    requests = solara.use_reactive(0)  # bumped to ask for a rebuild, which runs in a thread
    applied = solara.use_reactive((dict(session.values), session.seed))  # what the run was built from
    lesson_id = solara.use_reactive(None)  # the lesson whose card is open
    lesson_loaded = solara.use_reactive(None)  # (scenario, compare, values) that lesson loaded

    def inputs():
        return (dict(values.value), seed_text.value, scenario.value, compare.value)

    def request_rebuild():
        playing.set(False)
        building.set(True)
        requests.set(requests.value + 1)

    def rebuild():
        me = requests.value
        if me == 0:  # first render: the session is already built
            return
        # one rebuild at a time, and only the latest request builds: a Scenario then a Compare
        # chosen within a second must not end with the first one's runs
        with session.build_lock:
            if requests.value != me:
                return
            build(me)

    def build(me):
        try:
            try:
                seed = parse_seed(seed_text.value)
                with session.lock:
                    session.play_generation += 1  # a Play loop still finishing its month stops
                session.rebuild(values.value, seed, scenario.value, SCENARIO_BY_TITLE.get(compare.value))
                applied.set((dict(session.values), session.seed))
                error.set(None)
                failed.set(False)
            except InputError as exc:
                error.set((str(exc), inputs()))
            except Exception:  # a model bug while building (the spin-up steps the model): as in Step
                logger.exception("the model failed while it was built (seed %s, scenario %s)",
                                 seed_text.value, scenario.value)
                failed.set(True)
                error.set(("The model stopped with an error while it was being built. The details are in "
                           "the server's log; change the settings and press Reset to try again.", None))
        finally:
            redraw(tick, render_context)  # redraw the new runs first, then take the loading bar away
            if requests.value == me:
                building.set(False)

    solara.lab.use_task(rebuild, dependencies=[requests.value], prefer_threaded=True)

    def step_once():
        try:
            session.step()
        except Exception:  # a model bug: say so on the page; the details (paths...) go to the log only
            logger.exception("the model failed to step (seed %s, scenario %s)", session.seed, session.scenario)
            playing.set(False)
            failed.set(True)
            error.set(("The model stopped with an error. The details are in the server's log; "
                       "press Reset to start again.", None))
        finally:
            redraw(tick, render_context)

    def play_loop():
        # runs in a thread while `playing`; paced to the speed slider, never faster than the model.
        # Pause then Play within one month starts a new loop before the old one has seen the
        # pause: the generation number makes the old one stop, so two loops never step together.
        with session.lock:
            session.play_generation += 1
            me = session.play_generation
        while playing.value and session.play_generation == me:
            started = time.monotonic()
            if not session.running or failed.value:
                playing.set(False)
                break
            step_once()
            wait_until_drawn(session, tick.value)
            # always yield a little, so the thread carrying the browser's clicks gets the CPU
            time.sleep(max(0.03, 1.0 / speed.value - (time.monotonic() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def checked(settings):
        try:
            return validate({**settings, **FIXED})
        except InputError:
            return None

    def close_lesson_unless_still(name, compared, settings):
        """The lesson card describes the settings it loaded: close it once they are changed
        (compared as the session stores them: the page's copy follows the session's)."""
        if lesson_id.value is not None and lesson_loaded.value != (name, compared, checked(settings)):
            lesson_id.set(None)

    def choose_scenario(title):
        name = SCENARIO_BY_TITLE[title]
        scenario.set(name)
        values.set({**scenario_values(name), **setup_values(values.value)})
        close_lesson_unless_still(name, compare.value, values.value)
        request_rebuild()

    def choose_compare(title):
        compare.set(title)
        close_lesson_unless_still(scenario.value, title, values.value)
        request_rebuild()

    def reset():
        close_lesson_unless_still(scenario.value, compare.value, values.value)
        request_rebuild()

    def load_lesson(item):
        # a lesson is a Scenario, settings on top, and a Compare with, chosen in one click
        scenario.set(item.preset)
        values.set(lesson_values(item, values.value))
        compare.set(SCENARIO_TITLES[item.comparison] if item.comparison else NO_COMPARE)
        lesson_loaded.set((scenario.value, compare.value, checked(values.value)))
        request_rebuild()

    def toggle_play():
        if playing.value or (session.running and not blocked):
            playing.set(not playing.value)

    seed_error = seed_problem(seed_text.value)
    shown_error = None
    if error.value is not None and (error.value[1] is None or error.value[1] == inputs()):
        shown_error = error.value[0]  # an input error disappears as soon as its input changes
    blocked = building.value or failed.value or shown_error is not None or seed_error is not None
    pending = seed_error is None and (values.value, parse_seed(seed_text.value)) != applied.value
    solara.Title(TITLE)
    PageKeys(event_play_pause=lambda *_: toggle_play())
    solara.Style(PAGE_CSS)
    with solara.Div(classes=["gl-layout"]):
        with solara.Column(gap="8px", classes=["gl-side"]):
            solara.HTML(tag="h3", unsafe_innerHTML=TITLE)
            Transport(session, tick, playing, step_once, reset, blocked=blocked)
            EnsembleControl(session, tick, blocked)
            with solara.Div(classes=["gl-loading-slot"]):
                if building.value:
                    solara.ProgressLinear(True, classes=["gl-loading"])
            with solara.Column(gap="0px", classes=["gl-speed"]):  # label above: inline it left a stub
                solara.Text(f"Speed (months per second): {speed.value}", style="font-size: 13px")
                solara.SliderInt("Speed (months per second)", value=speed, min=1, max=12, tick_labels="end_points")
            LessonsPanel(session, tick, load_lesson, active=lesson_id)
            solara.Select("Scenario", values=list(SCENARIO_BY_TITLE), value=SCENARIO_TITLES[scenario.value],
                          on_value=choose_scenario)
            solara.Text(preset_description(scenario.value), classes=["gl-preset-note"],
                        style="font-size: 12px; color: #444")
            solara.Select("Compare with", values=[NO_COMPARE] + [t for t in SCENARIO_BY_TITLE],
                          value=compare.value, on_value=choose_compare)
            # always there (empty in a single run), so that the settings below never shift and fold up
            solara.Text(preset_description(SCENARIO_BY_TITLE[compare.value]) if compare.value in SCENARIO_BY_TITLE
                        else "", classes=["gl-preset-note"], style="font-size: 12px; color: #444")
            solara.InputText("Seed", value=seed_text, continuous_update=True, error=seed_error or False,
                             classes=["gl-seed-input"])
            # always there, so that a message coming or going never shifts (and so remounts,
            # folding up) the settings below
            with solara.Column(gap="4px", classes=["gl-messages"]):
                if pending and not building.value:
                    solara.Warning("Settings changed: press Reset to start again with them.", dense=True)
                if shown_error:
                    solara.Error(shown_error, classes=["gl-error"])
            SettingsApart(values)
            Downloads(session)
            solara.HTML(tag="p", unsafe_innerHTML=ABOUT, style="font-size: 12px; color: #444")
            with solara.Details(summary="Info: what is it, how it works, things to notice and try"):
                solara.HTML(tag="div", unsafe_innerHTML=INFO_HTML(), style="font-size: 13px")
        with solara.Column(classes=["gl-main"]):
            LiveView(session, tick, layer)
