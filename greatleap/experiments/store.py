"""The result store of one sweep: a folder of Parquet parts, one per run, plus the design.

Layout::

    OUT/manifest.json        the spec, the design's hash, versions; written last on creation
    OUT/design.parquet       one row per run (run_id, scenario, point, replicate, seed, varied params)
    OUT/monthly/run-NNNNNNNNN.parquet   the run's monthly series (ok runs only)
    OUT/provinces/run-NNNNNNNNN.parquet the run's province table, a row per year and province
                                        (ok runs of a model that gives one: ``run_one`` does)
    OUT/summary/run-NNNNNNNNN.parquet   one row: design columns, status, error, time, outcomes
    OUT/parts.jsonl          the manifest of parts: one line per part written (its sha256, bytes, rows)
    OUT/quarantine/          damaged or foreign parts a resume moved out of the way (never deleted)
    OUT/.lock                the lock a writing sweep holds (``SweepStore.writing``); not data

Why parts: a single growing Parquet file is unreadable after a kill, and appending to CSV
duplicated rows in our tests (notes/ecosystem.md §3). Each part is written to a temporary name and
renamed (``greatleap.atomic``), so a part is either complete or absent. The summary part is written
after the monthly part and is the "run finished" mark: resume skips runs that have one, and a rerun
replaces a part under the same name, so no run can appear twice. ``OUT/monthly`` and ``OUT/summary``
are each a Parquet dataset (pandas, polars, duckdb read the folder).

Integrity: before a part is published, its checksum, size and row count are appended to
``parts.jsonl`` (one short line, so a kill tears at most that line). ``verify`` reads a part only if
it matches its line: a part truncated, emptied or overwritten later, one not in the manifest (copied
from elsewhere, or published as a sweep was killed) and one whose run is not in the design are
named, never read. Resume moves them to ``quarantine/`` and runs their runs again; ``report`` and
``sensitivity`` refuse to read a store that has any; ``greatleap sweep --verify DIR`` lists them.
A store written before parts.jsonl existed (manifest without ``format``) is checked by reading each
part, and a resume records the parts that read back whole.

One sweep at a time: ``run_sweep`` writes through ``SweepStore.writing``, which holds an exclusive
``flock`` on ``OUT/.lock`` until the sweep ends; a second sweep on the folder is refused before it
runs or writes anything. flock rather than a file created exclusively: the kernel drops the lock
when its process ends, however it ends, so the ``.lock`` a killed sweep leaves behind blocks nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from greatleap.atomic import append_line, table_bytes, write_bytes, write_text
from greatleap.errors import InputError, OutputError
from greatleap.experiments.design import KEY_COLUMNS, sweep_fingerprint

PART = re.compile(r"^run-(\d{9,})\.parquet$")
KINDS = ("monthly", "provinces", "summary")
LOCK = ".lock"
PARTS_LOG = "parts.jsonl"
QUARANTINE = "quarantine"
FORMAT = 2  # 2: parts recorded in parts.jsonl with their checksums
OWN_FILES = {"manifest.json", "design.parquet", *KINDS, "report", "sensitivity", LOCK, PARTS_LOG, QUARANTINE}
_HOST = socket.gethostname()


def part_name(run_id: int) -> str:
    return f"run-{run_id:09d}.parquet"


@dataclass
class Verification:
    """What ``SweepStore.verify`` found: the runs whose parts are all there and intact, and every
    part that is not (by its path inside the store, with the reason)."""

    n_runs: int
    complete: dict[int, str] = field(default_factory=dict)  # run_id -> status ("ok" or "failed")
    problems: dict[str, str] = field(default_factory=dict)  # "summary/run-...parquet" -> what is wrong
    bytes_checked: int = 0

    @property
    def failed(self) -> set[int]:
        return {run_id for run_id, status in self.complete.items() if status != "ok"}

    def problem_line(self, limit: int = 3) -> str:
        shown = [f"{path} ({why})" for path, why in sorted(self.problems.items())[:limit]]
        more = f" and {len(self.problems) - limit} more" if len(self.problems) > limit else ""
        return "; ".join(shown) + more


class SweepStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.monthly_dir = self.root / "monthly"
        self.provinces_dir = self.root / "provinces"
        self.summary_dir = self.root / "summary"
        self._verified: Verification | None = None
        self.bytes_written = 0  # by this object's write_run calls (the full-disk estimate)
        self.runs_written = 0

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
            found = self.manifest(field="output").get("design_hash")
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
            info = self.manifest(field="output")
            if info.get("design_sha256") and _sha256(self.root / "design.parquet") != info["design_sha256"]:
                info = self._write_design(design, info)  # damaged: the same design (same hash) again
            if info.get("format", 1) < FORMAT:
                self._record_legacy_parts(info)
            return True
        import greatleap

        self._write_design(design, {"spec": spec.to_dict(), "design_hash": digest, "n_runs": int(len(design)),
                                    "format": FORMAT, "greatleap_version": greatleap.__version__,
                                    "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        return False

    def _write_design(self, design: pd.DataFrame, info: dict) -> dict:
        """design.parquet, then the manifest with its checksum (last: the manifest marks the store valid)."""
        data = table_bytes(design, ".parquet")
        write_bytes(self.root / "design.parquet", data)
        info = {**info, "design_sha256": hashlib.sha256(data).hexdigest()}
        write_text(self.root / "manifest.json", json.dumps(info, indent=2, default=str) + "\n")
        return info

    def _record_legacy_parts(self, info: dict) -> None:
        """A store from before parts.jsonl: record every part that reads back whole (the others are
        left for ``verify`` to name), then mark the store as recorded."""
        found = self.verify()
        for run_id, status in found.complete.items():
            for kind in KINDS if status == "ok" else ("summary",):
                path = self.root / kind / part_name(run_id)
                if kind == "provinces" and not path.exists():  # a run without the province table
                    continue
                self._record(kind, run_id, path.read_bytes(), status if kind == "summary" else None,
                             _rows_in(path))
        write_text(self.root / "manifest.json", json.dumps({**info, "format": FORMAT}, indent=2, default=str) + "\n")
        self._verified = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive flock on OUT/.lock, or refuse at once if another process holds it.
        The file holds the holder's pid (for the message) and is never removed: removing it would
        let two sweeps lock two different files of the same name."""
        import fcntl

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)  # not inherited by workers
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
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()} {_HOST}\n".encode(), 0)
            except OSError:
                pass  # the pid only makes the message above more helpful; a full disk must not stop us here
            yield
        finally:
            os.close(fd)  # releases the lock (so does the kernel if this process is killed)

    def _remove_temporaries(self) -> None:
        """A kill between writing a temporary and renaming it leaves a .tmp-* file; drop them."""
        for folder in (self.monthly_dir, self.summary_dir):
            if folder.exists():
                for tmp in folder.glob(".tmp-*"):
                    tmp.unlink(missing_ok=True)

    def quarantine(self, found: Verification) -> Path:
        """Move every part ``verify`` found wrong to OUT/quarantine/ (same relative path), so that
        the store holds only intact parts and the runs concerned are run again. Nothing is deleted."""
        target = self.root / QUARANTINE
        for relative in found.problems:
            source = self.root / relative
            if source.exists():
                try:
                    (target / relative).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(source, target / relative)
                except OSError as exc:
                    raise OutputError(source, f"cannot move {source} to {target} ({exc.strerror})") from None
        self._verified = None
        return target

    # ---- writing ----------------------------------------------------------------------------
    def write_run(self, design_row: dict[str, Any], varied: list[str], record: dict[str, Any],
                  outcomes: list[str] | None) -> None:
        """Store one finished run: the monthly part first, the province table's part if the model
        gave one, then the summary part (the done mark)."""
        run_id = int(design_row["run_id"])
        keys = {k: design_row[k] for k in KEY_COLUMNS}
        monthly = record.get("monthly")
        if record["status"] == "ok" and monthly is not None:
            self._write_part("monthly", run_id, _with_keys(monthly, keys))
            provinces = record.get("provinces")
            if provinces is not None and len(provinces):
                self._write_part("provinces", run_id, _with_keys(provinces, keys))
        summary = record.get("summary") or {}
        names = outcomes if outcomes is not None else list(summary)
        row = {**keys, **{k: design_row[k] for k in varied}, "status": record["status"],
               "error": record.get("error", ""), "elapsed_s": float(record.get("elapsed_s", 0.0)),
               "cpu_s": float(record.get("cpu_s", 0.0))}
        row.update({name: _as_float(summary.get(name)) for name in names})
        self._write_part("summary", run_id, pd.DataFrame([row]), status=record["status"])
        self.runs_written += 1
        self._verified = None

    def _write_part(self, kind: str, run_id: int, table: pd.DataFrame, status: str | None = None) -> None:
        """Record the part's checksum first, then publish it: a kill in between leaves a recorded
        part that is absent (its run is not finished) or, on a rerun, an older file that no longer
        matches its line (damaged: moved aside and run again)."""
        data = table_bytes(table, ".parquet")
        self._record(kind, run_id, data, status, len(table))
        write_bytes(self.root / kind / part_name(run_id), data)
        self.bytes_written += len(data)

    def _record(self, kind: str, run_id: int, data: bytes, status: str | None, rows: int) -> None:
        line = {"part": f"{kind}/{part_name(run_id)}", "run_id": run_id, "rows": rows, "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest()}
        if status is not None:
            line["status"] = status
        append_line(self.root / PARTS_LOG, json.dumps(line, separators=(",", ":")))

    # ---- checking ---------------------------------------------------------------------------
    def verify(self) -> Verification:
        """Check every part against its line in parts.jsonl (size, then sha256); see the module's
        docstring. The folders are listed before the log is read, so a part a running sweep
        publishes meanwhile is recorded by then. Cached until this object writes."""
        if self._verified is not None:
            return self._verified
        info = self.manifest()
        found = Verification(int(info.get("n_runs", 0)))
        on_disk = {kind: _listing(self.root / kind) for kind in KINDS}
        records = self._records() if info.get("format", 1) >= FORMAT else None
        intact: dict[str, dict[int, dict]] = {kind: {} for kind in KINDS}
        for kind, names in on_disk.items():
            for name in names:
                match = PART.match(name)
                run_id = int(match.group(1)) if match else -1
                if match is None or part_name(run_id) != name:
                    found.problems[f"{kind}/{name}"] = "foreign: not a part of a sweep store"
                elif run_id >= found.n_runs:
                    found.problems[f"{kind}/{name}"] = f"foreign: run {run_id} is not in this sweep's {found.n_runs} runs"
                else:
                    why, record = self._check_part(kind, run_id, records, found)
                    if why:
                        found.problems[f"{kind}/{name}"] = why
                    else:
                        intact[kind][run_id] = record
        for run_id, record in intact["summary"].items():
            if record.get("status") != "ok":
                found.complete[run_id] = record.get("status") or "failed"
            elif run_id in intact["monthly"] and self._provinces_whole(run_id, intact, on_disk, records):
                found.complete[run_id] = "ok"
            else:
                for kind in ("monthly", "provinces"):
                    if part_name(run_id) not in on_disk[kind] and records is not None \
                            and f"{kind}/{part_name(run_id)}" in records:
                        found.problems[f"{kind}/{part_name(run_id)}"] = "missing: recorded in parts.jsonl, not on disk"
        self._verified = found
        return found

    @staticmethod
    def _provinces_whole(run_id: int, intact: dict, on_disk: dict, records: dict | None) -> bool:
        """A run's province part is intact, or it never had one (a model without the table, a store
        from before the part): one recorded but moved aside or lost makes the run run again."""
        name = part_name(run_id)
        if run_id in intact["provinces"]:
            return True
        return name not in on_disk["provinces"] and (records is None or f"provinces/{name}" not in records)

    def _check_part(self, kind: str, run_id: int, records: dict | None,
                    found: Verification) -> tuple[str | None, dict]:
        path = self.root / kind / part_name(run_id)
        try:
            if records is None:  # a store from before parts.jsonl: read the part back
                return _readable(path, run_id, kind)
            record = records.get(f"{kind}/{part_name(run_id)}")
            if record is None:
                return "not in parts.jsonl: copied from elsewhere, or published as a sweep was killed", {}
            size = path.stat().st_size
            if size != record["bytes"]:
                return f"damaged: {size:,} bytes, {record['bytes']:,} when written", record
            found.bytes_checked += size
            if _sha256(path) != record["sha256"]:
                return "damaged: its checksum differs from the one recorded when it was written", record
            return None, record
        except OSError as exc:
            return f"unreadable ({exc.strerror or exc})", {}

    def _records(self) -> dict[str, dict]:
        """The last line of parts.jsonl for each part; torn or foreign lines are skipped."""
        records: dict[str, dict] = {}
        try:
            with open(self.root / PARTS_LOG, "rb") as fh:
                for raw in fh:
                    try:
                        line = json.loads(raw)
                    except ValueError:
                        continue
                    if isinstance(line, dict) and isinstance(line.get("part"), str) \
                            and isinstance(line.get("bytes"), int) and isinstance(line.get("sha256"), str):
                        records[line["part"]] = line
        except FileNotFoundError:
            pass
        return records

    def require_intact(self) -> Verification:
        """The verification, or one line naming the damaged and foreign parts (report, sensitivity)."""
        found = self.verify()
        if found.problems:
            n = len(found.problems)
            raise InputError("sweep_dir", f"{n} part{'s' if n > 1 else ''} of {self.root} cannot be trusted: "
                             f"{found.problem_line()}; run the sweep's spec again (`greatleap sweep SPEC`) to move "
                             f"them to {QUARANTINE}/ and rerun their runs (`greatleap sweep --verify {self.root}` "
                             "lists them all)")
        return found

    # ---- reading ----------------------------------------------------------------------------
    def manifest(self, field: str = "sweep_dir") -> dict[str, Any]:
        path = self.root / "manifest.json"
        try:
            info = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise InputError(field, f"{self.root} is not a sweep folder (no manifest.json)") from None
        except OSError as exc:
            raise InputError(field, f"cannot read {path} ({exc.strerror or exc})") from None
        except ValueError:
            info = None
        if not isinstance(info, dict) or not isinstance(info.get("n_runs"), int) or "design_hash" not in info:
            raise InputError(field, f"{path} is damaged (not the JSON a sweep writes), so this folder cannot "
                                    "be read or resumed safely; allowed: a sweep folder (choose another output "
                                    "folder for a new sweep)")
        return info

    def design(self) -> pd.DataFrame:
        path = self.root / "design.parquet"
        info = self.manifest()
        try:
            if "design_sha256" in info and _sha256(path) != info["design_sha256"]:
                raise ValueError("checksum")
            return pd.read_parquet(path)
        except (OSError, ValueError):
            raise InputError("sweep_dir", f"{path} is damaged; run the sweep's spec again "
                                          "(`greatleap sweep SPEC`) to rewrite it") from None

    def finished_ids(self) -> set[int]:
        return set(self.verify().complete)

    def failed_ids(self) -> set[int]:
        return self.verify().failed

    def summary(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The summary row of every run whose parts are intact (ok and failed), sorted by run_id."""
        return _read_parts(self.summary_dir, sorted(self.verify().complete), columns)

    def _ok_ids(self) -> list[int]:
        return sorted(run_id for run_id, status in self.verify().complete.items() if status == "ok")

    def monthly_columns(self) -> list[str]:
        """Columns of the monthly parts (from one part's schema), without reading any data."""
        import pyarrow.parquet as pq

        ok = self._ok_ids()
        return list(pq.read_schema(self.monthly_dir / part_name(ok[0])).names) if ok else []

    def monthly(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Monthly series of every successful run, sorted by run_id then date."""
        return _read_parts(self.monthly_dir, self._ok_ids(), columns)

    def provinces(self) -> pd.DataFrame:
        """Province tables of the successful runs that have one, sorted by run_id then year."""
        ids = [run_id for run_id in self._ok_ids() if (self.provinces_dir / part_name(run_id)).exists()]
        return _read_parts(self.provinces_dir, ids, None)


def _with_keys(table: pd.DataFrame, keys: dict[str, Any]) -> pd.DataFrame:
    """The table with the run's design keys as its first columns."""
    table = table.copy()
    for i, (k, v) in enumerate(keys.items()):
        table.insert(i, k, v)
    return table


def _listing(folder: Path) -> set[str]:
    """Names in a parts folder, without the temporaries of writers (ignored, removed on resume)."""
    try:
        return {name for name in os.listdir(folder) if not name.startswith(".tmp-")}
    except FileNotFoundError:
        return set()


def _sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def _rows_in(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def _readable(path: Path, run_id: int, kind: str) -> tuple[str | None, dict]:
    """A part of a store from before parts.jsonl: it must read back, and hold its own run."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=["run_id", "status"] if kind == "summary" else ["run_id"])
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a damaged file
        return f"damaged: does not read as Parquet ({type(exc).__name__})", {}
    ids = set(table.column("run_id").to_pylist())
    if ids != {run_id} or (kind == "monthly" and table.num_rows == 0):
        return f"foreign: holds run {sorted(ids)[:3]}, not run {run_id}", {}
    return None, {"status": table.column("status")[0].as_py()} if kind == "summary" else {}


def _read_parts(folder: Path, run_ids: list[int], columns: list[str] | None) -> pd.DataFrame:
    """Read the parts of these runs, unifying their schemas (a failed run's row lacks some outcome
    columns)."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    files = [str(folder / part_name(run_id)) for run_id in run_ids]
    if not files:
        return pd.DataFrame(columns=columns or KEY_COLUMNS)
    schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
    table = ds.dataset(files, schema=schema, format="parquet").to_table(columns=columns)
    df = table.to_pandas()
    # parts are listed in run_id order; keep rows within a run in their order
    return df.sort_values("run_id", kind="stable").reset_index(drop=True) if "run_id" in df else df


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
