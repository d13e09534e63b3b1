"""The ``greatleap sweep``, ``report`` and ``sensitivity`` commands (added by greatleap/cli.py).

Heavy imports (Mesa, Dask, SALib, matplotlib) happen inside the commands, so ``greatleap --help``
stays fast. Bad input raises ``InputError``: one line, exit code 2, and no file written.
``engine_options`` and ``make_engine`` are shared with any command that runs the model many times.
"""

from __future__ import annotations

import importlib
from typing import Callable

import click

from greatleap.errors import InputError
from greatleap.inputs import Whole, check_workers, existing_folder, output_folder


class RunsFailed(click.ClickException):
    """The sweep finished but some runs failed: exit code 1 (bad input is 2)."""

    exit_code = 1


def engine_options(command: Callable) -> Callable:
    """--workers / --force-workers / --scheduler / --scheduler-file, shared by sweep and sensitivity."""
    options = [
        click.option("--workers", type=Whole(), default=None,
                     help="Local worker processes [default: one per CPU, at most that]; 0 runs in this "
                          "process (debugging)."),
        click.option("--force-workers", is_flag=True,
                     help="Allow more --workers than CPUs (up to 4 per CPU)."),
        click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                     help="Run on the Dask cluster whose scheduler is at this address."),
        click.option("--scheduler-file", type=str, default=None, metavar="FILE",
                     help="Run on the Dask cluster described by this scheduler file."),
        click.option("--out", type=str, default=None, metavar="DIR",
                     help="Output folder, replacing the spec's `output`."),
        click.option("--retry-failed", is_flag=True, help="Run again the runs recorded as failed."),
        click.option("--quiet", is_flag=True, help="No progress bar."),
        click.option("--task", default=None, hidden=True,
                     help="module:function with run_one's contract (for tests and other models)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def check_engine(workers: int | None, scheduler: str | None, scheduler_file: str | None,
                 force_workers: bool = False) -> str | None:
    """Check the engine options before any work; returns the Dask address (None: local)."""
    from greatleap.experiments.engines import read_scheduler_file, scheduler_address

    if workers is not None and (scheduler or scheduler_file):
        raise InputError("workers", "give either --workers (local) or --scheduler/--scheduler-file (Dask), not both")
    if scheduler is not None and scheduler_file is not None:
        raise InputError("scheduler", "give either --scheduler or --scheduler-file, not both")
    check_workers(workers, force_workers)
    if scheduler is not None:
        return scheduler_address(scheduler)
    if scheduler_file is not None:
        return read_scheduler_file(scheduler_file)
    return None


def make_engine(workers: int | None, scheduler: str | None, scheduler_file: str | None,
                force_workers: bool = False):
    return start_engine(workers, check_engine(workers, scheduler, scheduler_file, force_workers))


def start_engine(workers: int | None, address: str | None):
    """The engine ``check_engine`` chose: a Dask cluster at ``address``, or local processes."""
    if address is not None:
        from greatleap.experiments.engines import DaskEngine

        return DaskEngine(address=address)
    from greatleap.experiments.engines import InlineEngine, LocalEngine

    return InlineEngine() if workers == 0 else LocalEngine(workers)


def load_task(task: str | None) -> Callable | None:
    if task is None:
        return None
    module, _, name = task.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        raise InputError("task", f"cannot import {task!r} (expected module:function)") from None


def run_spec(spec_path, out, workers, scheduler, scheduler_file, retry_failed, quiet, task, force_workers=False,
             check=None):
    """Load and validate a spec, then run it; returns the spec and the SweepResult. Everything
    the user gave (engine options, spec file, output folder, every run's parameters) is checked
    before connecting to a cluster or writing anything."""
    from greatleap.experiments.design import build_design
    from greatleap.experiments.spec import load_spec
    from greatleap.experiments.sweep import default_model, run_sweep

    output_folder(out, "--out")
    address = check_engine(workers, scheduler, scheduler_file, force_workers)
    spec = load_spec(spec_path, output=out)
    output_folder(spec.output, "--out" if out is not None else "output")
    if check:
        check(spec)
    design = build_design(spec)  # every run's parameters validated before connecting or writing
    model_fn = load_task(task) or default_model()
    engine = start_engine(workers, address)
    try:  # run_sweep says where it runs once it holds the folder's lock
        result = run_sweep(spec, engine, model_fn=model_fn, progress=not quiet, retry_failed=retry_failed,
                           design=design)
    finally:
        engine.close()
    click.echo(result.line())
    return spec, result


