"""Shared fixtures. Keep this small: each part's helpers live in its own test modules."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent


def subprocess_env() -> dict[str, str]:
    """Environment for child processes that must import greatleap and the tests' helper modules."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


# ---- the suite on 2 workers (scripts/dev.sh test: pytest -n 2 --dist loadfile --no-loadscope-reorder) ----
# Each module runs whole on one worker, so its module fixtures are built once. The longest modules
# go first, so that the two workers finish together instead of one waiting on a long module that
# started last (the slowest modules, by their summed test times in a whole run of these options,
# 7 Dec 2026 after the suite-time cuts, --junitxml; the rest keep their order).
LONGEST_FIRST = [
    "test_calibration", "test_validation", "test_app", "test_lessons_claims", "test_hardening_data",
    "test_hardening_dask", "test_experiments_report", "test_sweep_local", "test_counterfactuals",
    "test_memory", "test_validation_posterior",
]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # a plain run keeps pytest's own order
        rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: order within a module kept


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory):
    """The small test sweep (16 runs of the real model) on 2 local workers: the reference that
    other engines, worker counts and interrupted sweeps must reproduce bit for bit."""
    import test_sweep_tasks as tasks
    from greatleap.experiments.engines import LocalEngine
    from greatleap.experiments.spec import load_spec
    from greatleap.experiments.sweep import run_sweep

    folder = tmp_path_factory.mktemp("reference")
    spec = load_spec(tasks.write_spec(folder / "spec.toml", folder / "out"))
    return spec, run_sweep(spec, LocalEngine(2), model_fn=tasks.model, progress=False)


@contextlib.contextmanager
def dask_processes(folder: Path, workers: list[list[str]], expect: int):
    """A real Dask cluster as a user starts it: `dask scheduler` and one `dask worker` per entry of
    ``workers`` (its extra arguments), on 127.0.0.1 only, found through ``folder/scheduler.json``
    (port 0: no collision with anything). Waits for ``expect`` workers; yields (scheduler file,
    scheduler process). Stops every process by PID, workers first: a worker that loses its
    scheduler while closing waits 8 s before its nanny kills it."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)  # a cluster restarted in the same folder
    log = open(folder / "cluster.log", "ab")  # kept in pytest's tmp folder, for post-mortems
    common = {"env": subprocess_env(), "stdout": log, "stderr": subprocess.STDOUT}
    scheduler = subprocess.Popen([str(VENV_BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
                                 **common)
    procs = [scheduler]
    try:
        deadline = time.monotonic() + 30
        while not _readable_json(scheduler_file):
            if time.monotonic() > deadline or scheduler.poll() is not None:
                raise RuntimeError("the Dask scheduler did not start")
            time.sleep(0.1)
        for extra in workers:
            procs.append(subprocess.Popen(
                [str(VENV_BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1",
                 "--dashboard-address", "127.0.0.1:0", "--nthreads", "1", "--local-directory", str(folder),
                 *extra], **common))
        with Client(scheduler_file=str(scheduler_file), timeout="30s") as client:
            client.wait_for_workers(expect, timeout=60)
        yield scheduler_file, scheduler
    finally:
        for group in (procs[1:], procs[:1]):
            for proc in group:
                proc.terminate()  # does nothing to a process that has already ended
            for proc in group:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        log.close()


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes (``dask_processes``); yields the scheduler
    file's path."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("dask.distributed is not installed")
    workers = [["--nworkers", "1", "--name", name, "--death-timeout", "30"] for name in ("w1", "w2")]
    with dask_processes(tmp_path_factory.mktemp("dask"), workers, expect=2) as (scheduler_file, _):
        yield scheduler_file


def _readable_json(path: Path) -> bool:
    try:
        json.loads(path.read_text())
        return True
    except (OSError, ValueError):
        return False


# ---- the famine model at reduced size (tests of the model's mechanisms) ----------------------
SMALL = {"n_communes": 4, "commune_side": 6}


def small_model(seed: int = 1, **params):
    """A FamineModel of 4 communes of 6 x 6 plots (about 800 villagers), unless overridden."""
    from greatleap.model import FamineModel

    return FamineModel(rng=seed, **{**SMALL, **params})


def step_through(model, ym: tuple[int, int]):
    """Step the model until it has simulated month ``ym`` (inclusive); returns the model."""
    from greatleap.calendar import month_index

    target = month_index(ym) - month_index(model.start)
    assert model.t <= target, f"the run is already past {ym}"
    while model.t < target:
        assert model.running, f"the run ends before {ym}"
        model.step()
    return model


def set_month(model, ym: tuple[int, int]):
    """Put a freshly built model's clock on ``ym`` without simulating (unit tests of one phase)."""
    from greatleap.calendar import month_index

    model.ym = ym
    model.t = month_index(ym) - month_index(model.start)
    return model
