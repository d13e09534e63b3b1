"""A sweep keeps each run's province table as a part of its own (``provinces/``), checked like the
monthly and summary parts: one lost or damaged makes its run run again on resume."""

from __future__ import annotations

import contextlib
import io
import json

import test_sweep_tasks as tasks

from greatleap.cli import main
from greatleap.experiments.store import SweepStore, part_name


def _sweep(spec) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["sweep", str(spec), "--workers", "0", "--quiet", "--task", "test_sweep_tasks:stand_in_with_provinces"])
    return code, out.getvalue()


def test_the_province_tables_are_kept_checked_and_rerun_when_lost(tmp_path):
    out = tmp_path / "out"
    spec = tasks.write_spec(tmp_path / "spec.toml", out)
    assert _sweep(spec)[0] == 0
    store = SweepStore(out)
    provinces = store.provinces()
    assert len(provinces) == 16 * 4 and sorted(provinces["run_id"].unique()) == list(range(16))
    assert list(provinces.columns[:5]) == ["run_id", "scenario", "point", "replicate", "seed"]
    recorded = {json.loads(line)["part"] for line in (out / "parts.jsonl").read_text().splitlines()}
    assert f"provinces/{part_name(3)}" in recorded
    before = provinces[provinces["run_id"] == 3].reset_index(drop=True)

    (out / "provinces" / part_name(3)).unlink()  # lost
    (out / "provinces" / part_name(5)).write_bytes(b"not parquet")  # damaged
    found = SweepStore(out).verify()
    assert set(found.problems) == {f"provinces/{part_name(3)}", f"provinces/{part_name(5)}"}
    assert 3 not in found.complete and 5 not in found.complete
    assert main(["report", str(out)]) == 2  # a store with a lost part is not reported

    code, printed = _sweep(spec)
    assert code == 0 and "16 runs, 14 already done: 2 ok" in printed, printed
    again = SweepStore(out)
    assert not again.verify().problems and len(again.verify().complete) == 16
    assert again.provinces()[lambda t: t["run_id"] == 3].reset_index(drop=True).equals(before)
