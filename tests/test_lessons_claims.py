"""Every quantitative claim a lesson makes is true of the model: each lesson's runs (its preset,
its comparison and any extra run a claim needs, all from the same seed, as the dashboard builds
them) over several seeds at a reduced size that still shows the effects, in parallel.

The measured values are printed by ``python -m greatleap.lessons check``; a failure names the
lesson, the claim's sentence, and the value per seed.
"""

from __future__ import annotations

import pytest

from greatleap.lessons import LESSONS
from greatleap.lessons.check import TEST_SEEDS, TEST_SIZE, measure, run_lessons

CLAIMS = [(lesson, claim) for lesson in LESSONS for claim in lesson.claims if not claim.pending]
PENDING = [(lesson, claim) for lesson in LESSONS for claim in lesson.claims if claim.pending]


@pytest.fixture(scope="module")
def results():
    return run_lessons(LESSONS, TEST_SEEDS, TEST_SIZE, workers=2)


@pytest.fixture(scope="module")
def measured(results):
    return {(m.lesson.id, m.claim.id): m for m in measure(LESSONS, TEST_SEEDS, TEST_SIZE, results=results)}


def test_a_pending_claim_says_why_in_one_line():
    """Claims a model change stopped making true wait for the calibration, each with its reason."""
    for lesson, claim in PENDING:
        assert claim.pending.strip() and "\n" not in claim.pending, (lesson.id, claim.id)


def test_the_test_size_is_reduced_but_several_seeds():
    assert len(TEST_SEEDS) >= 5
    assert TEST_SIZE["n_communes"] * TEST_SIZE["commune_side"] ** 2 <= 600


@pytest.mark.slow
@pytest.mark.parametrize("lesson,claim", CLAIMS, ids=[f"{lesson.id}.{c.id}" for lesson, c in CLAIMS])
def test_the_lesson_claim_holds_over_seeds(lesson, claim, measured):
    m = measured[(lesson.id, claim.id)]
    assert m.holds, (f"lesson {lesson.number} ({lesson.id}) says: {claim.sentence()!r} but the model gives "
                     f"{claim.over} = {m.value:.3f} (needs {claim.op} {claim.threshold:g}); {m.line()}")


@pytest.mark.slow
def test_every_lesson_run_reaches_december_1962(results):
    for (lesson_id, name, seed), r in results.items():
        assert r["monthly"]["date"].iloc[-1] == "1962-12", (lesson_id, name, seed)


def test_the_check_command_measures_the_claims_on_seeds_the_lessons_were_not_written_against(capsys):
    """Issue 16, item 10: ``check --first-seed K`` runs seeds K..K+N-1 (here at a tiny size)."""
    from greatleap.lessons.__main__ import main

    lesson = LESSONS[0]
    main(["check", "--first-seed", "21", "--seeds", "2", "--communes", "2", "--side", "3",
          "--lesson", lesson.id, "--workers", "1"])
    out = capsys.readouterr().out
    assert "seeds 21-22, 2 communes of 3x3 plots" in out
    claims = [line for line in out.splitlines() if "(seeds:" in line]
    per_seed = [line.split("(seeds: ")[1].split(")")[0] for line in claims]
    assert per_seed and all(values.count(", ") == 1 for values in per_seed), out
