"""One sweep per output folder: a second `greatleap sweep` (or `sensitivity`) on a folder another
sweep is writing stops at once, in one line, having run and written nothing; the lock a killed
sweep leaves on disk blocks nothing (flock: the kernel releases it with the process)."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import test_sweep_tasks as tasks
from conftest import subprocess_env
from greatleap.cli import main


def refusal(out: Path, pid: int) -> str:
    return f"error: output: another sweep (pid {pid}) is writing {out}; allowed: one sweep per folder at a time"


def sweep_command(spec: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "greatleap", "sweep", str(spec), "--workers", "1", "--task",
            "test_sweep_tasks:gated", *extra]


def gated_env(gate: Path, delay: float = 0.0) -> dict[str, str]:
    return {**subprocess_env(), "GREATLEAP_TEST_GATE": str(gate), "GREATLEAP_TEST_GATE_DELAY": str(delay)}


def wait_until(proc: subprocess.Popen, condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert proc.poll() is None, f"the first sweep ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"the first sweep never got to {what}"
        time.sleep(0.02)


def holds_lock(out: Path, pid: int) -> bool:
    """The sweep of this pid holds the folder's lock and has written its manifest."""
    lock = out / ".lock"
    return (out / "manifest.json").exists() and lock.exists() and lock.read_text().split()[:1] == [str(pid)]


def snapshot(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in sorted(out.rglob("*"))}


def test_a_second_sweep_of_a_folder_being_written_is_refused_and_the_first_completes(tmp_path):
    out, gate = tmp_path / "out", tmp_path / "gate"
    spec = tasks.write_spec(tmp_path / "spec.toml", out)
    first = subprocess.Popen(sweep_command(spec, "--quiet"), env=gated_env(gate), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        wait_until(first, lambda: holds_lock(out, first.pid), "holding the lock")  # its runs wait at the gate
        before = snapshot(out)
        # not --quiet: the refusal must still be the only line (no "running on ..." before it)
        second = subprocess.run(sweep_command(spec), env=gated_env(gate), capture_output=True, text=True, timeout=60)
        assert second.returncode == 2, second.stderr
        assert second.stderr.splitlines() == [refusal(out, first.pid)] and second.stdout == ""
        assert snapshot(out) == before  # the second sweep ran and wrote nothing
        gate.touch()
        stdout, stderr = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == 0, stderr
    assert "16 runs: 16 ok, 0 failed" in stdout
    tasks.assert_each_run_once(out, 16)


def test_the_lock_file_of_a_sigkilled_sweep_does_not_block_its_resume(tmp_path):
    out, gate = tmp_path / "out", tmp_path / "gate"
    spec = tasks.write_spec(tmp_path / "spec.toml", out)
    gate.touch()
    first = subprocess.Popen(sweep_command(spec, "--quiet"), env=gated_env(gate, delay=0.1),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parts = out / "summary"
    wait_until(first, lambda: parts.exists() and len(list(parts.glob("run-*.parquet"))) >= 3, "its third run")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    first.stderr.close()
    done_at_kill = len(list(parts.glob("run-*.parquet")))
    assert 3 <= done_at_kill < 16, "the kill did not land mid-sweep"
    assert (out / ".lock").read_text().split()[0] == str(first.pid)  # left on disk by the dead sweep
    resumed = subprocess.run(sweep_command(spec, "--retry-failed"), env=gated_env(gate), capture_output=True,
                             text=True, timeout=60)
    assert resumed.returncode == 0, resumed.stderr
    assert f"16 runs, {done_at_kill} already done: {16 - done_at_kill} ok" in resumed.stdout
    tasks.assert_each_run_once(out, 16)
    assert not list(out.rglob(".tmp-*"))


SENSITIVITY_SPEC = '''output = "{out}"
seeds = 1
outcomes = ["excess_deaths"]
[fixed]
n_communes = 4
commune_side = 6
[sample]
method = "morris"
n = 2
params = ["procurement_share", "markup_career"]
'''


@pytest.mark.parametrize("command", ["sweep --retry-failed", "sensitivity"])
def test_every_command_that_runs_a_sweep_is_refused_while_the_folder_is_locked(tmp_path, capsys, command):
    out = tmp_path / "out"
    out.mkdir()
    spec = tmp_path / "spec.toml"
    if command == "sensitivity":
        spec.write_text(SENSITIVITY_SPEC.format(out=out))
    else:
        tasks.write_spec(spec, out)
    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT)  # another sweep's lock (flock: per open file)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        name, *extra = command.split()
        assert main([name, str(spec), "--workers", "0", *extra, "--task", "test_sweep_tasks:stand_in"]) == 2
    finally:
        os.close(fd)
    assert capsys.readouterr().err.splitlines() == [refusal(out, os.getpid())]
    assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing run, nothing written
    assert main([name, str(spec), "--workers", "0", "--quiet", *extra, "--task", "test_sweep_tasks:stand_in"]) == 0
