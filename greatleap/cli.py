"""The `greatleap` command: app, run, sweep, report, sensitivity, validate, params, scenarios.

Each subcommand imports what it needs inside its function, so `greatleap --help` stays fast
and a sweep worker never imports Solara. Bad input ends in one line, ``error: <field>: ...``,
and exit code 2; no traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys

import click

from greatleap.errors import InputError
from greatleap.inputs import SEEDS, Whole, output_folder


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="greatleap")
def cli() -> None:
    """An agent-based model of China's Great Leap Forward famine (1958-1962)."""


@cli.command()
@click.option("--scenario", default="baseline", show_default=True, help="Preset (see `greatleap scenarios`).")
@click.option("--seed", default=1, show_default=True, type=Whole(), help="Random seed of the run.")
@click.option("--out", type=str, default=None, metavar="DIR",
              help="Folder for the monthly series and per-commune tables (Parquet and CSV); it holds "
                   "one run's tables and nothing else.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a parameter, e.g. --set n_communes=9 (repeatable, once per parameter).")
@click.option("--overwrite", is_flag=True, help="Replace the results already in --out (the folder as a whole).")
def run(scenario: str, seed: int, out: str | None, overrides: tuple[str, ...], overwrite: bool) -> None:
    """Run one scenario and print its summary."""
    from greatleap.runner import parse_overrides, run_and_save

    out = output_folder(out, "--out", replaced=True)  # e.g. `--out --scenario x`: a lost value
    params = parse_overrides(overrides)
    summary_text = run_and_save(scenario, seed, params, out, overwrite=overwrite)
    click.echo(summary_text)


@cli.command("params")
@click.option("--kind", type=click.Choice(["uncertainty", "lever", "setup"]), default=None)
def list_params(kind: str | None) -> None:
    """List every parameter with its default, unit and allowed range."""
    from greatleap.params import PARAMS

    for p in PARAMS.values():
        if kind is None or p.kind == kind:
            click.echo(f"{p.name:28s} {p.default!r:>14} {p.unit:24s} {p.allowed():38s} {p.kind}")


@cli.command("scenarios")
def list_scenarios() -> None:
    """List the scenario presets and what each changes."""
    from greatleap.params import SCENARIO_TITLES, SCENARIOS

    for name, overrides in SCENARIOS.items():
        changes = ", ".join(f"{k}={v!r}" for k, v in overrides.items()) or "(historical defaults)"
        click.echo(f"{name:32s} {SCENARIO_TITLES[name]}: {changes}")


@cli.command("history")
@click.option("--scenario", default="baseline", show_default=True)
@click.option("--seeds", default=10, show_default=True, type=SEEDS, help="Seeds 1..N of the model runs.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE")
def history(scenario: str, seeds: int, overrides: tuple[str, ...]) -> None:
    """Print the model-against-history table of the four calibration series."""
    from greatleap.history import model_vs_history, to_markdown
    from greatleap.runner import parse_overrides

    click.echo(to_markdown(model_vs_history(scenario, seeds, **parse_overrides(overrides))))


def _register_optional_commands() -> None:
    """Subcommands that live with their part of the package (dashboard, experiments)."""
    import importlib

    for module in ("greatleap.visualization.cli", "greatleap.experiments.cli", "greatleap.validation.cli",
                   "greatleap.calibration.cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        for command in getattr(mod, "COMMANDS", ()):
            cli.add_command(command)


_register_optional_commands()


def one_line(text: str) -> str:
    """The message on one printable line: a newline or control character typed into a name or a
    spec key is shown escaped (as Python would write it), never as a line break."""
    text = text.strip()
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None) -> int:
    """Entry point: one-line errors and exit code 2 for bad input, never a traceback."""
    try:
        cli.main(args=argv, prog_name="greatleap", standalone_mode=False)
    except InputError as exc:  # and OutputError (exit code 1): a full disk, a read-only mount
        click.echo(f"error: {one_line(str(exc))}", err=True)
        return exc.exit_code
    except OSError as exc:
        if exc.filename is not None or exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EPIPE):
            raise
        # what the command printed could not be written: stdout is a full disk (`> /dev/full`) or
        # a closed pipe; stderr may still take one line
        with contextlib.suppress(OSError):
            click.echo(f"error: cannot write the output ({exc.strerror})", err=True)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1
    except click.exceptions.UsageError as exc:
        click.echo(f"error: {one_line(exc.format_message())}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {one_line(exc.format_message())}", err=True)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
