"""Run a sweep: design -> engine -> store, with a progress bar; resumable at any point."""

from __future__ import annotations

import functools
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

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
        done = store.finished_ids()
        if retry_failed:
            done -= store.failed_ids()
        todo = design[~design["run_id"].isin(done)]
        rows = {int(r["run_id"]): r for r in design.to_dict("records")}
        outcomes = list(spec.outcomes) if spec.outcomes is not None else None
        series = list(spec.series) if spec.series is not None else None
        tasks = ({"run_id": int(r["run_id"]), "seed": int(r["seed"]), "series": series,
                  "params": run_params(spec, r)} for r in todo.to_dict("records"))  # lazy: flat memory

        from tqdm import tqdm

        bar = tqdm(total=len(design), initial=len(design) - len(todo), unit="run", mininterval=1.0,
                   disable=not progress, desc=spec.name, dynamic_ncols=True)
        ok = failed = 0
        try:
            for task, record in engine.run(functools.partial(execute_run, model_fn), tasks):
                store.write_run(rows[task["run_id"]], spec.varied, record, outcomes)
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
                       time.perf_counter() - start)
