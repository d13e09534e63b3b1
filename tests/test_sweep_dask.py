"""Sweeps on a real Dask cluster (scheduler + two workers, separate processes on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import test_sweep_tasks as tasks
from conftest import subprocess_env

pytestmark = pytest.mark.cluster


@pytest.fixture
def local_reference(small_sweep):
    return small_sweep[0].output


def sweep_command(spec_path, *where):
    return [sys.executable, "-m", "greatleap", "sweep", str(spec_path), *where, "--quiet",
            "--task", "test_sweep_tasks:model"]


def test_dask_sweep_is_bit_identical_to_the_local_one(dask_cluster, local_reference, tmp_path):
    spec_path = tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out")
    address = json.loads(dask_cluster.read_text())["address"]  # as a user would pass it: tcp://...
    done = subprocess.run(sweep_command(spec_path, "--scheduler", address), env=subprocess_env(),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "16 runs: 16 ok, 0 failed" in done.stdout
    tasks.assert_each_run_once(tmp_path / "out", 16)
    tasks.assert_same_results(local_reference, tmp_path / "out")


def test_dask_worker_killed_mid_sweep_and_the_sweep_still_completes(dask_cluster, local_reference, tmp_path):
    from distributed import Client

    with Client(scheduler_file=str(dask_cluster), timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
        worker_pids = list(client.run(os.getpid).values())
    spec_path = tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out")
    proc = subprocess.Popen(sweep_command(spec_path, "--scheduler-file", str(dask_cluster)), env=subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parts = tmp_path / "out" / "summary"
    deadline = time.monotonic() + 120
    while not parts.exists() or len(list(parts.glob("run-*.parquet"))) < 4:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.02)
    os.kill(worker_pids[0], signal.SIGKILL)  # the worker process; its nanny starts a new one
    done_at_kill = len(list(parts.glob("run-*.parquet")))
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert done_at_kill < 16, "the kill did not land mid-sweep"
    assert "16 runs: 16 ok, 0 failed" in out
    tasks.assert_each_run_once(tmp_path / "out", 16)
    tasks.assert_same_results(local_reference, tmp_path / "out")
