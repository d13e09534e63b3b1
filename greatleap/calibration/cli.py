"""``greatleap calibrate`` and ``greatleap calibration-docs`` (added to ``greatleap`` by
greatleap/cli.py via ``COMMANDS``)."""

from __future__ import annotations

import click


@click.command("calibration-docs")
@click.option("--check", is_flag=True, help="Exit 1 if docs/calibration.md is stale; write nothing.")
def calibration_docs(check: bool) -> None:
    """Regenerate the generated tables of docs/calibration.md (the priors) from greatleap/params.py."""
    from greatleap import atomic
    from greatleap.calibration import priors

    text = priors.DOC.read_text()
    new = priors.render(text, doc_blocks())
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


COMMANDS = [calibration_docs]
