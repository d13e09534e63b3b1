"""The ``greatleap sweep``, ``report`` and ``sensitivity`` commands (added by greatleap/cli.py).

Heavy imports (Mesa, Dask, SALib, matplotlib) happen inside the commands, so ``greatleap --help``
stays fast. Bad input raises ``InputError``: one line, exit code 2, and no file written.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

import click

from greatleap.errors import InputError, refuse_option_like


class RunsFailed(click.ClickException):
    """The sweep finished but some runs failed: exit code 1 (bad input is 2)."""

    exit_code = 1


def engine_options(command: Callable) -> Callable:
    """--workers / --scheduler / --scheduler-file, shared by sweep and sensitivity."""
    options = [
        click.option("--workers", type=int, default=None,
                     help="Local worker processes [default: all cores]; 0 runs in this process (debugging)."),
        click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                     help="Run on the Dask cluster whose scheduler is at this address."),
        click.option("--scheduler-file", type=click.Path(path_type=Path), default=None,
                     help="Run on the Dask cluster described by this scheduler file."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Output folder, replacing the spec's `output`."),
        click.option("--retry-failed", is_flag=True, help="Run again the runs recorded as failed."),
        click.option("--quiet", is_flag=True, help="No progress bar."),
        click.option("--task", default=None, hidden=True,
                     help="module:function with run_one's contract (for tests and other models)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_engine(workers: int | None, scheduler: str | None, scheduler_file: Path | None):
    if workers is not None and (scheduler or scheduler_file):
        raise InputError("workers", "give either --workers (local) or --scheduler/--scheduler-file (Dask), not both")
    if scheduler and scheduler_file:
        raise InputError("scheduler", "give either --scheduler or --scheduler-file, not both")
    if workers is not None and workers < 0:
        raise InputError("workers", f"got {workers}; allowed: a whole number >= 0 (0: in this process)")
    if scheduler or scheduler_file:
        if scheduler and "://" not in scheduler:
            raise InputError("scheduler", f"got {scheduler!r}; expected an address like tcp://HOST:8786")
        if scheduler_file and not scheduler_file.is_file():
            raise InputError("scheduler_file", f"no such file: {scheduler_file}")
        from greatleap.experiments.engines import DaskEngine

        try:
            return DaskEngine(address=scheduler, scheduler_file=str(scheduler_file) if scheduler_file else None)
        except (OSError, TimeoutError) as exc:
            raise InputError("scheduler", f"cannot reach the Dask cluster: {exc}") from None
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


def run_spec(spec_path: Path, out, workers, scheduler, scheduler_file, retry_failed, quiet, task, check=None):
    """Load and validate a spec, then run it; returns the spec and the SweepResult."""
    from greatleap.experiments.design import build_design
    from greatleap.experiments.spec import load_spec
    from greatleap.experiments.sweep import default_model, run_sweep

    spec = load_spec(spec_path, output=out)
    if check:
        check(spec)
    design = build_design(spec)  # every run's parameters validated before connecting or writing
    model_fn = load_task(task) or default_model()
    engine = make_engine(workers, scheduler, scheduler_file)
    try:  # run_sweep says where it runs once it holds the folder's lock
        result = run_sweep(spec, engine, model_fn=model_fn, progress=not quiet, retry_failed=retry_failed,
                           design=design)
    finally:
        engine.close()
    click.echo(result.line())
    return spec, result


@click.command("sweep")
@click.argument("spec", type=click.Path(path_type=Path))
@engine_options
def sweep(spec: Path, out, workers, scheduler, scheduler_file, retry_failed, quiet, task) -> None:
    """Run the batch sweep described by the TOML file SPEC (resumes if interrupted).

    Exit code 1 if some runs failed (they are recorded with their error and seed).
    """
    refuse_option_like("--out", out)
    _, result = run_spec(spec, out, workers, scheduler, scheduler_file, retry_failed, quiet, task)
    if result.failed:
        raise RunsFailed(f"{result.failed} runs failed; their errors and seeds are in the status and "
                         f"error columns of {result.output / 'summary'}")


@click.command("report")
@click.argument("sweep_dir", type=click.Path(path_type=Path))
@click.option("--outcome", "outcomes", multiple=True, help="Summary outcome to plot (repeatable) [default: main ones].")
@click.option("--series", "series", multiple=True, help="Monthly series to plot (repeatable) [default: main ones].")
def report(sweep_dir: Path, outcomes: tuple[str, ...], series: tuple[str, ...]) -> None:
    """Figures (PNG and SVG) and summary tables (CSV, Markdown) of a sweep, in SWEEP_DIR/report."""
    from greatleap.experiments.report import make_report

    written = make_report(sweep_dir, outcomes=list(outcomes) or None, series=list(series) or None)
    for path in written:
        click.echo(str(path))


@click.command("sensitivity")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--outcome", default="excess_deaths", show_default=True, help="Summary outcome to analyse.")
@engine_options
def sensitivity(source: Path, outcome: str, out, workers, scheduler, scheduler_file, retry_failed, quiet, task) -> None:
    """Morris or Sobol indices of OUTCOME over the sampled uncertainties and levers.

    SOURCE is a spec with [sample] method = "morris" or "sobol" (run first, resumably) or the folder
    of such a sweep. Writes SOURCE's output/sensitivity/: indices as CSV and Markdown, and a bar
    chart with confidence intervals (PNG, SVG).
    """
    refuse_option_like("--out", out)
    from greatleap.experiments.sensitivity import analyse, require_sensitivity_design

    if source.suffix == ".toml":
        spec, _ = run_spec(source, out, workers, scheduler, scheduler_file, retry_failed, quiet, task,
                           check=require_sensitivity_design)
        sweep_dir = spec.output
    else:
        sweep_dir = source
    for path in analyse(sweep_dir, outcome):
        click.echo(str(path))


COMMANDS = [sweep, report, sensitivity]
