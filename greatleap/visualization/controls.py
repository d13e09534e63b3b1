"""The settings panel, generated from `greatleap.params.PARAMS`: no default, range or label is
written here. Switches for on/off parameters, drop-downs for rules, sliders for numbers."""

from __future__ import annotations

import html
from typing import Any

import ipyvuetify
import reacton
import solara

from greatleap.params import LEVER, PARAMS, SETUP, UNCERTAINTY, Param
from greatleap.visualization.session import UI_CAPS, control_params

# World-size controls shown at the top (the rest of the setup block keeps its defaults).
SIZE_CONTROLS = ("n_communes", "commune_side")
MECHANISM_TITLES = {
    "production": "Production", "labour": "Labour", "reporting": "Reporting of harvests",
    "careers": "Careers and purges", "procurement": "Quotas and procurement", "dining": "Dining halls",
    "coping": "Coping", "physiology": "Body and demography", "state": "The state", "model": "The world",
    "centre": "The centre's decisions", "registration": "Registering deaths", "provinces": "Provinces and leaders",
    "capital": "Farm capital and land", "planning": "The sown-area plan", "towns": "Towns",
}


def slider_step(p: Param) -> float:
    """About 100 positions across the range, on a 1-2-5 grid that the default and the lower
    bound sit on exactly (a slider snaps to its step, which would silently move the default)."""
    raw = (p.high - p.low) / 100
    candidates = sorted((m * 10.0 ** e for e in range(-5, 4) for m in (1, 2, 5)), reverse=True)
    for step in candidates:
        if step > raw * 1.0001:
            continue
        if all(abs(v / step - round(v / step)) < 1e-6 for v in (p.default, p.low)):
            return step
    return candidates[-1]


def shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def slider_high(p: Param) -> Any:
    """The slider's upper end: the parameter's, or the dashboard's cap on it (world size)."""
    return min(p.high, UI_CAPS.get(p.name, p.high)) if p.type is int else p.high


def range_html(low: Any, high: Any) -> str:
    """A slider's two ends, written under its track at the left and right."""
    return f"<span>{html.escape(shown(low))}</span><span>{html.escape(shown(high))}</span>"


# Vuetify puts a slider's label on the same line as the track, which leaves long labels a stub of
# a slider; we hide that label (it stays the slider's accessible name) and write our own line above,
# with the current value and unit, and the parameter's meaning as a hover tooltip.
CSS = """
.gl-param .v-input__slider .v-input__slot > .v-label { display: none; }
.gl-param .v-input__slider { margin-top: 0; }
.gl-param-label { font-size: 13px; margin-top: 6px; }
.gl-param-range { display: flex; justify-content: space-between; font-size: 11px; color: #555;
                  margin-top: -4px; }
"""


@solara.component
def ParamControl(p: Param, value: Any, on_change):
    """One parameter's control; `on_change(name, value)` receives what the user set."""
    def set_value(v):
        on_change(p.name, v)

    if p.type is bool:
        with solara.Div(attributes={"title": p.meaning}):
            solara.Switch(label=p.label, value=bool(value), on_value=set_value)
    elif p.choices:
        with solara.Div(attributes={"title": p.meaning}):
            solara.Select(label=p.label, values=list(p.choices), value=value, on_value=set_value)
    else:
        with solara.Column(gap="0px", classes=["gl-param"]):
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(f"{p.label}: {shown(value)} {p.unit}"),
                        classes=["gl-param-label"], attributes={"title": p.meaning})
            high = slider_high(p)
            # No tick_labels: solara's "end_points" is a list with one entry per slider position
            # (50,001 for a step of 2e-5), 180,000 over the settings, which the browser draws as
            # ticks and reacton walks on every render pass, a month's included, even though these
            # controls do not run again: open groups made a Step cost 9x more (issue 16).
            if p.type is int:
                solara.SliderInt(label=p.label, value=int(value), min=p.low, max=high, on_value=set_value)
            else:
                solara.SliderFloat(label=p.label, value=float(value), min=p.low, max=high, step=slider_step(p),
                                   on_value=set_value)
            solara.HTML(tag="div", unsafe_innerHTML=range_html(p.low, high), classes=["gl-param-range"])


@solara.component
def ParamGroup(title: str, params: list[Param], values: dict, on_change):
    """Controls of one kind, folded away until opened, with a heading per mechanism.

    Folded groups render nothing (solara.Details would build its hidden children anyway): the
    browser then holds no hidden sliders, and moving one slider redraws fewer widgets."""
    is_open, set_open = solara.use_state(False)
    with solara.Card(margin=0, elevation=1, classes=["gl-group"]):
        solara.Button(title, icon_name="mdi-chevron-up" if is_open else "mdi-chevron-down", text=True,
                      on_click=lambda: set_open(not is_open),
                      style="width: 100%; justify-content: flex-start; text-transform: none; font-size: 15px; "
                            "font-weight: 400; height: 48px")
        if is_open:
            with solara.Column(gap="0px"):
                mechanism = None
                for p in params:
                    if p.mechanism != mechanism:
                        mechanism = p.mechanism
                        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{MECHANISM_TITLES.get(mechanism, mechanism)}</b>",
                                    style="margin-top: 8px; font-size: 13px")
                    ParamControl(p, values[p.name], on_change)


@solara.component
def Settings(values: solara.Reactive[dict]):
    """World size, policy levers and uncertain assumptions; changes apply on Reset."""
    def on_change(name, value):
        values.set({**values.value, name: value})

    current = values.value
    solara.Style(CSS)
    for name in SIZE_CONTROLS:
        ParamControl(PARAMS[name], current[name], on_change)
    ParamGroup("Policy levers", control_params(LEVER), current, on_change)
    ParamGroup("Uncertain assumptions", control_params(UNCERTAINTY), current, on_change)


@solara.component
def SettingsApart(values: solara.Reactive[dict]):
    """`Settings`, drawn by a reacton render of its own into one box of the page. Each render pass
    of the page (one a month) walks every widget in its tree, re-reading every argument, even of
    components that did not run again: with both groups unfolded that is some 600 widgets, which
    doubled a Step. Apart, the settings are drawn only when the settings (or a fold) change, and a
    month's pass meets one box here. The values are the page's, so the page still sees them.
    Being a root of its own, the tree sees none of the page's contexts (solara.create_context
    providers, the route) and its errors reach whoever set the values: the settings use no
    context, and their rendering only reads `values`."""
    box = solara.use_memo(lambda: ipyvuetify.Html(tag="div", class_="gl-settings"), dependencies=[])

    def mount():
        _, context = reacton.render(Settings(values), container=box, handle_error=False)
        return context.close

    solara.use_effect(mount, dependencies=[])
    solara.Column(children=[box], gap="0px")


def setup_values(values: dict) -> dict:
    """The world's size and extent, which a scenario preset must not change."""
    return {k: v for k, v in values.items() if PARAMS[k].kind == SETUP}


__all__ = ["Settings", "SettingsApart", "ParamControl", "setup_values", "SIZE_CONTROLS", "UNCERTAINTY"]
