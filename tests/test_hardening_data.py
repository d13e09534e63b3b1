"""Nothing lost (issue 7, item 3): every file the project writes is written atomically, and a
`greatleap run`, `sweep` or `report` killed in the middle of a write leaves either the previous
complete file or the new complete one, never a truncated one; a re-run overwrites only with
--overwrite (run) and resumes without duplicates (sweep).

Kills are of two kinds:
- in the middle of a chosen write (tests/test_hardening_killhook.py: the temporary is half
  written, or complete but not yet renamed, when the process SIGKILLs itself), once per file;
  a run's fourteen table files are one output, swapped in whole (``atomic.replace_folder``): a kill leaves
  the previous run's eight files or the new run's eight, never a mix;
- from outside, SIGKILL at a random moment after the first temporary file appears.

Figure (faults injected): ``pytest tests/test_hardening_data.py -s`` prints the kills per command.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import test_sweep_tasks as tasks
from conftest import subprocess_env
from greatleap.cli import main

ROOT = Path(__file__).resolve().parents[1]
HOOK = Path(__file__).with_name("test_hardening_killhook.py")
TINY = ["--set", "n_communes=1", "--set", "commune_side=3", "--set", "end_year=1957"]
RUN_FILES = sorted(f"{n}.{e}" for n in ("monthly", "annual", "communes", "officials", "provinces", "ages", "bodies")
                   for e in ("parquet", "csv"))
KILLS: dict[str, int] = {}

# ---- every write goes through greatleap.atomic --------------------------------------------------
WRITE = re.compile(r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|\.to_csv\(|\.to_parquet\("
                   r"|\.savefig\(|json\.dump\(|pickle\.dump|np\.save|shutil\.(copy|move)|\.extractall\(|\.to_json\(")
SAFE = [
    re.compile(r"\((tmp|p|buf)\b"),  # the temporary of atomic_path / write_with, or an in-memory buffer
    re.compile(r"\.to_csv\((index|float_format)="),  # to a string, not a file
    re.compile(r"\batomic\.write_(text|bytes|with|table)\("),
    re.compile(r"\bcloudpickle\.dumps\("),  # to bytes in memory, not a file
]
ALLOWED = {  # file: why its writes need no temporary-and-rename of their own
    "greatleap/atomic.py": "the atomic writer itself",
    "greatleap/visualization/assets.py": "unpacks each package into NAME.part, then renames the folder",
}


def writes_outside_atomic() -> list[str]:
    found = []
    for path in sorted([*ROOT.glob("greatleap/**/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("benchmarks/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if WRITE.search(code) and not any(s.search(code) for s in SAFE):
                found.append(f"{rel}:{no}: {line.strip()}")
    return found


def test_every_file_the_project_writes_goes_through_greatleap_atomic():
    found = writes_outside_atomic()
    assert not found, "writes that bypass greatleap.atomic:\n" + "\n".join(found)


# ---- greatleap run -------------------------------------------------------------------------------
def run_in_process(out: Path, seed: int, *extra: str) -> None:
    assert main(["run", "--seed", str(seed), *TINY, "--out", str(out), *extra]) == 0


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".tmp-")}


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".tmp-"))


@pytest.fixture(scope="module")
def run_refs(tmp_path_factory):
    """Complete results of seed 1 (the 'old' files) and seed 2 (the 'new' ones); runs are exact."""
    base = tmp_path_factory.mktemp("run-refs")
    run_in_process(base / "old", 1)
    run_in_process(base / "new", 2)
    old, new = files(base / "old"), files(base / "new")
    assert sorted(old) == RUN_FILES and all(old[n] != new[n] for n in RUN_FILES)
    return base, old, new


def assert_each_old_or_new(folder: Path, old: dict, new: dict) -> int:
    """Every result file is byte for byte the old complete one or the new complete one."""
    now = files(folder)
    assert sorted(now) == RUN_FILES, sorted(now)
    n_new = 0
    for name, data in now.items():
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new complete file"
        n_new += data == new[name]
    return n_new


def hook_command(n: int, mode: str, *args: str) -> list[str]:
    return [sys.executable, str(HOOK), str(n), mode, *args]


def staging(folder: Path) -> list[str]:
    """The sibling folders ``atomic.replace_folder`` fills before swapping them in."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".tmp-{folder.name}-"))


