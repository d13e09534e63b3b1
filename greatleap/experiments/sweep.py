"""Run a sweep: design -> engine -> store, with a progress bar; resumable at any point."""

from __future__ import annotations

import functools
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from greatleap.atomic import free_bytes, mb
from greatleap.errors import NoSpace
from greatleap.experiments.design import build_design, run_params
from greatleap.experiments.engines import execute_run
from greatleap.experiments.spec import Spec
from greatleap.experiments.store import SweepStore


@dataclass(frozen=True)
class SweepResult:
    output: Path
    total: int  # runs in the design
    skipped: int  # already finished before this call (resume)
    ok: int  # finished by this call
    failed: int  # failed in this call (recorded with their error and seed)
    seconds: float
    failed_total: int = 0  # runs recorded as failed in the store after this call
    quarantined: int = 0  # damaged or foreign parts this call moved to OUT/quarantine

    def line(self) -> str:
        resumed = f", {self.skipped} already done" if self.skipped else ""
        return (f"{self.total} runs{resumed}: {self.ok} ok, {self.failed} failed in this call, "
                f"{self.seconds:.1f} s -> {self.output}")


def default_model() -> Callable[[dict, int], dict]:
    from greatleap.runner import run_one

    return run_one


def run_sweep(spec: Spec, engine, model_fn: Callable | None = None, progress: bool = True,
              retry_failed: bool = False, design: pd.DataFrame | None = None) -> SweepResult:
    """Run every run of ``spec`` not already in its store. Safe to call again after any kill.
    ``design`` is ``build_design(spec)`` when the caller has it already. Holds the output folder's
    lock throughout (``SweepStore.writing``): a second sweep of the same folder is refused."""
    start = time.perf_counter()
    if design is None:
        design = build_design(spec)  # validates every run's parameters before anything is written
    model_fn = model_fn or default_model()
    store = SweepStore(spec.output)
    with store.writing(spec, design):  # one sweep per folder: a second one is refused here, before any run
        if progress:
            print(f"{spec.name}: running on {getattr(engine, 'description', type(engine).__name__)}",
                  file=sys.stderr, flush=True)
        found = store.verify()
        if found.problems:  # damaged, foreign or unrecorded parts: set aside, and their runs run again
            where = store.quarantine(found)
            print(f"{spec.name}: {len(found.problems)} part(s) cannot be trusted ({found.problem_line()}); "
                  f"set aside in {where}, and their runs run again", file=sys.stderr, flush=True)
        done = set(found.complete)
        failed_before = found.failed
        if retry_failed:
            done -= failed_before
            failed_before = set()
        todo = design.loc[~design["run_id"].isin(done), "run_id"].tolist()
        outcomes = list(spec.outcomes) if spec.outcomes is not None else None
        series = list(spec.series) if spec.series is not None else None
        tasks = ({"run_id": run_id, "seed": int(row["seed"]), "series": series, "params": run_params(spec, row)}
                 for run_id in todo if (row := _row(design, run_id)))  # lazy: one task dict at a time

        from tqdm import tqdm

        bar = tqdm(total=len(design), initial=len(design) - len(todo), unit="run", mininterval=1.0,
                   disable=not progress, desc=spec.name, dynamic_ncols=True)
        ok = failed = 0
        try:
            for task, record in engine.run(functools.partial(execute_run, model_fn), tasks):
                try:
                    store.write_run(_row(design, task["run_id"]), spec.varied, record, outcomes)
                except NoSpace as exc:
                    raise _out_of_space(store, exc, len(todo) - ok - failed) from None
                if record["status"] == "ok":
                    ok += 1
                else:
                    failed += 1
                    bar.write(f"run {task['run_id']} (seed {task['seed']}) failed: {record['error']}")
                bar.set_postfix_str(f"failed={failed}", refresh=False)
                bar.update()
        finally:
            bar.close()
    return SweepResult(Path(spec.output), len(design), len(design) - len(todo), ok, failed,
                       time.perf_counter() - start, len(failed_before) + failed, len(found.problems))


def _row(design: pd.DataFrame, run_id: int) -> dict:
    """One design row as plain Python values (build_design numbers runs by position, 0..n-1)."""
    return design.iloc[run_id:run_id + 1].to_dict("records")[0]


def _out_of_space(store: SweepStore, exc: NoSpace, left: int) -> NoSpace:
    """The one line of a sweep that filled its disk: what the runs left need, from what the runs
    written so far took. Every run written is complete; the same command resumes."""
    per_run = store.bytes_written / store.runs_written if store.runs_written else (exc.need or 0)
    need = f": about {mb(per_run * left)} needed for the {left} runs left" if per_run else ""
    free = free_bytes(store.root)
    return NoSpace(store.root, f"no space left on {store.root}{need}{f' ({mb(free)} free)' if free is not None else ''}; "
                               "free some space, then run the same command to resume", exc.need)
