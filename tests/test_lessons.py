"""The lessons as data and as text: every lesson names real presets, controls and labels; every
number its text states comes from a claim in the registry; docs/lessons/ is generated from the
package files. (The claims themselves are run against the model in test_lessons_claims.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from greatleap.lessons import LESSONS, lesson
from greatleap.lessons import text as lesson_text
from greatleap.lessons.registry import FORMATS
from greatleap.params import PARAMS, SCENARIO_TITLES, SCENARIOS, validate

ROOT = Path(__file__).resolve().parent.parent
NAMED_IN_ISSUE = ("reporting_cascade", "procurement_quotas", "dining_halls", "furnaces", "lushan",
                  "nature_and_man", "exports_aid_retreat")


def test_the_seven_lessons_of_the_issue_are_there_in_order():
    assert [item.id for item in LESSONS][:7] == list(NAMED_IN_ISSUE)
    assert [item.number for item in LESSONS] == list(range(1, len(LESSONS) + 1))
    assert len({item.id for item in LESSONS}) == len(LESSONS)
    assert lesson("lushan").number == 5
    with pytest.raises(KeyError, match="no lesson"):
        lesson("nope")


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_a_lesson_loads_real_presets_controls_and_settings(item):
    assert item.preset in SCENARIOS and item.comparison in SCENARIOS
    assert item.preset_title in SCENARIO_TITLES.values() and item.comparison_title in SCENARIO_TITLES.values()
    assert item.controls and all(name in PARAMS for name in item.controls)
    validate(dict(item.settings))  # a known parameter and an allowed value, or InputError
    for name, (preset, settings) in item.extra.items():
        assert name not in ("current", "comparison") and preset in SCENARIOS
        validate(dict(settings))
    runs = item.run_params(n_communes=4, commune_side=4)
    assert set(runs) == {"current", "comparison", *item.extra}
    assert runs["current"]["n_communes"] == 4 and runs["comparison"]["n_communes"] == 4
    for key, value in SCENARIOS[item.comparison].items():
        assert runs["comparison"][key] == value
    assert item.question.endswith("?")


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_a_lesson_file_has_every_section_and_every_claim_once(item):
    source = lesson_text.source(item)
    headings = [line[3:].strip() for line in source.splitlines() if line.startswith("## ")]
    assert headings == list(lesson_text.SECTIONS)
    found = lesson_text.placeholders(source)
    assert ("steps", None) in found
    claims_in_text = [arg for kind, arg in found if kind == "claim"]
    assert sorted(claims_in_text) == sorted(c.id for c in item.claims), "each claim appears exactly once"
    assert {kind for kind, _ in found} <= {"steps", "claim"}
    rendered = lesson_text.render(item)
    assert "{{" not in rendered and "{x}" not in rendered
    for claim in item.claims:
        assert claim.sentence() in rendered


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_the_numbers_in_what_to_notice_come_from_the_claims(item):
    """A figure typed by hand into "What to notice" would not be tested: only claims may hold numbers."""
    notice = lesson_text.source(item).split("## What to notice")[1].split("## ")[0]
    without_placeholders = lesson_text.PLACEHOLDER.sub("", notice)
    assert not re.search(r"\d+(\.\d+)?\s*%", without_placeholders), without_placeholders


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_claim_sentences_show_their_thresholds(item):
    for claim in item.claims:
        assert claim.op in (">", "<") and claim.over in ("each", "mean", "sum_ratio") and claim.fmt in FORMATS
        assert claim.sentence().endswith(".")
        if "{x}" in claim.text:
            assert FORMATS[claim.fmt](claim.threshold) in claim.sentence()


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_steps_use_the_dashboards_exact_labels(item):
    steps = lesson_text.steps(item)
    assert f'"{item.preset_title}"' in steps and f'"{item.comparison_title}"' in steps
    for name in item.settings:
        assert f'"{PARAMS[name].label}"' in steps
    for label in ("**Scenario**", "**Compare with**", "**Play**", "**Lessons**"):
        assert label in steps
    # every quoted label in the lesson's prose is a real control label or preset title
    known = {p.label for p in PARAMS.values()} | set(SCENARIO_TITLES.values())
    prose = lesson_text.source(item).split("## Things to try")[1].split("## Sources")[0]
    quoted = re.findall(r'"([^"]+)"', prose)
    assert quoted, "things to try name controls"
    assert set(quoted) <= known, set(quoted) - known


def test_docs_lessons_are_generated_from_the_package_files():
    folder = ROOT / "docs" / "lessons"
    pages = lesson_text.docs_pages()
    on_disk = {p.name for p in folder.glob("*.md")}
    assert on_disk == set(pages), "run: .venv/bin/python -m greatleap.lessons docs"
    for name, text in pages.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"docs/lessons/{name} is stale: run .venv/bin/python -m greatleap.lessons docs")


def test_lessons_ship_as_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"lessons/*.md"' in pyproject
    for item in LESSONS:
        assert (ROOT / "greatleap" / "lessons" / f"{item.id}.md").is_file()


def test_the_teachers_guide_has_the_plan_glossary_note_limits_and_offline_use():
    guide = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    for heading in ("45-minute", "Glossary", "Content note", "How the model simplifies", "without internet"):
        assert heading.lower() in guide.lower(), heading
    for term in ("Commune", "Brigade", "Team", "Cadre", "Satellite", "Rightist", "Lushan", "Dining hall",
                 "Household registration", "Jin", "Mu"):
        assert re.search(rf"^\*\*{term}\*\*", guide, re.M | re.I), term
    assert "calibration.md" in guide and "validation" in guide
    assert "bash scripts/dev.sh app" in guide
    for item in LESSONS:
        assert f"[{item.title}](lessons/{lesson_text.doc_name(item)})" in guide, item.id