def raise_if_failed(result) -> None:
    """A store with failed runs is not finished: exit code 1, saying how many and how to retry."""
    if result.failed_total:
        raise RunsFailed(f"{result.failed_total} of {result.total} runs failed ({result.failed} in this call); "
                         f"their errors and seeds are in the status and error columns of {result.output / 'summary'}; "
                         "run the same command with --retry-failed to run them again")


@click.command("sweep")
@click.argument("spec", type=str, required=False)
@click.option("--verify", "verify_dir", type=str, default=None, metavar="DIR",
              help="Check every part of the sweep folder DIR against its manifest and run nothing.")
@engine_options
def sweep(spec: str | None, verify_dir: str | None, out, workers, force_workers, scheduler, scheduler_file,
          retry_failed, quiet, task) -> None:
    """Run the batch sweep described by the TOML file SPEC (resumes if interrupted; damaged or
    foreign parts are moved to OUT/quarantine and their runs run again).

    Exit code 1 if some runs failed (they are recorded with their error and seed; --retry-failed
    runs them again), or with --verify if some part is damaged or foreign.
    """
    if verify_dir is not None:
        if spec is not None or any((out, workers is not None, force_workers, scheduler, scheduler_file, retry_failed,
                                    task)):
            raise InputError("verify", "checks a sweep folder and runs nothing; give it alone, without a SPEC "
                                       "or engine options")
        return verify(verify_dir)
    if spec is None:
        raise InputError("spec", "missing: give the sweep's TOML file (or --verify DIR to check a sweep folder)")
    _, result = run_spec(spec, out, workers, scheduler, scheduler_file, retry_failed, quiet, task, force_workers)
    raise_if_failed(result)


class DamagedStore(click.ClickException):
    exit_code = 1


def verify(folder: str) -> None:
    """``greatleap sweep --verify DIR``: one line of counts, then one line per part that cannot be
    trusted; exit code 1 if there is any."""
    from greatleap.experiments.store import SweepStore

    store = SweepStore(existing_folder(folder, "verify"))
    found = store.verify()
    store.design()  # a damaged design.parquet is one line too
    failed = len(found.failed)
    click.echo(f"{folder}: {found.n_runs} runs in the design, {len(found.complete)} complete with intact parts "
               f"({failed} of them failed), {found.n_runs - len(found.complete)} not finished; "
               f"{found.bytes_checked / 1e6:.1f} MB checked against parts.jsonl")
    for path, why in sorted(found.problems.items()):
        click.echo(f"  {path}: {why}")
    if found.problems:
        raise DamagedStore(f"{len(found.problems)} part(s) cannot be trusted; run the sweep's spec again "
                           f"(`greatleap sweep SPEC`) to move them to {folder}/quarantine and rerun their runs")


@click.command("report")
@click.argument("sweep_dir", type=str)
@click.option("--outcome", "outcomes", multiple=True, help="Summary outcome to plot (repeatable) [default: main ones].")
@click.option("--series", "series", multiple=True, help="Monthly series to plot (repeatable) [default: main ones].")
def report(sweep_dir: str, outcomes: tuple[str, ...], series: tuple[str, ...]) -> None:
    """Figures (PNG and SVG) and summary tables (CSV, Markdown) of a sweep, in SWEEP_DIR/report
    (replaced as a whole)."""
    from greatleap.experiments.report import make_report

    written = make_report(sweep_dir, outcomes=list(outcomes) or None, series=list(series) or None)
    for path in written:
        click.echo(str(path))


@click.command("sensitivity")
@click.argument("source", type=str)
@click.option("--outcome", default="excess_deaths", show_default=True, help="Summary outcome to analyse.")
@engine_options
def sensitivity(source: str, outcome: str, out, workers, force_workers, scheduler, scheduler_file, retry_failed,
                quiet, task) -> None:
    """Morris or Sobol indices of OUTCOME over the sampled uncertainties and levers.

    SOURCE is a spec with [sample] method = "morris" or "sobol" (run first, resumably) or the folder
    of such a sweep. Writes SOURCE's output/sensitivity/: indices as CSV and Markdown, and a bar
    chart with confidence intervals (PNG, SVG).
    """
    from greatleap.experiments.sensitivity import analyse, require_sensitivity_design

    output_folder(out, "--out")
    if source.endswith(".toml"):
        spec, _ = run_spec(source, out, workers, scheduler, scheduler_file, retry_failed, quiet, task,
                           force_workers, check=require_sensitivity_design)
        sweep_dir = spec.output
    else:
        sweep_dir = source
    for path in analyse(sweep_dir, outcome):
        click.echo(str(path))


COMMANDS = [sweep, report, sensitivity]
