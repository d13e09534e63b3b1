"""Errors a user can cause, each with a one-line message naming the field and what is allowed.

The CLI prints ``error: <message>`` and exits with code 2 for these; the dashboard shows the
message in place of the run. Anything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Bad user input: an out-of-range parameter, an unknown scenario, a malformed spec file."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{shown(field)}: {problem}")


def shown(name) -> str:
    """A field name as an error shows it: as typed when plain, quoted when empty, padded or
    unprintable, so the message stays one line and names what was typed."""
    if isinstance(name, str) and name and name.isprintable() and name.strip() == name:
        return name
    return repr(name)


def refuse_option_like(field: str, value, allowed: str = "a folder name") -> None:
    """Refuse an output path that starts with "-": on the command line that is an option whose
    own value went missing (``--out --scenario x``), never a folder anyone meant to create.
    The one place this rule lives; every command with an output option calls it first."""
    if value is not None and str(value).startswith("-"):
        raise InputError(field, f"got {str(value)!r}, which looks like an option; allowed: {allowed}")
