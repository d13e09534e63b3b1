"""The Info fold-out (NetLogo's Info tab): the README's WHAT IS IT?, HOW IT WORKS, THINGS TO
NOTICE and THINGS TO TRY, where to find the teacher's guide, the lessons and the model
description, and a one-line description of every preset."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import markdown

from greatleap.lessons.text import shown
from greatleap.params import PARAMS, SCENARIO_TITLES, SCENARIOS

SECTIONS = ("WHAT IS IT?", "HOW IT WORKS", "THINGS TO NOTICE", "THINGS TO TRY")
README = Path(__file__).resolve().parents[2] / "README.md"
GUIDES = ("In the project folder: the teacher's guide <code>docs/teaching.md</code>, the lessons "
          "<code>docs/lessons/</code>, the dashboard guide <code>docs/dashboard.md</code> and the model "
          "description <code>docs/ODD.md</code>.")


def preset_description(name: str) -> str:
    """What a preset changes from the historical baseline, in the controls' own labels."""
    moved = [f"{PARAMS[k].label} = {shown(v)}" for k, v in SCENARIOS[name].items() if PARAMS[k].default != v]
    return "The historical baseline: every policy as it was." if not moved else "Changes: " + "; ".join(moved) + "."


def _unlink(text: str) -> str:
    """Links to files of the repository cannot be followed from the page: keep the text and the path."""
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)


@lru_cache(maxsize=1)
def info_html() -> str:
    if README.is_file():
        text = README.read_text(encoding="utf-8")
        parts = re.split(r"^## ", text, flags=re.M)
        chosen = [p for p in parts if p.split("\n", 1)[0].strip() in SECTIONS]
        body = "\n\n".join("### " + _unlink(p) for p in chosen)
        readme = markdown.markdown(body, extensions=["tables", "sane_lists"])
    else:
        readme = "<p>The README is not installed with this copy; see the project's README.md.</p>"
    presets = "".join(f"<li><b>{html.escape(title)}</b>: {html.escape(preset_description(name))}</li>"
                      for name, title in SCENARIO_TITLES.items())
    return (f'<div class="gl-info">{readme}<h3>Where to read more</h3><p>{GUIDES}</p>'
            f"<h3>The presets</h3><ul>{presets}</ul></div>")
