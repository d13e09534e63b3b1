"""Damaged results are found and rerun (issue 17, item 4): every part of a sweep store is recorded
in parts.jsonl with its checksum, size and rows when it is written; `greatleap sweep --verify DIR`
names every part that is damaged, missing, not recorded or foreign; `greatleap report` refuses to
read such a store, naming the part; a resume moves the parts to OUT/quarantine and reruns exactly
their runs, ending bit-identical to an undamaged sweep.

Figure (damaged stores tried): ``pytest tests/test_hardening_store.py -s`` prints the cases.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import test_sweep_tasks as tasks
from greatleap.cli import main

N_RUNS = 16
CASES: Counter = Counter()
FAST = settings(deadline=None, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def sweep_args(spec: Path) -> list[str]:
    return ["sweep", str(spec), "--workers", "0", "--quiet", "--task", "test_sweep_tasks:stand_in"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A finished 16-run sweep of the fast stand-in model, never touched: each test copies it."""
    folder = tmp_path_factory.mktemp("reference")
    spec = tasks.write_spec(folder / "spec.toml", folder / "out")
    code, out, err = cli(sweep_args(spec))
    assert code == 0, err
    return folder


def copy_of(reference: Path, tmp: Path) -> tuple[Path, Path]:
    """A copy of the reference sweep (spec and store) whose spec points at the copy."""
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copytree(reference / "out", tmp / "out")
    spec = tasks.write_spec(tmp / "spec.toml", tmp / "out")
    return spec, tmp / "out"


def part(store: Path, kind: str, run_id: int) -> Path:
    return store / kind / f"run-{run_id:09d}.parquet"


def parts_log(store: Path) -> list[dict]:
    return [json.loads(line) for line in (store / "parts.jsonl").read_text().splitlines()]


def drop_records(store: Path, relative: str) -> None:
    kept = [line for line in (store / "parts.jsonl").read_text().splitlines() if json.loads(line)["part"] != relative]
    (store / "parts.jsonl").write_text("\n".join(kept) + "\n")


def apply(store: Path, damage: str, kind: str, run_id: int, rng: random.Random) -> str:
    """Damage one part; returns the path (inside the store) of the part that cannot be trusted now."""
    path = part(store, kind, run_id)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "random":  # random bytes of the same size: only the checksum tells
        path.write_bytes(rng.randbytes(len(data)))
    elif damage == "flip":  # one byte changed
        i = rng.randrange(len(data))
        path.write_bytes(data[:i] + bytes([data[i] ^ 0x40]) + data[i + 1:])
    elif damage == "swap":  # another run's complete part under this run's name
        path.write_bytes(part(store, kind, (run_id + 1) % N_RUNS).read_bytes())
    elif damage == "unrecorded":  # copied in from elsewhere: not in the manifest of parts
        drop_records(store, f"{kind}/{path.name}")
    elif damage == "delete":
        path.unlink()
    elif damage == "foreign":  # the issue's run-999999999.parquet
        path = part(store, kind, 999_999_999)
        path.write_bytes(data)
    elif damage == "junk":
        path = store / kind / "notes.txt"
        path.write_text("someone's notes\n")
    return f"{kind}/{path.name}"


DAMAGES = ["truncate", "empty", "random", "flip", "swap", "unrecorded", "delete", "foreign", "junk"]
RERUN = {"truncate", "empty", "random", "flip", "swap", "unrecorded", "delete"}  # the run itself is affected


@settings(FAST, max_examples=20)
@example(damages=[("delete", "monthly", 0), ("foreign", "summary", 0)], seed=0)  # run 0's summary intact
@given(damages=st.lists(st.tuples(st.sampled_from(DAMAGES), st.sampled_from(["monthly", "summary"]),
                                  st.integers(0, N_RUNS - 1)), min_size=1, max_size=4,
                        unique_by=lambda d: (d[1], d[2])),
       seed=st.integers(0, 2**32))
