"""A full disk loses nothing (issue 17, item 5), on a real small tmpfs: writing stops with one line
("no space left on FOLDER: N MB needed, M MB free"), exit code 1, and a multi-file output is
replaced whole or not at all (a run's fourteen table files, a report, the lessons' pages); a sweep stops
with every published part intact and the same command completes it once there is room. A read-only
mount is refused before any work.

Each case is tried twice: with the space check that runs before writing (the usual path), and with
that check blinded, so that the write itself meets ENOSPC (a disk that fills while we write).

Mounting needs root: CI runs as root, and there a failure to mount fails the test; elsewhere the
tests are skipped with the reason. Figure: ``pytest tests/test_hardening_disk.py -s``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import test_sweep_tasks as tasks
from greatleap import atomic
from greatleap.cli import main

TINY = ["--set", "n_communes=1", "--set", "commune_side=3", "--set", "end_year=1957"]
NO_SPACE = re.compile(r"^error: no space left on (\S+): [\d.]+ (MB|kB) needed(, [\d.]+ (MB|kB) free)?\n$")
CASES: dict[str, int] = {}


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":  # CI runs as root: this test must run there
        pytest.fail(f"{reason}; CI runs these tests as root", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str, options: str = ""):
    if os.geteuid() != 0:
        skip_or_fail("mounting a small tmpfs needs root")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755{options}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        skip_or_fail(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture(params=["checked before writing", "ENOSPC while writing"])
def how(request, monkeypatch):
    if request.param == "ENOSPC while writing":
        monkeypatch.setattr(atomic, "free_bytes", lambda folder: None)  # the space check sees nothing
    return request.param


def fill(disk: Path, leave: int) -> None:
    """Take all the disk's space but ``leave`` bytes."""
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def no_space(result: tuple[int, str, str], disk: Path) -> str:
    code, out, err = result
    assert code == 1 and NO_SPACE.match(err), (code, out, err)
    assert NO_SPACE.match(err).group(1).startswith(str(disk)), err
    return err


def temporaries(disk: Path) -> list[str]:
    return sorted(str(p) for p in disk.rglob(".tmp-*"))


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def count(name: str) -> None:
    CASES[name] = CASES.get(name, 0) + 1


def test_run_on_a_full_disk_is_one_line_and_writes_nothing(tmp_path, how):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        fill(disk, 40_000)  # a tiny run's twelve tables take about 140 kB
        no_space(cli(["run", *TINY, "--out", str(disk / "run")]), disk)
        assert not (disk / "run").exists() and temporaries(disk) == []
        (disk / "filler").unlink()
        assert cli(["run", *TINY, "--out", str(disk / "run")])[0] == 0
        assert len(list((disk / "run").iterdir())) == 14
    count(f"run, new folder ({how})")


def test_run_overwrite_on_a_full_disk_keeps_the_earlier_run_whole(tmp_path, how):
    """Before: `run --overwrite` left communes.csv of the new run beside communes.parquet of the old."""
    with tmpfs(tmp_path / "disk", "2m") as disk:
        assert cli(["run", *TINY, "--out", str(disk / "run")])[0] == 0
        before = digests(disk / "run")
        fill(disk, 60_000)
        bigger = ["--set", "n_communes=2", "--set", "commune_side=3", "--set", "end_year=1957"]
        no_space(cli(["run", *bigger, "--seed", "2", "--overwrite", "--out", str(disk / "run")]), disk)
        assert digests(disk / "run") == before and temporaries(disk) == []
    count(f"run --overwrite ({how})")


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reference")
    spec = tasks.write_spec(folder / "spec.toml", folder / "out")
    assert cli(sweep_args(spec))[0] == 0
    return folder / "out"


def sweep_args(spec: Path) -> list[str]:
    return ["sweep", str(spec), "--workers", "0", "--quiet", "--task", "test_sweep_tasks:stand_in"]


