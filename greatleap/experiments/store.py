"""The result store of one sweep: a folder of Parquet parts, one per run, plus the design.

Layout::

    OUT/manifest.json        the spec, the design's hash, versions; written last on creation
    OUT/design.parquet       one row per run (run_id, scenario, point, replicate, seed, varied params)
    OUT/monthly/run-NNNNNNNNN.parquet   the run's monthly series (ok runs only)
    OUT/summary/run-NNNNNNNNN.parquet   one row: design columns, status, error, time, outcomes
    OUT/.lock                the lock a writing sweep holds (``SweepStore.writing``); not data

Why parts: a single growing Parquet file is unreadable after a kill, and appending to CSV
duplicated rows in our tests (notes/ecosystem.md §3). Each part is written to a temporary name and
renamed (``greatleap.atomic``), so a part is either complete or absent. The summary part is written
after the monthly part and is the "run finished" mark: resume skips runs that have one, and a rerun
replaces a part under the same name, so no run can appear twice. ``OUT/monthly`` and ``OUT/summary``
are each a Parquet dataset (pandas, polars, duckdb read the folder).

One sweep at a time: ``run_sweep`` writes through ``SweepStore.writing``, which holds an exclusive
``flock`` on ``OUT/.lock`` until the sweep ends; a second sweep on the folder is refused before it
runs or writes anything. flock rather than a file created exclusively: the kernel drops the lock
when its process ends, however it ends, so the ``.lock`` a killed sweep leaves behind blocks nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import time
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from greatleap.atomic import write_table, write_text
from greatleap.errors import InputError
from greatleap.experiments.design import KEY_COLUMNS, sweep_fingerprint

PART = re.compile(r"^run-(\d+)\.parquet$")
LOCK = ".lock"
OWN_FILES = {"manifest.json", "design.parquet", "monthly", "summary", "report", "sensitivity", LOCK}
_HOST = socket.gethostname()


def part_name(run_id: int) -> str:
    return f"run-{run_id:09d}.parquet"


class SweepStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.monthly_dir = self.root / "monthly"
        self.summary_dir = self.root / "summary"

    # ---- creating and resuming --------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self, spec, design: pd.DataFrame) -> Iterator[bool]:
        """``open_for``, holding the folder's lock until the block ends (every sweep writes inside
        one). Yields True if the store already existed. A folder holding something else, or another
        sweep's lock, is refused before anything is written, not even the lock file."""
        digest = sweep_fingerprint(spec, design)
        self._check(digest)
        with self._locked():
            yield self._open(spec, design, digest)  # checked again: another sweep may have just finished

    def open_for(self, spec, design: pd.DataFrame) -> bool:
        """Create the store, or check it holds this very sweep. True if it already existed.
        Takes no lock: sweeps go through ``writing``."""
        return self._open(spec, design, sweep_fingerprint(spec, design))

    def _check(self, digest: str) -> bool:
        """Refuse a folder holding a different sweep or other files; True if it holds this sweep."""
        manifest = self.root / "manifest.json"
        if manifest.exists():
            found = self.manifest().get("design_hash")
            if found != digest:
                raise InputError("output", f"{self.root} holds a different sweep (the design, [fixed], outcomes, "
                                 "series or the model's defaults changed); choose another output folder")
            return True
        if self.root.exists():
            foreign = [p.name for p in self.root.iterdir() if p.name not in OWN_FILES and not p.name.startswith(".tmp-")]
            if foreign or any(self.summary_dir.glob("run-*.parquet")):
                raise InputError("output", f"{self.root} exists and is not a sweep folder of this design; choose another")
        return False

    def _open(self, spec, design: pd.DataFrame, digest: str) -> bool:
        if self._check(digest):
            self._remove_temporaries()
            return True
        import greatleap

        write_table(design, self.root / "design.parquet")
        info = {"spec": spec.to_dict(), "design_hash": digest, "n_runs": int(len(design)),
                "greatleap_version": greatleap.__version__,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        write_text(self.root / "manifest.json", json.dumps(info, indent=2, default=str) + "\n")  # last: marks the store valid
        return False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive flock on OUT/.lock, or refuse at once if another process holds it.
        The file holds the holder's pid (for the message) and is never removed: removing it would
        let two sweeps lock two different files of the same name."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by workers
        except OSError as exc:
            raise InputError("output", f"cannot write in {self.root} ({exc.strerror}); allowed: a folder "
                             "this user can write") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid, _, host = os.pread(fd, 200, 0).decode("utf-8", "replace").strip().partition(" ")
                who = f" (pid {pid}{'' if host in ('', _HOST) else ' on ' + host})" if pid.isdigit() else ""
                raise InputError("output", f"another sweep{who} is writing {self.root}; "
                                 "allowed: one sweep per folder at a time") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {_HOST}\n".encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock (so does the kernel if this process is killed)

    def _remove_temporaries(self) -> None:
        """A kill between writing a temporary and renaming it leaves a .tmp-* file; drop them."""
        for folder in (self.monthly_dir, self.summary_dir):
            if folder.exists():
                for tmp in folder.glob(".tmp-*"):
                    tmp.unlink(missing_ok=True)

    # ---- writing ----------------------------------------------------------------------------
    def write_run(self, design_row: dict[str, Any], varied: list[str], record: dict[str, Any],
                  outcomes: list[str] | None) -> None:
        """Store one finished run: the monthly part first, then the summary part (the done mark)."""
        run_id = int(design_row["run_id"])
        keys = {k: design_row[k] for k in KEY_COLUMNS}
        monthly = record.get("monthly")
        if record["status"] == "ok" and monthly is not None:
            monthly = monthly.copy()
            for i, (k, v) in enumerate(keys.items()):
                monthly.insert(i, k, v)
            write_table(monthly, self.monthly_dir / part_name(run_id))
        summary = record.get("summary") or {}
        names = outcomes if outcomes is not None else list(summary)
        row = {**keys, **{k: design_row[k] for k in varied}, "status": record["status"],
               "error": record.get("error", ""), "elapsed_s": float(record.get("elapsed_s", 0.0)),
               "cpu_s": float(record.get("cpu_s", 0.0))}
        row.update({name: _as_float(summary.get(name)) for name in names})
        write_table(pd.DataFrame([row]), self.summary_dir / part_name(run_id))

    # ---- reading ----------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        path = self.root / "manifest.json"
        if not path.exists():
            raise InputError("sweep_dir", f"{self.root} is not a sweep folder (no manifest.json)")
        return json.loads(path.read_text(encoding="utf-8"))

    def design(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / "design.parquet")

    def finished_ids(self) -> set[int]:
        return _part_ids(self.summary_dir)

    def failed_ids(self) -> set[int]:
        summary = self.summary(columns=["run_id", "status"])
        return set(summary.loc[summary["status"] != "ok", "run_id"].astype(int))

    def summary(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every finished run's summary row (ok and failed), sorted by run_id."""
        return _read_parts(self.summary_dir, columns)

    def monthly_columns(self) -> list[str]:
        """Columns of the monthly parts (from one part's schema), without reading any data."""
        import pyarrow.parquet as pq

        first = next(iter(sorted(self.monthly_dir.glob("run-*.parquet"))), None) if self.monthly_dir.exists() else None
        return [] if first is None else list(pq.read_schema(first).names)

    def monthly(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Monthly series of every successful run, sorted by run_id then date."""
        return _read_parts(self.monthly_dir, columns)


def _part_ids(folder: Path) -> set[int]:
    if not folder.exists():
        return set()
    return {int(m.group(1)) for p in folder.iterdir() if (m := PART.match(p.name))}


def _read_parts(folder: Path, columns: list[str] | None) -> pd.DataFrame:
    """Read all parts, unifying their schemas (a failed run's row lacks some outcome columns)."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    files = sorted(str(p) for p in folder.glob("run-*.parquet")) if folder.exists() else []
    if not files:
        return pd.DataFrame(columns=columns or KEY_COLUMNS)
    schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
    table = ds.dataset(files, schema=schema, format="parquet").to_table(columns=columns)
    df = table.to_pandas()
    # parts are listed in run_id order (zero-padded names); keep rows within a run in their order
    return df.sort_values("run_id", kind="stable").reset_index(drop=True) if "run_id" in df else df


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
