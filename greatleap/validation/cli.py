"""The ``greatleap validate`` command (added to ``greatleap`` by greatleap/cli.py via ``COMMANDS``)."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("validate")
@click.option("--seeds", default=20, show_default=True, type=int, help="Seeds per run (1..N, shared by every run).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("validation"),
              show_default=True, help="Folder for validation.md and img/validation/*.png.")
@click.option("--size", default="default", show_default=True,
              help="Model size: default (the parameters' defaults) or small (9 communes of 8 x 8 plots).")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a setup or uncertainty parameter in every run (repeatable).")
@click.option("--workers", type=int, default=None, help="Worker processes [default: all cores].")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def validate(seeds: int, out: Path, size: str, overrides: tuple[str, ...], workers: int | None, quiet: bool) -> None:
    """Run the baseline and the counterfactuals; write the model-against-history report."""
    from greatleap.errors import InputError, refuse_option_like
    from greatleap.runner import parse_overrides
    from greatleap.validation.core import FAILS, HOLDS
    from greatleap.validation.report import write
    from greatleap.validation.runs import check_options, run_all

    refuse_option_like("--out", out)
    params = parse_overrides(overrides)
    check_options(seeds, size, params)
    if workers is not None and workers < 1:
        raise InputError("workers", f"got {workers}; allowed: a whole number >= 1")
    command = " ".join(["greatleap validate", f"--seeds {seeds}", f"--size {size}", f"--out {out}"]
                       + [f"--set {o}" for o in overrides])
    start = time.perf_counter()
    rs = run_all(seeds=seeds, size=size, overrides=params, workers=workers, progress=not quiet)
    path, verdicts = write(rs, out, command, time.perf_counter() - start)
    held = sum(v.verdict == HOLDS for v in verdicts)
    failed = sum(v.verdict == FAILS for v in verdicts)
    click.echo(f"{held} checks hold, {failed} fail -> {path}")


COMMANDS = [validate]
