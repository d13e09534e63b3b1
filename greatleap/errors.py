"""Errors a user can cause, each with a one-line message naming the field and what is allowed.

The CLI prints ``error: <message>`` and exits with code 2 for these (1 for an ``OutputError``: the
input was fine, the disk was not); the dashboard shows the message in place of the run. Anything
else is a bug and keeps its traceback.
"""

import reprlib


class InputError(ValueError):
    """Bad user input: an out-of-range parameter, an unknown scenario, a malformed spec file."""

    exit_code = 2

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{shown(field)}: {problem}")


class OutputError(InputError):
    """Writing failed for a reason outside the program: a full disk, a read-only mount, a folder
    removed under our feet. The message names the path; nothing half-written is left behind."""

    exit_code = 1

    def __init__(self, path, problem: str):
        super().__init__(str(path), problem)
        self.args = (problem,)  # the problem already names the path: "no space left on OUT: ..."


class NoSpace(OutputError):
    """The disk (or the user's quota) is full. ``need``: bytes the write needed, when known."""

    def __init__(self, path, problem: str, need: int | None = None):
        super().__init__(path, problem)
        self.need = need


def shown(name) -> str:
    """A field name as an error shows it: as typed when plain, quoted when empty, padded or
    unprintable, so the message stays one line and names what was typed; cut short when long."""
    if isinstance(name, str) and name and name.isprintable() and name.strip() == name:
        return name if len(name) <= 80 else excerpt(name)
    return excerpt(name)


_EXCERPT = reprlib.Repr()
_EXCERPT.maxlevel, _EXCERPT.maxstring, _EXCERPT.maxother, _EXCERPT.maxlong = 2, 60, 60, 40
_EXCERPT.maxlist = _EXCERPT.maxtuple = _EXCERPT.maxdict = _EXCERPT.maxset = 5


def excerpt(value) -> str:
    """``repr(value)`` cut to a few dozen characters: what an error quotes of a user's value, so that
    a refused list of 10^7 numbers or a megabyte of text is named, not echoed back whole."""
    return _EXCERPT.repr(value)


def refuse_option_like(field: str, value, allowed: str = "a folder name") -> None:
    """Refuse an output path that starts with "-": on the command line that is an option whose
    own value went missing (``--out --scenario x``), never a folder anyone meant to create.
    The one place this rule lives; ``inputs.output_folder`` calls it first."""
    if value is not None and str(value).startswith("-"):
        raise InputError(field, f"got {excerpt(str(value))}, which looks like an option; allowed: {allowed}")