def test_run_killed_in_the_middle_of_each_write_leaves_the_previous_run_whole(run_refs, tmp_path):
    """The fourteen table files are written into a sibling folder and swapped in at once: a kill at any of
    them leaves the previous run's eight files, all of them, beside the dead writer's staging folder."""
    base, old, new = run_refs
    for n in (1, 4, 5, len(RUN_FILES)):  # the first, two middle and the last of the fourteen files
        mode = "torn" if n % 2 else "before_rename"
        out = tmp_path / f"out{n}"
        shutil.copytree(base / "old", out)
        done = subprocess.run(hook_command(n, mode, "run", "--seed", "2", *TINY, "--out", str(out), "--overwrite"),
                              env=subprocess_env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == -signal.SIGKILL, done.stderr
        assert "killhook: SIGKILL" in done.stderr
        assert assert_each_old_or_new(out, old, new) == 0  # not one file of the new run
        assert temporaries(out) == [] and len(staging(out)) == 1  # the dead writer's, beside it; readers ignore it
        KILLS["run (in a write)"] = KILLS.get("run (in a write)", 0) + 1
    # a re-run refuses to touch the folder without --overwrite ...
    assert main(["run", "--seed", "2", *TINY, "--out", str(out)]) == 2
    assert assert_each_old_or_new(out, old, new) == 0
    # ... and with it, writes the new results whole and clears the dead writer's staging folder
    run_in_process(out, 2, "--overwrite")
    assert assert_each_old_or_new(out, old, new) == len(RUN_FILES)
    assert temporaries(out) == [] and staging(out) == []


def test_run_sigkilled_from_outside_at_random_moments_leaves_one_whole_run(run_refs, tmp_path):
    base, old, new = run_refs
    rng = random.Random(7)
    counts = []
    cli = [sys.executable, "-m", "greatleap", "run", "--seed", "2", *TINY, "--overwrite"]
    trials = 6
    for trial in range(trials):
        out = tmp_path / f"out{trial}"
        shutil.copytree(base / "old", out)
        proc = subprocess.Popen(cli + ["--out", str(out)], env=subprocess_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not staging(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, 0.025))  # somewhere in the writes of the eight files (about 20 ms)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        counts.append(assert_each_old_or_new(out, old, new))
        KILLS["run (random moment)"] = KILLS.get("run (random moment)", 0) + 1
    assert set(counts) <= {0, len(RUN_FILES)}, counts  # the old run whole, or the new one whole
    print(f"\nrun killed at random moments: {trials} kills; new files found after each: {counts}")


# ---- greatleap sweep and report ------------------------------------------------------------------
def sweep_args(spec: Path) -> list[str]:
    return ["sweep", str(spec), "--workers", "0", "--quiet", "--task", "test_sweep_tasks:stand_in"]


def parts_readable(out: Path) -> int:
    """Every published part (not .tmp-) reads as Parquet; returns how many summary parts exist."""
    for part in [*out.glob("summary/run-*.parquet"), *out.glob("monthly/run-*.parquet"), *out.glob("*.parquet")]:
        pd.read_parquet(part)
    return len(list(out.glob("summary/run-*.parquet")))


@pytest.mark.parametrize("n", [1, 2, 9])
def test_sweep_killed_in_a_write_resumes_to_every_run_exactly_once(tmp_path, n):
    """Writes: 1 design.parquet, 2 manifest.json, then per run a monthly part and a summary part."""
    out = tmp_path / "out"
    spec = tasks.write_spec(tmp_path / "spec.toml", out)
    done = subprocess.run(hook_command(n, "torn" if n % 2 else "before_rename", *sweep_args(spec)),
                          env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    before = parts_readable(out)
    KILLS["sweep (in a write)"] = KILLS.get("sweep (in a write)", 0) + 1
    done = subprocess.run([sys.executable, "-m", "greatleap", *sweep_args(spec)], env=subprocess_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"16 runs{f', {before} already done' if before else ''}: {16 - before} ok" in done.stdout, done.stdout
    tasks.assert_each_run_once(out, 16)
    assert not list(out.rglob(".tmp-*"))


def complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".png":
        return data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")
    if path.suffix == ".svg":
        return data.rstrip().endswith(b"</svg>")
    if path.suffix == ".csv":
        return len(pd.read_csv(path)) > 0
    if path.suffix == ".md":
        return data.endswith(b"\n") and data.count(b"\n|") > 1
    raise AssertionError(path)


def test_report_killed_in_a_write_keeps_every_figure_and_table_complete(tmp_path):
    out = tmp_path / "out"
    spec = tasks.write_spec(tmp_path / "spec.toml", out)
    assert main(sweep_args(spec)) == 0
    assert main(["report", str(out)]) == 0
    report = out / "report"
    first = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in report.iterdir()}
    assert len(first) >= 6
    for n in (4,):
        done = subprocess.run(hook_command(n, "torn" if n % 2 else "before_rename", "report", str(out)),
                              env=subprocess_env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == -signal.SIGKILL, done.stderr
        published = [p for p in report.iterdir() if not p.name.startswith(".tmp-")]
        assert sorted(p.name for p in published) == sorted(first)
        assert all(complete(p) for p in published)
        # the report folder is replaced whole: it is still the first report, file for file
        assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in published} == first
        KILLS["report (in a write)"] = KILLS.get("report (in a write)", 0) + 1
    assert main(["report", str(out)]) == 0
    assert not list(report.glob(".tmp-*")) and not list(out.glob(".tmp-report-*"))


def test_validate_killed_in_a_write_keeps_the_report_and_figures_complete(tmp_path):
    out = tmp_path / "validation"
    args = ["validate", "--seeds", "1", "--size", "small", "--workers", "2", "--quiet", "--out", str(out)]
    assert main(args) == 0
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(written) >= 2
    done = subprocess.run(hook_command(2, "torn", *args), env=subprocess_env(), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr
    KILLS["validate (in a write)"] = KILLS.get("validate (in a write)", 0) + 1
    published = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".tmp-"))
    assert published == written
    for path in published:
        data = path.read_bytes()
        assert (data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")) if path.suffix == ".png" \
            else data.endswith(b"\n"), path


def test_zz_faults_injected():
    total = sum(KILLS.values())
    print(f"\nwriters killed mid-write: {total} (" + ", ".join(f"{k}: {v}" for k, v in KILLS.items()) + ")")
