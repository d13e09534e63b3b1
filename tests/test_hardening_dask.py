"""Faults on the Dask engine (issue 7, item 6): workers killed, the scheduler killed and started
again, the client interrupted. The sweep either completes or stops with one clear line, and a
re-run completes it with every run exactly once and the results of the local reference sweep.

Clusters are real processes on 127.0.0.1 (`dask scheduler`, `dask worker --nworkers 2`), found
through a scheduler file; each is stopped by PID. Figure (faults injected):
``pytest tests/test_hardening_dask.py -s``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import test_sweep_tasks as tasks
from conftest import dask_processes, subprocess_env

pytestmark = pytest.mark.cluster
FAULTS: dict[str, int] = {}
# how long a client keeps trying to reach a lost scheduler (default 30 s): a test need not wait that long
ENV = {**subprocess_env(), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "5s"}


def cluster(folder: Path):
    """A scheduler and one `dask worker --nworkers 2` (two nannies, two worker processes)."""
    return dask_processes(folder, [["--nworkers", "2", "--death-timeout", "10"]], expect=2)


def worker_pids(scheduler_file: Path) -> list[int]:
    from distributed import Client

    with Client(scheduler_file=str(scheduler_file), timeout="30s") as client:
        return list(client.run(os.getpid).values())


def sweep_command(spec: Path, scheduler_file: Path) -> list[str]:
    return [sys.executable, "-m", "greatleap", "sweep", str(spec), "--scheduler-file", str(scheduler_file),
            "--quiet", "--task", "test_sweep_tasks:model"]


def start_sweep(spec: Path, scheduler_file: Path) -> subprocess.Popen:
    return subprocess.Popen(sweep_command(spec, scheduler_file), env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_as_in_a_terminal)


def _ctrl_c_as_in_a_terminal() -> None:
    """The sweep takes Ctrl+C as it does in a terminal, however the suite was started: a suite
    started in the background (`cmd &` in a script) inherits SIGINT ignored, Python then installs no
    handler, and the interrupt test's sweep ran on to the end (2026-12-08)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_parts(proc: subprocess.Popen, out: Path, n: int) -> int:
    parts = out / "summary"
    deadline = time.monotonic() + 120
    while not parts.exists() or len(list(parts.glob("run-*.parquet"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.02)
    return len(list(parts.glob("run-*.parquet")))


def one_clear_line(err: str) -> str:
    """The last line of stderr; no traceback through greatleap's code. (Dask's own logger may print
    its reconnect attempts, with their tracebacks, above it: that is the cluster's log.)"""
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert lines and not re.search(r'File ".*greatleap/', err), err
    return lines[-1]


def count(fault: str) -> None:
    FAULTS[fault] = FAULTS.get(fault, 0) + 1


def test_client_interrupted_mid_sweep_stops_cleanly_and_a_rerun_completes(dask_cluster, small_sweep, tmp_path):
    spec = tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out")
    pids = worker_pids(dask_cluster)
    proc = start_sweep(spec, dask_cluster)
    at = wait_for_parts(proc, tmp_path / "out", 1)
    # the workers are paused while Ctrl+C reaches the client, so that the interrupt lands mid-sweep
    # whatever the machine's speed: a run takes a fraction of a second, and the rest of the sweep
    # twice finished before the interrupt arrived (clean-clone CIs of 2026-12-07)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        proc.send_signal(signal.SIGINT)  # Ctrl+C
        count("client interrupted (SIGINT)")
        time.sleep(2)  # the client takes the interrupt; its shutdown then needs the workers back
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert one_clear_line(err) == "interrupted"
    done = subprocess.run(sweep_command(spec, dask_cluster), env=ENV, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "16 runs, " in done.stdout and "already done" in done.stdout and at < 16
    tasks.assert_each_run_once(tmp_path / "out", 16)
    tasks.assert_same_results(small_sweep[0].output, tmp_path / "out")


def test_workers_killed_then_scheduler_killed_and_restarted(small_sweep, tmp_path):
    reference = small_sweep[0].output
    # 1. both worker processes SIGKILLed at once mid-sweep: the nannies restart them, the sweep completes
    with cluster(tmp_path / "cluster") as (scheduler_file, scheduler):
        spec = tasks.write_spec(tmp_path / "spec1.toml", tmp_path / "out1")
        proc = start_sweep(spec, scheduler_file)
        pids = worker_pids(scheduler_file)
        wait_for_parts(proc, tmp_path / "out1", 3)
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
            count("worker process killed (SIGKILL)")
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "16 runs: 16 ok, 0 failed" in out
        tasks.assert_each_run_once(tmp_path / "out1", 16)
        tasks.assert_same_results(reference, tmp_path / "out1")

        # 2. the scheduler SIGKILLed mid-sweep: the client stops with one clear line
        spec = tasks.write_spec(tmp_path / "spec2.toml", tmp_path / "out2")
        proc = start_sweep(spec, scheduler_file)
        at = wait_for_parts(proc, tmp_path / "out2", 4)
        scheduler.kill()
        count("scheduler killed (SIGKILL)")
        started = time.monotonic()
        out, err = proc.communicate(timeout=120)
        stopped_after = time.monotonic() - started
        assert proc.returncode == 1, (out, err)
        assert one_clear_line(err) == "error: lost the Dask scheduler; run the same command again to resume"
    print(f"\nscheduler killed after {at} of 16 runs: the client stopped {stopped_after:.1f} s later with one line")
    # 3. a new scheduler and workers; the same command completes the sweep, no run twice
    with cluster(tmp_path / "cluster") as (scheduler_file, _):
        count("scheduler restarted")
        done = subprocess.run(sweep_command(spec, scheduler_file), env=ENV, capture_output=True, text=True,
                              timeout=180)
    assert done.returncode == 0, done.stderr
    assert "already done" in done.stdout
    tasks.assert_each_run_once(tmp_path / "out2", 16)
    tasks.assert_same_results(reference, tmp_path / "out2")


def test_zz_faults_injected():
    print(f"\nDask faults injected: {sum(FAULTS.values())} (" + ", ".join(f"{k}: {v}" for k, v in FAULTS.items()) + ")")