def test_a_sweep_that_fills_the_disk_stops_in_one_line_and_completes_when_there_is_room(tmp_path, how, reference):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        spec = tasks.write_spec(tmp_path / "spec.toml", disk / "out")
        fill(disk, 120_000)  # the design, the manifest and a few of the 16 runs
        code, out, err = cli(sweep_args(spec))
        assert code == 1 and err.count("\n") == 1, (out, err)
        assert re.match(rf"^error: no space left on {re.escape(str(disk / 'out'))}: about [\d.]+ (kB|MB) needed for "
                        r"the \d+ runs left( \([\d.]+ (kB|MB) free\))?; free some space, then run the same command to "
                        r"resume\n$", err), err
        done = len(list((disk / "out" / "summary").glob("run-*.parquet")))
        assert 0 < done < 16, done
        code, out, err = cli(["sweep", "--verify", str(disk / "out")])
        assert code == 0, out  # every published part is intact
        (disk / "filler").unlink()
        code, out, err = cli(sweep_args(spec))
        assert code == 0 and f"16 runs, {done} already done: {16 - done} ok" in out, (out, err)
        tasks.assert_each_run_once(disk / "out", 16)
        tasks.assert_same_results(reference, disk / "out")
        assert temporaries(disk) == []
    count(f"sweep ({how})")


def test_a_report_on_a_full_disk_keeps_the_previous_report(tmp_path, how):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        spec = tasks.write_spec(tmp_path / "spec.toml", disk / "out")
        assert cli(sweep_args(spec))[0] == 0
        assert cli(["report", str(disk / "out")])[0] == 0
        before = digests(disk / "out" / "report")
        fill(disk, 100_000)
        no_space(cli(["report", str(disk / "out")]), disk)
        assert digests(disk / "out" / "report") == before and temporaries(disk) == []
    count(f"report over a report ({how})")


def test_pages_written_together_are_all_or_none_on_a_full_disk(tmp_path, how):
    """The lessons' pages (like validate's page and figures) share a folder with other files:
    every temporary is written before the first rename, so a full disk publishes none of them."""
    from greatleap.lessons.__main__ import main as lessons

    with tmpfs(tmp_path / "disk", "2m") as disk:
        (disk / "docs").mkdir()
        (disk / "docs" / "mine.md").write_text("kept\n")
        fill(disk, 30_000)  # the pages take about 70 kB
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = lessons(["docs", str(disk / "docs")])
        no_space((code, "", err.getvalue()), disk)
        assert [p.name for p in (disk / "docs").iterdir()] == ["mine.md"] and temporaries(disk) == []
    count(f"lessons docs ({how})")


def test_a_read_only_disk_is_refused_before_any_work(tmp_path):
    """Before: tracebacks from atomic.py and store.py, and validate failed only after every run."""
    with tmpfs(tmp_path / "disk", "4m") as disk:
        spec = tasks.write_spec(tmp_path / "spec.toml", disk / "out")
        assert cli(sweep_args(spec))[0] == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = sorted(str(p) for p in disk.rglob("*"))
        cases = {
            ("run", *TINY, "--out", str(disk / "run")): "--out",
            ("validate", "--seeds", "1", "--size", "small", "--out", str(disk / "v")): "--out",
            ("sweep", str(spec), "--workers", "0", "--quiet", "--out", str(disk / "other")): "--out",
            ("report", str(disk / "out")): "sweep_dir",
            ("sensitivity", str(disk / "out")): "sweep_dir",
            tuple(sweep_args(spec)): "output",  # even a finished sweep's resume takes the folder's lock
        }
        for argv, field in cases.items():
            code, out, err = cli(list(argv))
            assert code == 2 and err.startswith(f"error: {field}: ") and "read-only file system" in err, (argv, err)
            assert err.count("\n") == 1
            count("read-only disk")
        assert sorted(str(p) for p in disk.rglob("*")) == before


def test_zz_report_cases_tried():
    total = sum(CASES.values())
    print(f"\nfull or read-only disk cases: {total}\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(CASES.items())))
