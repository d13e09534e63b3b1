"""Run a lesson's runs over several seeds and measure its claims: the tests' and the
maintainers' view of whether each sentence a lesson says is true of the model.

``python -m greatleap.lessons check`` prints every claim with its measured value.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from greatleap.lessons.registry import LESSONS, Claim, Lesson
from greatleap.visualization.session import DEFAULT_SIZE

# Reduced size that still shows every claim (see docs/teaching.md, "How the claims are checked").
TEST_SIZE = {"n_communes": 16, "commune_side": 5}
TEST_SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)
# The worlds ``python -m greatleap.lessons check --size`` can measure the claims in: the tests' and
# the one a dashboard tab opens on (about 100,000 villagers).
SIZES = {"tests": TEST_SIZE, "dashboard": DEFAULT_SIZE}


def _run(job):
    lesson_id, name, params, seed = job
    from greatleap.runner import run_one

    r = run_one(params, seed)
    # keep only what the measures read: the tables are small, the model is dropped
    return lesson_id, name, seed, {k: r[k] for k in ("monthly", "annual", "summary")}


@dataclass
class Measured:
    lesson: Lesson
    claim: Claim
    values: list  # one per seed
    seeds: tuple

    @property
    def value(self) -> float:
        return self.claim.aggregate(self.values)

    @property
    def holds(self) -> bool:
        return self.claim.holds(self.values)

    def line(self) -> str:
        per_seed = ", ".join(_short(v) for v in self.values)
        verdict = "ok" if self.holds else ("pending" if self.claim.pending else "FAILS")
        note = f"   pending: {self.claim.pending}" if self.claim.pending else ""
        return (f"[{verdict}] {self.lesson.id}.{self.claim.id}: "
                f"{self.claim.over} = {self.value:.3f} {self.claim.op} {self.claim.threshold:g}   (seeds: {per_seed}){note}")


def _short(v) -> str:
    if isinstance(v, tuple):
        return "/".join(f"{x:.0f}" for x in v)
    return f"{v:.3f}"


def run_lessons(lessons=LESSONS, seeds=TEST_SEEDS, size=None, workers: int = 2) -> dict:
    """{(lesson id, run name, seed): result} for every run the lessons' claims need."""
    size = TEST_SIZE if size is None else size
    jobs = [(lesson.id, name, params, seed) for lesson in lessons
            for name, params in lesson.run_params(**size).items() for seed in seeds]
    if workers <= 1:
        results = map(_run, jobs)
        return {(lid, name, seed): r for lid, name, seed, r in results}
    with ProcessPoolExecutor(workers) as pool:
        return {(lid, name, seed): r for lid, name, seed, r in pool.map(_run, jobs, chunksize=1)}


def measure(lessons=LESSONS, seeds=TEST_SEEDS, size=None, workers: int = 2,
            results: dict | None = None) -> list[Measured]:
    results = run_lessons(lessons, seeds, size, workers) if results is None else results
    out = []
    for lesson in lessons:
        names = list(lesson.run_params().keys())
        for claim in lesson.claims:
            values = [claim.measure({n: results[(lesson.id, n, s)] for n in names}) for s in seeds]
            out.append(Measured(lesson, claim, values, tuple(seeds)))
    return out
