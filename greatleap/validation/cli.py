"""The ``greatleap validate`` command (added to ``greatleap`` by greatleap/cli.py via ``COMMANDS``)."""

from __future__ import annotations

import time

import click

from greatleap.errors import InputError

from greatleap.inputs import SEEDS, Whole, check_workers, output_folder


@click.command("validate")
@click.option("--seeds", default=20, show_default=True, type=SEEDS, help="Seeds per run (1..N, shared by every run).")
@click.option("--out", type=str, default="validation", metavar="DIR",
              show_default=True, help="Folder for validation.md and img/validation/*.png.")
@click.option("--size", default="default", show_default=True,
              help="Model size: default (the parameters' defaults) or small (9 communes of 8 x 8 plots).")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a setup or uncertainty parameter in every run (repeatable).")
@click.option("--workers", type=Whole(), default=None,
              help="Worker processes [default: one per CPU, at most that]; 1 runs in this process.")
@click.option("--force-workers", is_flag=True, help="Allow more --workers than CPUs (up to 4 per CPU).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--posterior", type=str, default=None, metavar="DIR",
              help="A folder `greatleap calibrate` wrote: run every check over posterior draws and report the "
                   "share of draws in which each holds, and the counterfactuals as posterior intervals.")
@click.option("--draws", type=Whole(), default=10, show_default=True, help="Posterior draws (with --posterior).")
def validate(seeds: int, out: str, size: str, overrides: tuple[str, ...], workers: int | None, force_workers: bool,
             quiet: bool, posterior: str | None, draws: int) -> None:
    """Run the baseline and the counterfactuals; write the model-against-history report."""
    from greatleap.runner import parse_overrides
    from greatleap.validation.core import FAILS, HOLDS
    from greatleap.validation.report import write
    from greatleap.validation.runs import check_options, run_all

    out = output_folder(out, "--out")  # before the runs: a bad folder must not cost their time
    params = parse_overrides(overrides)
    check_options(seeds, size, params)
    check_workers(workers, force_workers, low=1)
    command = " ".join(["greatleap validate", f"--seeds {seeds}", f"--size {size}", f"--out {out}"]
                       + [f"--set {o}" for o in overrides])
    if posterior is not None:
        return _validate_posterior(posterior, draws, seeds, size, params, workers, out, quiet,
                                   command + f" --posterior {posterior} --draws {draws}")
    start = time.perf_counter()
    rs = run_all(seeds=seeds, size=size, overrides=params, workers=workers, progress=not quiet)
    path, verdicts = write(rs, out, command, time.perf_counter() - start)
    held = sum(v.verdict == HOLDS for v in verdicts)
    failed = sum(v.verdict == FAILS for v in verdicts)
    click.echo(f"{held} checks hold, {failed} fail -> {path}")


def _validate_posterior(folder, draws, seeds, size, params, workers, out, quiet, command) -> None:
    from greatleap import atomic
    from greatleap.inputs import existing_folder
    from greatleap.validation.posterior import render, validate_posterior

    if draws < 1:
        raise InputError("draws", f"got {draws}; allowed: a whole number of at least 1")
    existing_folder(folder, "posterior", "a calibration folder")
    echo = None if quiet else click.echo
    checks, cfs, _ = validate_posterior(folder, draws, seeds, size, params, workers, progress=echo)
    atomic.write_files({out / "validation_posterior.md": render(checks, cfs, command, draws, seeds, size).encode(),
                        out / "posterior_checks.csv": atomic.table_bytes(checks, ".csv"),
                        out / "posterior_counterfactuals.csv": atomic.table_bytes(cfs, ".csv")})
    click.echo(f"{int((checks.share_holding > 0.5).sum())} of {len(checks)} checks hold in most draws -> "
               f"{out / 'validation_posterior.md'}")


COMMANDS = [validate]
