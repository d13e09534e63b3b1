"""``greatleap calibrate`` and ``greatleap calibration-docs`` (added to ``greatleap`` by
greatleap/cli.py via ``COMMANDS``)."""

from __future__ import annotations

import click

from greatleap.calibration.spec import STATS
from greatleap.inputs import Whole


@click.command("calibrate")
@click.argument("spec_path", metavar="SPEC.toml")
@click.option("--workers", type=Whole(), default=None,
              help="Local worker processes [default: one per CPU, at most that]; 0 runs in this process.")
@click.option("--force-workers", is_flag=True, help="Allow more --workers than CPUs (up to 4 per CPU).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Run on the Dask cluster whose scheduler is at this address.")
@click.option("--scheduler-file", type=str, default=None, metavar="FILE",
              help="Run on the Dask cluster described by this scheduler file.")
@click.option("--out", type=str, default=None, metavar="DIR", help="Output folder, replacing the spec's `output`.")
@click.option("--predictive-draws", type=Whole(), default=20, show_default=True,
              help="Posterior draws run again (one seed each) for the predictive bands; 0: none.")
@click.option("--write-defaults", type=click.Choice(STATS), default=None,
              help="Set the inferred parameters' defaults in greatleap/params.py to this posterior summary "
                   "(robust: of the 20 particles nearest the record, the one whose mean path over 10 fresh "
                   "seeds is nearest; then regenerate docs/ODD.md and docs/calibration.md).")
def calibrate(spec_path: str, workers, force_workers, scheduler, scheduler_file, out, predictive_draws,
              write_defaults) -> None:
    """Infer the uncertain parameters from the four national series by ABC-SMC (pyabc).

    Resumable: run the same command again after an interruption (even SIGKILL) and it goes on
    from the last finished generation in OUT/history.db. Writes the posterior summary, figures and
    a report to the output folder.
    """
    from greatleap.calibration.results import write_results
    from greatleap.calibration.run import run_calibration
    from greatleap.calibration.spec import load_calibration_spec
    from greatleap.experiments.cli import check_engine, start_engine
    from greatleap.inputs import output_folder

    if out is not None:
        output_folder(out, "--out")  # e.g. `--out --workers`: a lost value, refused before anything
    spec = load_calibration_spec(spec_path, out)
    output_folder(spec.output, "output")
    address = check_engine(workers, scheduler, scheduler_file, force_workers)
    engine = start_engine(workers, address)
    click.echo(f"calibrating {len(spec.infer)} parameters on {engine.description}: population "
               f"{spec.population}, {spec.seeds} seed(s) per particle, at most {spec.generations} generations")
    try:
        history = run_calibration(spec, engine, echo=click.echo)
        report = write_results(history, spec, engine, predictive_draws=predictive_draws)
    finally:
        engine.close()
    click.echo(f"posterior written to {report}")
    if write_defaults:
        from greatleap.calibration.results import moved_defaults
        from greatleap.calibration.results import write_defaults as write_params

        written = write_params(spec.output, write_defaults)
        moved = moved_defaults(written)  # a robust screen may keep the defaults in force
        click.echo(f"greatleap/params.py: {len(written)} defaults set to the posterior {write_defaults}, "
                   f"{len(moved)} of them changed ({', '.join(moved) or 'none'}); now run "
                   "scripts/gen_odd_tables.py and `greatleap calibration-docs`")


@click.command("calibration-docs")
@click.option("--check", is_flag=True, help="Exit 1 if docs/calibration.md is stale; write nothing.")
@click.option("--posterior", type=str, default=None, metavar="DIR",
              help="Also write the posterior summary and predictive table of this calibration folder.")
def calibration_docs(check: bool, posterior: str | None) -> None:
    """Regenerate the generated tables of docs/calibration.md: the priors (from greatleap/params.py)
    and, with --posterior, the posterior of a calibration."""
    from greatleap import atomic
    from greatleap.calibration import priors

    text = priors.DOC.read_text()
    blocks = doc_blocks()
    if posterior is not None:
        blocks["posterior"] = posterior_block(posterior)
    new = priors.render(text, blocks)
    if check:
        if new != text:
            raise click.ClickException("docs/calibration.md is stale: run `greatleap calibration-docs`")
        return
    if new != text:
        atomic.write_text(priors.DOC, new)
    click.echo(f"{priors.DOC} {'updated' if new != text else 'up to date'}")


def doc_blocks() -> dict[str, str]:
    from greatleap.calibration import priors

    return {"priors": priors.prior_table()}


def posterior_block(folder: str) -> str:
    """The posterior summary and predictive table of a calibration folder, for docs/calibration.md."""
    from pathlib import Path

    import pandas as pd

    from greatleap.calibration.results import posterior_table_markdown, predictive_table_markdown, read_summary
    from greatleap.inputs import existing_folder

    folder = existing_folder(folder, "posterior", "a calibration folder")
    lines = [f"From `{folder}` (its `report.md` has the generations and the command).", "",
             posterior_table_markdown(read_summary(folder))]
    pred = Path(folder) / "predictive.csv"
    if pred.is_file():
        table = pd.read_csv(pred)
        table["within_tolerance"] = table["within_tolerance"].map({True: True, False: False, "True": True,
                                                                   "False": False})
        hits = table.within_tolerance.dropna()
        lines += ["", f"Posterior predictive median within tolerance in {int(hits.sum())} of {len(hits)} cells:", "",
                  predictive_table_markdown(table)]
    return "\n".join(lines)


COMMANDS = [calibrate, calibration_docs]
