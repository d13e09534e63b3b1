"""Many models built and discarded in one process do not grow memory (issue 7, item 2).

Mesa 3.3.1 keys ``Agent._ids`` (a class-level dict) by model, so every model ever built stays
reachable, with all its agents and arrays, unless it is released: ``greatleap.runner.release``
(headless runs, sweep workers) and ``session.forget`` (dashboard Reset and tab close) do that.
Each test checks both that no discarded model is still alive (weak references) and that the
process's resident memory grew by less than a small bound after a warm-up.

Figures (printed, and in docs/reliability.md): ``pytest tests/test_memory.py -s``.
"""

from __future__ import annotations

import gc
import time
import weakref

import psutil
import pytest

# 9 plots, about 45 people, 12 months; one spin-up month (not the default 12): the spin-up's path
# (its unrecorded steps at construction) is built and released in every model, at a 13th of the cost
TINY = {"n_communes": 1, "commune_side": 3, "end_year": 1957, "spin_up_months": 1}
BOUND_MIB = 16  # allowed RSS growth after the warm-up, for the whole loop


def rss_mib() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def measure(label: str, n: int, build_and_discard, warmup: int = 50):
    from mesa import Agent

    refs = []
    for i in range(warmup):
        build_and_discard(i, refs)
    before, ids_before, t0 = rss_mib(), len(Agent._ids), time.perf_counter()
    for i in range(warmup, warmup + n):
        build_and_discard(i, refs)
    grown, seconds = rss_mib() - before, time.perf_counter() - t0
    alive = sum(r() is not None for r in refs)
    print(f"\n{label}: {n} models built and discarded in {seconds:.1f} s; RSS +{grown:.1f} MiB "
          f"(bound {BOUND_MIB} MiB); models still alive {alive}; Agent._ids {ids_before} -> {len(Agent._ids)}")
    assert alive == 0, f"{alive} discarded models are still reachable"
    assert len(Agent._ids) <= ids_before
    assert grown < BOUND_MIB, f"memory grew by {grown:.1f} MiB over {n} models"


def test_a_thousand_tiny_models_run_and_released_do_not_grow_memory():
    from greatleap.model import FamineModel
    from greatleap.runner import release

    def once(i, refs):
        model = FamineModel(rng=i, **TINY)
        model.step()
        refs.append(weakref.ref(model))
        release(model)

    measure("FamineModel tiny (1 commune of 3 x 3 plots, 1 month), runner.release", 1000, once)


def test_headless_runs_release_their_models():
    """run_one (greatleap run, history, validation, lessons, sweep workers)."""
    import greatleap.model as gm
    from greatleap.runner import run_one

    built = []
    original = gm.FamineModel.__init__

    def tracking_init(self, *a, **kw):
        original(self, *a, **kw)
        built.append(weakref.ref(self))

    gm.FamineModel.__init__ = tracking_init
    try:
        from greatleap.params import resolve

        params = resolve("baseline", **TINY)

        def once(i, refs):
            run_one(params, i)
            refs.extend(built)
            built.clear()

        measure("run_one tiny (12 months)", 30, once, warmup=5)
    finally:
        gm.FamineModel.__init__ = original


def test_dashboard_reset_and_tab_close_free_their_models():
    session_module = pytest.importorskip("greatleap.visualization.session")
    from greatleap.params import resolve

    values = {**resolve("baseline", **TINY), "materialise_peasants": True}
    sessions = []

    def once(i, refs):
        if i % 10 == 0:  # a new tab every ten resets
            sessions.append(session_module.Session(values=dict(values)))
        s = sessions[-1]
        s.rebuild(values=dict(values), seed=i, compare="honest_reporting" if i % 2 else None)
        s.step()
        refs.extend(weakref.ref(r.model) for r in s.runs)
        if i % 10 == 9:  # the tab goes away: the page calls close(), and the server drops the session
            s.close()
            sessions.pop()

    try:
        measure("dashboard Session.rebuild (Reset) tiny, compare mode every other time", 200, once, warmup=20)
    finally:
        for s in sessions:
            s.close()