def test_any_damaged_missing_or_foreign_part_is_named_then_rerun_to_an_identical_store(reference, tmp_path_factory,
                                                                                      damages, seed):
    spec, store = copy_of(reference, tmp_path_factory.mktemp("damaged"))
    rng = random.Random(seed)
    problems, rerun = set(), set()
    for damage, kind, run_id in damages:
        CASES[f"{damage} {kind} part"] += 1
        where = apply(store, damage, kind, run_id, rng)
        if damage in RERUN:
            rerun.add(run_id)
        # a summary part deleted is a run not finished (a resume runs it; nothing to name)
        if not (damage == "delete" and kind == "summary"):
            problems.add(where)
    # "foreign" and "junk" add files beside run r's summary and leave that summary as it was
    summaries_touched = {r for d, k, r in damages if k == "summary" and d not in ("foreign", "junk")}
    problems -= {f"monthly/run-{r:09d}.parquet" for d, k, r in damages
                 if d == "delete" and k == "monthly" and r in summaries_touched}  # its run is unfinished anyway

    code, out, err = cli(["sweep", "--verify", str(store)])
    assert code == (1 if problems else 0), (out, err)
    named = {line.split(":")[0].strip() for line in out.splitlines()[1:]}
    assert named == problems, (named, problems)
    if problems:
        code, out, err = cli(["report", str(store)])
        assert code == 2 and err.count("\n") == 1 and sorted(problems)[0] in err, err
        assert not (store / "report").exists()

    on_disk = {relative for relative in problems if (store / relative).exists()}  # not the missing ones
    code, out, err = cli(sweep_args(spec))
    assert code == 0, err
    assert f"{N_RUNS} runs, {N_RUNS - len(rerun)} already done: {len(rerun)} ok" in out, out
    if problems:
        assert f"{len(problems)} part(s) cannot be trusted" in err, err
    assert all((store / "quarantine" / relative).exists() for relative in on_disk)  # set aside, not deleted
    tasks.assert_each_run_once(store, N_RUNS)
    tasks.assert_same_results(reference / "out", store)
    assert cli(["sweep", "--verify", str(store)])[0] == 0


def test_the_issues_truncated_part_is_rerun_by_a_plain_resume(reference, tmp_path):
    """Before: `greatleap sweep` on this folder said "16 already done", exit 0, and report ended in
    an ArrowInvalid traceback."""
    spec, store = copy_of(reference, tmp_path)
    apply(store, "truncate", "summary", 3, random.Random(1))
    code, out, err = cli(["report", str(store)])
    assert code == 2
    assert err.startswith(f"error: sweep_dir: 1 part of {store} cannot be trusted: summary/run-000000003.parquet "
                          "(damaged: "), err
    code, out, err = cli(sweep_args(spec))
    assert code == 0 and "16 runs, 15 already done: 1 ok" in out, (out, err)
    tasks.assert_same_results(reference / "out", store)
    CASES["issue: truncated summary part"] += 1


def test_a_foreign_part_is_never_read_into_the_report(reference, tmp_path):
    """Before: run-999999999.parquet put 72 blank rows in failures.csv and 16 NaN rows in summary.md."""
    spec, store = copy_of(reference, tmp_path)
    apply(store, "foreign", "summary", 0, random.Random(1))
    code, out, err = cli(["report", str(store)])
    assert code == 2 and "summary/run-999999999.parquet (foreign: run 999999999 is not in this sweep's 16 runs)" in err
    assert cli(sweep_args(spec))[0] == 0  # moved aside; nothing to rerun
    assert (store / "quarantine" / "summary" / "run-999999999.parquet").exists()
    code, out, err = cli(["report", str(store)])
    assert code == 0, err
    assert "failures.csv" not in out
    CASES["issue: foreign part"] += 1


