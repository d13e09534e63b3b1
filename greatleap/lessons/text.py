"""A lesson's text: its Markdown file with the generated parts filled in.

The file ``greatleap/lessons/<id>.md`` holds the prose, in sections (``## Historical context``,
``## Steps``, ``## What to notice``, ``## Discussion questions``, ``## Things to try``,
``## Sources``). Two kinds of placeholder are filled from the registry:

- ``{{steps}}``: the dashboard steps, with the exact labels of the controls (generated from the
  lesson's preset, comparison and settings, so a renamed preset or label changes the text too);
- ``{{claim:<id>}}``: the sentence of one of the lesson's claims, with its tested threshold (and,
  for a pending claim, a note that the model does not hold it at present).

``render(lesson)`` gives the whole page (title and prediction question first); ``docs/lessons/``
holds these pages for readers, written by ``python -m greatleap.lessons docs``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from greatleap import atomic
from greatleap.lessons.registry import LESSONS, Lesson
from greatleap.params import PARAMS

PLACEHOLDER = re.compile(r"\{\{([a-z_]+)(?::([a-z0-9_]+))?\}\}")
SECTIONS = ("Historical context", "Steps", "What to notice", "Discussion questions", "Things to try", "Sources")


def source(lesson: Lesson) -> str:
    """The lesson's Markdown file as shipped with the package."""
    return resources.files("greatleap.lessons").joinpath(f"{lesson.id}.md").read_text(encoding="utf-8")


def shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def steps(lesson: Lesson) -> str:
    """Numbered dashboard steps, with the labels exactly as they appear on screen."""
    lines = [
        "Open the **Lessons** fold-out (left column, under **Speed (months per second)**) and click "
        f"**{lesson.number}. {lesson.title}**. This does steps 1 to 3 for you; to do them by hand:",
        "",
        f"1. **Scenario**: choose \"{lesson.preset_title}\".",
    ]
    if lesson.settings:
        changes = "; ".join(f"\"{PARAMS[k].label}\" to {shown(v)}" for k, v in lesson.settings.items())
        lines.append(f"2. Under **Policy levers**, set {changes}, then press **Reset**.")
    else:
        lines.append("2. Leave the other settings as the preset sets them.")
    lines += [
        f"3. **Compare with**: choose \"{lesson.comparison_title}\". The comparison runs beside "
        "the first from the same seed (dashed lines on the charts, second map).",
        "4. Ask the class the prediction question above, and write the answers on the board.",
        "5. Press **Play**. The run stops by itself in December 1962 (month 72). Use **Step** to go "
        "one month at a time through the months that matter.",
    ]
    return "\n".join(lines)


def fill(lesson: Lesson, text: str) -> str:
    def sub(match):
        kind, arg = match.group(1), match.group(2)
        if kind == "steps" and arg is None:
            return steps(lesson)
        if kind == "claim" and arg:
            claim = lesson.claim(arg)
            # a claim the model does not hold at present says so, rather than teach it as true
            return claim.sentence() + (" (not true of the model at present: it awaits re-calibration)"
                                       if claim.pending else "")
        raise KeyError(f"lesson {lesson.id}: unknown placeholder {match.group(0)}")

    return PLACEHOLDER.sub(sub, text)


# how a lesson names what is on the screen: the **Deaths by cause** chart, the **People alive** monitor
SCREEN_REFERENCE = re.compile(r"\*\*([^*]+?)\*\* (chart|monitor)\b")


def screen_references(text: str) -> list[tuple[str, str]]:
    """(kind, title) of each chart and monitor a text names, in order, each once ("chart" or
    "monitor", and the title as on screen). Line breaks inside a title count as spaces."""
    flat = re.sub(r"\s+", " ", text)
    return list(dict.fromkeys((kind, title) for title, kind in SCREEN_REFERENCE.findall(flat)))


def notice_items(lesson: Lesson) -> list[str]:
    """The items of the lesson's "What to notice" list (nested items apart), filled in."""
    items: list[str] = []
    for line in sections(lesson)["What to notice"].splitlines():
        if line.lstrip().startswith("- "):
            items.append(line.lstrip()[2:])
        elif items and line.strip():
            items[-1] += " " + line.strip()
    return items


def placeholders(text: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)]


def sections(lesson: Lesson) -> dict[str, str]:
    """The filled text of each ``## `` section, by heading."""
    out: dict[str, str] = {}
    heading = None
    for line in fill(lesson, source(lesson)).splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            out[heading] = ""
        elif heading is not None:
            out[heading] += line + "\n"
    return {k: v.strip() + "\n" for k, v in out.items()}


def render(lesson: Lesson) -> str:
    """The whole lesson page: title, the question to predict, then the sections in order."""
    parts = [
        f"# Lesson {lesson.number}: {lesson.title}",
        "",
        f"*Scenario* \"{lesson.preset_title}\", *compared with* \"{lesson.comparison_title}\". "
        f"Controls it uses: {', '.join(chr(34) + label + chr(34) for label in lesson.control_labels())}.",
        "",
        "**Predict first.** " + lesson.question,
        "",
    ]
    body = sections(lesson)
    for heading in SECTIONS:
        parts += [f"## {heading}", "", body[heading].rstrip(), ""]
    parts += ["---", "",
              "*Every number in \"What to notice\" is checked against the model over several seeds by "
              "`tests/test_lessons_claims.py`; `python -m greatleap.lessons check` prints the values "
              "measured. Generated from `greatleap/lessons/" + lesson.id + ".md` by "
              "`python -m greatleap.lessons docs`; edit that file, not this one.*", ""]
    return "\n".join(parts)


def doc_name(lesson: Lesson) -> str:
    return f"{lesson.number:02d}_{lesson.id}.md"


def index() -> str:
    lines = ["# Lessons", "",
             "Lessons for a class, each built around one run of the dashboard and one comparison. "
             "The teacher's guide, with a 45-minute plan and a glossary, is [../teaching.md](../teaching.md).",
             "", "| # | lesson | scenario | compared with |", "|---|---|---|---|"]
    for lesson in LESSONS:
        lines.append(f"| {lesson.number} | [{lesson.title}]({doc_name(lesson)}) | {lesson.preset_title} | "
                     f"{lesson.comparison_title} |")
    lines += ["", "*Generated by `python -m greatleap.lessons docs` from `greatleap/lessons/`.*", ""]
    return "\n".join(lines)


def docs_pages() -> dict[str, str]:
    """{file name in docs/lessons/: text} for every lesson and the index."""
    pages = {doc_name(lesson): render(lesson) for lesson in LESSONS}
    pages["README.md"] = index()
    return pages


def write_docs(folder: Path) -> list[Path]:
    """Write every page together (whole or not at all)."""
    return atomic.write_files({folder / name: text.encode("utf-8") for name, text in docs_pages().items()})
