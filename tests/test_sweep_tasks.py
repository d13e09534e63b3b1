"""Model functions and helpers shared by the sweep tests (no tests here).

They live in an importable module because worker processes (spawned pool workers, Dask workers
started as separate processes) import them by name. Each has ``run_one``'s contract.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import pandas as pd

# the real model at a size that runs in well under 1 s; no spin-up: these sweeps test the engines,
# the store and their faults (bit-identity, each run once), which do not depend on the first month
SMALL = {"n_communes": 4, "commune_side": 6, "spin_up_months": 0}


def model(params: dict, seed: int) -> dict:
    """The real model."""
    from greatleap.runner import run_one

    return run_one(params, seed)


def stand_in(params: dict, seed: int) -> dict:
    """A fast deterministic function of (params, seed) with run_one's shape."""
    rng = np.random.default_rng(seed)
    deaths = rng.poisson(100 * (1 + params["procurement_share"] + params["markup_career"]), 24).astype(float)
    monthly = pd.DataFrame({"date": pd.date_range("1957-01-01", periods=24, freq="MS"),
                            "deaths": deaths, "cdr": deaths / 10})
    return {"monthly": monthly, "summary": {"excess_deaths": float(deaths.sum()), "peak_cdr": float(deaths.max() / 10)}}


def stand_in_with_provinces(params: dict, seed: int) -> dict:
    """The stand-in with a province table, as ``run_one`` gives one (2 provinces, 2 years)."""
    out = stand_in(params, seed)
    deaths = np.random.default_rng(seed).poisson(50, 4).astype(float)
    out["provinces"] = pd.DataFrame({"year": [1957, 1957, 1958, 1958], "province": [0, 1, 0, 1], "deaths": deaths})
    return out


def _poisoned(params: dict) -> bool:
    """The design point the fault-injection tests break (both its seeds)."""
    return params["honest_reporting"] and params["markup_career"] == 0.3 and params["procurement_share"] == 0.3


def raise_at_one_point(params: dict, seed: int) -> dict:
    if _poisoned(params):
        raise ValueError("poisoned design point")
    return model(params, seed)


def kill_worker_at_one_point(params: dict, seed: int) -> dict:
    """Kills its own worker process every time it runs the poisoned point."""
    if _poisoned(params):
        os.kill(os.getpid(), signal.SIGKILL)
    return model(params, seed)


def kill_worker_once(params: dict, seed: int) -> dict:
    """The first run to get here kills its worker process (marker file named by an env var)."""
    marker = Path(os.environ["GREATLEAP_TEST_KILL_MARKER"])
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return model(params, seed)
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def gated(params: dict, seed: int) -> dict:
    """stand_in, once the file named by GREATLEAP_TEST_GATE exists (a test holds the sweep open
    until then), after GREATLEAP_TEST_GATE_DELAY seconds (default 0)."""
    gate, deadline = Path(os.environ["GREATLEAP_TEST_GATE"]), time.monotonic() + 60
    while not gate.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the gate {gate} never opened")
        time.sleep(0.01)
    time.sleep(float(os.environ.get("GREATLEAP_TEST_GATE_DELAY", "0")))
    return stand_in(params, seed)


def write_spec(path: Path, output: Path, seeds: int = 2, extra: str = "") -> Path:
    """A 2 scenarios x 2 x 2 grid sweep of the small model: 8 x seeds runs."""
    path.write_text(f'''name = "test"
scenarios = ["baseline", "honest_reporting"]
seeds = {seeds}
master_seed = 11
output = "{output}"

[fixed]
n_communes = {SMALL["n_communes"]}
commune_side = {SMALL["commune_side"]}
spin_up_months = {SMALL["spin_up_months"]}

[vary]
procurement_share = [0.2, 0.3]
markup_career = [0.1, 0.3]
{extra}''', encoding="utf-8")
    return path


def assert_same_results(dir_a: Path, dir_b: Path) -> None:
    """Bit-identical summaries, monthly series and province tables (elapsed time aside)."""
    from greatleap.experiments.store import SweepStore

    a, b = SweepStore(dir_a), SweepStore(dir_b)
    timing = ["elapsed_s", "cpu_s"]
    pd.testing.assert_frame_equal(a.summary().drop(columns=timing), b.summary().drop(columns=timing), check_exact=True)
    pd.testing.assert_frame_equal(a.monthly(), b.monthly(), check_exact=True)
    pd.testing.assert_frame_equal(a.provinces(), b.provinces(), check_exact=True)


def assert_each_run_once(sweep_dir: Path, n_runs: int) -> None:
    from greatleap.experiments.store import SweepStore

    store = SweepStore(sweep_dir)
    summary, design = store.summary(), store.design()
    assert sorted(summary["run_id"]) == list(range(n_runs)) == list(design["run_id"])
    assert (summary["seed"].to_numpy() == design["seed"].to_numpy()).all()
    monthly = store.monthly(columns=["run_id"])
    per_run = monthly.groupby("run_id").size()
    assert set(per_run.index) == set(summary.loc[summary["status"] == "ok", "run_id"])
    assert per_run.nunique() == 1  # every run has its full series, none twice
