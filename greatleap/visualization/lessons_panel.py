"""The Lessons panel: pick a lesson, predict, run, then read what to notice.

One click loads the lesson's preset (with its settings) and its comparison, and starts again at
month 0. The prediction question is shown first; "What to notice" appears when the run reaches
its last month, or earlier on **Show what to notice**. The controls the lesson uses are named in
the card and outlined in the settings column.

The panel does not own the settings: the page passes ``on_load(lesson)``, which sets the page's
scenario, settings and comparison and rebuilds the session (see ``lesson_values``).
"""

from __future__ import annotations

import html
from typing import Callable

import markdown
import solara

from greatleap.lessons import LESSONS, Lesson
from greatleap.lessons import text as lesson_text
from greatleap.params import PARAMS

SHOW_NOTICE = "Show what to notice"
HIDE_NOTICE = "Hide what to notice"
CLOSE = "Close lesson"


def lesson_values(lesson: Lesson, current: dict) -> dict:
    """The settings a lesson loads: its preset (with the dashboard's caps), the lesson's own
    settings on top, and the world size and seed-independent setup kept from ``current``."""
    from greatleap.visualization.controls import setup_values
    from greatleap.visualization.session import scenario_values

    return {**scenario_values(lesson.preset), **setup_values(current), **lesson.settings}


def as_html(text: str) -> str:
    """A lesson's Markdown (from our own lesson files) as HTML."""
    return markdown.markdown(text, extensions=["sane_lists"])


def button_label(lesson: Lesson) -> str:
    return f"{lesson.number}. {lesson.title}"


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def highlight_css(lesson: Lesson) -> str:
    """Outline the lesson's controls in the settings column. Every control carries its
    parameter's meaning as a ``title`` (the hover text), which identifies it without a change to
    the controls' code."""
    selectors = ",\n".join(f"[title={_css_string(PARAMS[name].meaning)}]" for name in lesson.controls)
    return (f"{selectors} {{ outline: 2px solid #b35806; outline-offset: 2px; "
            "background: #fee0b6; border-radius: 2px; }\n"
            ".gl-lesson-controls li { margin: 0; }")


@solara.component
def LessonCard(lesson: Lesson, session, tick: solara.Reactive[int], on_close: Callable[[], None]):
    tick.value  # subscribe: re-rendered each month, so "What to notice" appears when the run ends
    finished = not session.running
    shown = solara.use_reactive(False)
    # re-rendered every month while the run plays: read and fill the lesson's text once
    parts = solara.use_memo(lambda: lesson_text.sections(lesson), dependencies=[lesson.id])
    reveal = finished or shown.value
    solara.Style(highlight_css(lesson))
    with solara.Card(title=f"Lesson {lesson.number}", classes=["gl-lesson"], margin=0):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(lesson.title)}</b>", style="font-size: 15px")
        settings = "".join(f", {html.escape(PARAMS[k].label)} = {html.escape(lesson_text.shown(v))}"
                           for k, v in lesson.settings.items())
        solara.HTML(tag="div", unsafe_innerHTML=(
            f"Loaded: <b>Scenario</b> \u201c{html.escape(lesson.preset_title)}\u201d{settings}, "
            f"<b>Compare with</b> \u201c{html.escape(lesson.comparison_title)}\u201d."),
            classes=["gl-lesson-loaded"], style="font-size: 13px; margin-top: 6px")
        solara.HTML(tag="div", unsafe_innerHTML="<b>Predict first.</b> " + html.escape(lesson.question),
                    classes=["gl-lesson-question"], style="font-size: 14px; margin-top: 8px")
        items = "".join(f"<li>{html.escape(label)}</li>" for label in lesson.control_labels())
        solara.HTML(tag="div", unsafe_innerHTML=(
            "Controls this lesson uses (outlined when you open <b>Policy levers</b> and "
            f"<b>Uncertain assumptions</b> below):<ul>{items}</ul>"),
            classes=["gl-lesson-controls"], style="font-size: 13px; margin-top: 8px")
        solara.Text("Press Play. What to notice appears at the end of the run."
                    if not reveal else "What to notice", style="font-size: 13px; font-weight: 500")
        if reveal:
            # HTML made here, not solara.Markdown: that widget fetches KaTeX and mermaid from the
            # CDN on every mount, which an offline classroom does not have (and the text has no maths)
            with solara.Div(classes=["gl-lesson-notice"]):
                solara.HTML(tag="div", unsafe_innerHTML=as_html(
                    parts["What to notice"] + "\n\n**Discussion questions**\n\n" + parts["Discussion questions"]
                    + "\n\n**Things to try**\n\n" + parts["Things to try"]))
        with solara.Row(gap="4px", style="flex-wrap: wrap"):
            if not finished:
                solara.Button(HIDE_NOTICE if shown.value else SHOW_NOTICE, text=True, small=True,
                              on_click=lambda: shown.set(not shown.value), style="text-transform: none")
            solara.Button(CLOSE, text=True, small=True, on_click=on_close, style="text-transform: none")


@solara.component
def LessonsPanel(session, tick: solara.Reactive[int], on_load: Callable[[Lesson], None], expand: bool = False,
                 active: solara.Reactive | None = None):
    """The list of lessons, or the card of the one loaded, in a fold-out titled "Lessons"
    (folded at first, so that the page opens on the model). ``tick`` is the page's step counter;
    only an open lesson card follows it, so the list costs nothing while a run plays. ``active``
    (the loaded lesson's id) may be the page's, so the page can close the card when the settings
    it describes are changed."""
    own = solara.use_reactive(None)
    active = own if active is None else active

    def load(lesson: Lesson):
        active.set(lesson.id)
        on_load(lesson)

    current = next((item for item in LESSONS if item.id == active.value), None)
    with solara.Details(summary="Lessons", expand=expand):
        if current is None:
            with solara.Column(gap="2px", classes=["gl-lessons"]):
                for lesson in LESSONS:
                    solara.Button(button_label(lesson), text=True, on_click=lambda lesson=lesson: load(lesson),
                                  style="text-transform: none; justify-content: flex-start; "
                                        "white-space: normal; height: auto; text-align: left")
        else:
            LessonCard(current, session, tick, on_close=lambda: active.set(None))
