"""Sweeps on the local engine: complete, reproducible, resumable after SIGKILL, robust to failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd

import test_sweep_tasks as tasks
from conftest import subprocess_env
from greatleap.cli import main
from greatleap.experiments.engines import LocalEngine
from greatleap.experiments.spec import load_spec
from greatleap.experiments.store import SweepStore
from greatleap.experiments.sweep import run_sweep


def test_local_sweep_stores_every_run_once_with_its_seed(small_sweep):
    spec, result = small_sweep
    assert (result.total, result.ok, result.failed, result.skipped) == (16, 16, 0, 0)
    tasks.assert_each_run_once(spec.output, 16)
    summary = SweepStore(spec.output).summary()
    assert (summary["status"] == "ok").all() and summary["excess_deaths"].notna().all()
    assert set(summary["scenario"]) == {"baseline", "honest_reporting"}


def test_rerunning_a_finished_sweep_runs_nothing(small_sweep, capsys):
    spec, _ = small_sweep
    before = {p.name: p.stat().st_mtime_ns for p in (spec.output / "summary").iterdir()}
    assert main(["sweep", str(spec.output.parent / "spec.toml"), "--workers", "2", "--quiet",
                 "--task", "test_sweep_tasks:model"]) == 0
    assert "16 runs, 16 already done: 0 ok" in capsys.readouterr().out
    assert before == {p.name: p.stat().st_mtime_ns for p in (spec.output / "summary").iterdir()}


def test_one_worker_gives_bit_identical_results(small_sweep, tmp_path):
    spec = load_spec(tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out"))
    run_sweep(spec, LocalEngine(1), model_fn=tasks.model, progress=False)
    tasks.assert_same_results(small_sweep[0].output, spec.output)


def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path, capsys):
    spec_path = tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out")
    code = main(["sweep", str(spec_path), "--workers", "2", "--quiet", "--task", "test_sweep_tasks:raise_at_one_point"])
    assert code == 1  # finished, with failures
    summary = SweepStore(tmp_path / "out").summary()
    failed = summary[summary["status"] == "failed"]
    assert len(failed) == 2 and (summary["status"] == "ok").sum() == 14  # the poisoned point x 2 seeds
    assert failed["error"].str.contains("ValueError: poisoned design point").all()
    assert set(failed["seed"]) == set(summary["seed"])  # both replicate seeds are recorded
    tasks.assert_each_run_once(tmp_path / "out", 16)
    capsys.readouterr()
    # a plain rerun keeps the failures and says so (exit code 1); --retry-failed runs exactly those again
    assert main(["sweep", str(spec_path), "--workers", "2", "--quiet", "--task", "test_sweep_tasks:model"]) == 1
    out, err = capsys.readouterr()
    assert "16 already done: 0 ok" in out
    assert err == (f"error: 2 of 16 runs failed (0 in this call); their errors and seeds are in the status and error "
                   f"columns of {tmp_path / 'out' / 'summary'}; run the same command with --retry-failed to run them "
                   "again\n")
    assert main(["sweep", str(spec_path), "--workers", "2", "--quiet", "--retry-failed",
                 "--task", "test_sweep_tasks:model"]) == 0
    assert "16 runs, 14 already done: 2 ok, 0 failed" in capsys.readouterr().out
    assert (SweepStore(tmp_path / "out").summary()["status"] == "ok").all()
    tasks.assert_each_run_once(tmp_path / "out", 16)


def test_a_run_that_kills_its_worker_fails_alone_and_the_others_succeed(tmp_path):
    spec = load_spec(tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out"))
    result = run_sweep(spec, LocalEngine(2), model_fn=tasks.kill_worker_at_one_point, progress=False)
    summary = SweepStore(spec.output).summary()
    failed = summary[summary["status"] == "failed"]
    assert (result.ok, result.failed) == (14, 2)
    assert failed["error"].str.contains("worker process died").all()
    assert (failed["markup_career"] == 0.3).all() and (failed["procurement_share"] == 0.3).all()
    assert (failed["scenario"] == "honest_reporting").all()


def test_a_worker_killed_once_mid_sweep_loses_no_run(small_sweep, tmp_path, monkeypatch):
    monkeypatch.setenv("GREATLEAP_TEST_KILL_MARKER", str(tmp_path / "killed"))
    spec = load_spec(tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out"))
    result = run_sweep(spec, LocalEngine(2), model_fn=tasks.kill_worker_once, progress=False)
    assert (tmp_path / "killed").exists()
    assert (result.ok, result.failed) == (16, 0)
    tasks.assert_same_results(small_sweep[0].output, spec.output)


def test_sweep_sigkilled_midway_resumes_with_every_run_exactly_once(small_sweep, tmp_path):
    spec_path = tasks.write_spec(tmp_path / "spec.toml", tmp_path / "out")
    command = [sys.executable, "-m", "greatleap", "sweep", str(spec_path), "--workers", "2", "--quiet",
               "--task", "test_sweep_tasks:model"]
    proc = subprocess.Popen(command, env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parts = tmp_path / "out" / "summary"
    deadline = time.monotonic() + 60
    while not parts.exists() or len(list(parts.glob("run-*.parquet"))) < 5:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    done_at_kill = len(list(parts.glob("run-*.parquet")))
    assert 5 <= done_at_kill < 16, "the kill did not land mid-sweep"
    resumed = subprocess.run(command, env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"16 runs, {done_at_kill} already done: {16 - done_at_kill} ok" in resumed.stdout
    tasks.assert_each_run_once(tmp_path / "out", 16)
    tasks.assert_same_results(small_sweep[0].output, tmp_path / "out")
    assert not list((tmp_path / "out").rglob(".tmp-*"))


def test_sweeps_build_no_peasant_objects_which_changes_no_result():
    from greatleap.experiments.design import HEADLESS
    from greatleap.params import resolve
    from greatleap.runner import run_one

    with_objects = run_one(resolve("baseline", **tasks.SMALL, materialise_peasants=True), 5)
    headless = run_one(resolve("baseline", **tasks.SMALL, **HEADLESS), 5)
    pd.testing.assert_frame_equal(with_objects["monthly"], headless["monthly"], check_exact=True)
    pd.testing.assert_series_equal(pd.Series(with_objects["summary"]), pd.Series(headless["summary"]))