def test_every_part_is_recorded_with_its_checksum_size_and_rows(reference):
    store = reference / "out"
    records = {r["part"]: r for r in parts_log(store)}
    on_disk = sorted(f"{k}/{p.name}" for k in ("monthly", "summary") for p in (store / k).iterdir())
    assert sorted(records) == on_disk and len(on_disk) == 2 * N_RUNS
    for relative, record in records.items():
        data = (store / relative).read_bytes()
        assert record["sha256"] == hashlib.sha256(data).hexdigest() and record["bytes"] == len(data)
        assert record["rows"] == pq.read_metadata(store / relative).num_rows
        assert ("status" in record) == relative.startswith("summary/")
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["format"] == 2
    assert manifest["design_sha256"] == hashlib.sha256((store / "design.parquet").read_bytes()).hexdigest()


def test_a_torn_last_line_of_the_parts_log_spoils_only_itself(reference, tmp_path):
    spec, store = copy_of(reference, tmp_path)
    with open(store / "parts.jsonl", "ab") as fh:
        fh.write(b'{"part": "summary/run-0000')  # a kill in the middle of an append
    part(store, "summary", 5).unlink()  # one run to do again
    assert cli(sweep_args(spec))[0] == 0
    assert cli(["sweep", "--verify", str(store)])[0] == 0  # the new line starts on a line of its own
    tasks.assert_same_results(reference / "out", store)
    CASES["torn line in parts.jsonl"] += 1


def test_a_damaged_manifest_or_design_is_one_line(reference, tmp_path):
    spec, store = copy_of(reference, tmp_path)
    (store / "design.parquet").write_bytes(b"PAR1 not really")
    code, out, err = cli(["sweep", "--verify", str(store)])
    assert code == 2 and err.startswith(f"error: sweep_dir: {store / 'design.parquet'} is damaged"), err
    assert cli(sweep_args(spec))[0] == 0  # the same spec gives the same design: rewritten
    assert cli(["sweep", "--verify", str(store)])[0] == 0
    for text in ("", "{not json", '{"spec": {}}', "[]"):
        (store / "manifest.json").write_text(text)
        for argv in (["report", str(store)], ["sweep", "--verify", str(store)], sweep_args(spec)):
            code, out, err = cli(argv)
            assert code == 2 and err.count("\n") == 1 and "manifest.json is damaged" in err, (argv, err)
        CASES["damaged manifest.json"] += 1
    CASES["damaged design.parquet"] += 1


def test_a_store_written_before_checksums_is_read_then_recorded_on_resume(reference, tmp_path):
    spec, store = copy_of(reference, tmp_path)
    (store / "parts.jsonl").unlink()
    manifest = json.loads((store / "manifest.json").read_text())
    for key in ("format", "design_sha256"):
        manifest.pop(key)
    (store / "manifest.json").write_text(json.dumps(manifest))
    apply(store, "truncate", "monthly", 7, random.Random(1))
    code, out, err = cli(["sweep", "--verify", str(store)])
    assert code == 1 and "monthly/run-000000007.parquet: damaged: does not read as Parquet" in out, out
    code, out, err = cli(sweep_args(spec))
    assert code == 0 and "16 runs, 15 already done: 1 ok" in out, (out, err)
    assert json.loads((store / "manifest.json").read_text())["format"] == 2
    assert len(parts_log(store)) == 2 * N_RUNS
    assert cli(["sweep", "--verify", str(store)])[0] == 0
    tasks.assert_same_results(reference / "out", store)
    CASES["store from before checksums"] += 1


@pytest.mark.parametrize("argv, field", [
    (["sweep", "--verify", ""], "verify"), (["sweep"], "spec"), (["report", ""], "sweep_dir"),
    (["sensitivity", ""], "sweep_dir"),
])
def test_verify_and_report_arguments_are_checked(argv, field):
    code, out, err = cli(argv)
    assert code == 2 and err.startswith(f"error: {field}: ") and err.count("\n") == 1, err


def test_verify_with_a_spec_is_refused(reference):
    code, out, err = cli(["sweep", str(reference / "spec.toml"), "--verify", str(reference / "out")])
    assert code == 2 and err.startswith("error: verify: ")


def test_zz_report_cases_tried():
    total = sum(CASES.values())
    print(f"\ndamaged-store cases tried: {total}\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(CASES.items())))
