"""What the outside world hands greatleap: output folders, files to read, counts and numbers typed
on the command line. Each is checked here, in one place, before any work: a bad one ends in one
line naming the field and the reason (``InputError``, exit code 2), before a model runs or a file
is written. Every command calls these (run, sweep, report, sensitivity, validate, history, the
lessons); a new one (calibrate) calls them too. Dask addresses are checked beside the Dask engine
(``experiments.engines.scheduler_address``).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import click

from greatleap.errors import InputError, excerpt, refuse_option_like

MAX_SEEDS = 1_000  # seeds 1..N of validate, history and the lessons' check (each N runs per scenario)
MAX_TOML_BYTES = 1 << 20  # a spec is a page of text; a megabyte is far more than any needs
MAX_NESTING = 10  # tables and arrays within each other; a spec needs 4
FORCED_WORKERS_PER_CPU = 4
# room left in a path for what is written inside an output folder (summary/.tmp-run-...parquet-...)
ROOM_INSIDE = 200


def shown_path(path) -> str:
    """A path as an error shows it: whole when short, else an excerpt (a 4,000-byte path, twice in
    one message, would drown the reason)."""
    text = os.fspath(path)
    return text if len(text) <= 120 and text.isprintable() else excerpt(text)


# ---- output folders ----------------------------------------------------------------------------
def output_folder(path: str | os.PathLike | None, field: str = "--out", replaced: bool = False) -> Path | None:
    """Check a folder a command will write into: it exists and is a writable folder, or it can be
    created (its nearest existing parent is one); not a file, a device or a pipe; within the
    system's limits on name and path length. ``replaced``: the command swaps the whole folder
    (``atomic.replace_folder``), so its parent must be writable too and it must not be a mount
    point. Creates nothing. None passes through (no output asked for)."""
    if path is None:
        return None
    refuse_option_like(field, path)
    text = os.fspath(path)
    if text == "":
        raise InputError(field, "is empty; allowed: a folder name ('.' for the current folder)")
    if "\x00" in text:
        raise InputError(field, f"{excerpt(text)} contains a NUL character; allowed: a folder name")
    full = Path(os.path.abspath(text))
    _check_lengths(field, text, full)
    existing = _nearest_existing(field, full)
    kind = _kind(os.stat(existing).st_mode)
    if existing == full and kind != "folder":
        raise InputError(field, f"{shown_path(text)} is {kind}, not a folder; allowed: a folder, or a name for a new one")
    if kind != "folder":
        raise InputError(field, f"{shown_path(existing)} is {kind}, so {shown_path(text)} cannot be a folder inside it")
    if replaced and existing == full:
        if os.path.ismount(full):
            raise InputError(field, f"{shown_path(text)} is a mount point; its results are replaced by swapping "
                                    "folders, so give a folder inside it")
        _check_writable(field, Path(os.path.realpath(full)).parent, text)  # a symlink: the folder it names
    _check_writable(field, existing, text)
    return Path(text)


def existing_folder(path: str | os.PathLike, field: str, what: str = "a sweep folder") -> Path:
    """A folder to read (a sweep's): named, within the system's limits, there, and a folder."""
    text = os.fspath(path)
    if text == "" or "\x00" in text:
        raise InputError(field, f"{'is empty' if text == '' else excerpt(text) + ' contains a NUL character'}; "
                                f"allowed: {what}")
    _check_lengths(field, text, Path(os.path.abspath(text)))
    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError:
        raise InputError(field, f"no such folder: {shown_path(text)}; allowed: {what}") from None
    except OSError as exc:  # a parent that is a file, a symbolic link loop, no permission
        raise InputError(field, f"cannot use {shown_path(text)} ({exc.strerror or exc}); allowed: {what}") from None
    if not stat.S_ISDIR(mode):
        raise InputError(field, f"{shown_path(text)} is {_kind(mode)}, not a folder; allowed: {what}")
    return Path(text)


def _check_lengths(field: str, text: str, full: Path) -> None:
    name_max = _pathconf(full, "PC_NAME_MAX", 255)
    for part in full.parts[1:]:
        size = len(os.fsencode(part))
        if size > name_max:
            raise InputError(field, f"the name {excerpt(part)} is {size} bytes long; allowed: at most "
                                    f"{name_max} bytes per name (the file system's limit)")
    path_max = _pathconf(full, "PC_PATH_MAX", 4096)
    size = len(os.fsencode(str(full)))
    if size + ROOM_INSIDE > path_max:
        raise InputError(field, f"{excerpt(text)} makes a path of {size} bytes; allowed: at most "
                                f"{path_max - ROOM_INSIDE} (the system's {path_max}, less room for the files inside)")


def _pathconf(full: Path, name: str, default: int) -> int:
    for folder in (full, *full.parents):
        try:
            return os.pathconf(folder, name)
        except (OSError, ValueError):
            continue
    return default


def _nearest_existing(field: str, full: Path) -> Path:
    """``full`` if it exists, else its nearest existing parent (following symbolic links)."""
    for candidate in (full, *full.parents):
        try:
            os.stat(candidate)
            return candidate
        except (FileNotFoundError, NotADirectoryError):
            continue  # a parent that is a file is found (and named) one step up
        except OSError as exc:  # a symbolic link loop (ELOOP), no permission to look (EACCES), ...
            raise InputError(field, f"cannot use {shown_path(candidate)} ({exc.strerror or exc}); "
                                    "allowed: a folder this user can reach") from None
    return Path(full.anchor)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "folder"), (stat.S_ISREG, "a file"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a folder"


def _check_writable(field: str, folder: Path, text: str) -> None:
    try:
        read_only = os.statvfs(folder).f_flag & os.ST_RDONLY
    except OSError:
        read_only = False
    if read_only:
        raise InputError(field, f"{shown_path(folder)} is on a read-only file system, so {shown_path(text)} cannot be written; "
                                "allowed: a folder on a writable disk")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(field, f"{shown_path(folder)} is not writable by this user, so {shown_path(text)} cannot be written; "
                                "allowed: a folder this user can write")


# ---- files to read -----------------------------------------------------------------------------
def read_user_file(path: str | os.PathLike, field: str, what: str = "file", limit: int = MAX_TOML_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A folder, device (/dev/zero), pipe
    (a FIFO would block for ever) or socket is refused by what it is, without reading from it."""
    text = os.fspath(path)
    if text == "":
        raise InputError(field, f"is empty; allowed: the path of a {what}")
    try:
        fd = os.open(text, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens without waiting
    except FileNotFoundError:
        raise InputError(field, f"no such file: {shown_path(text)}") from None
    except (OSError, ValueError) as exc:
        mode = stat.S_IFREG
        with contextlib.suppress(OSError, ValueError):  # a socket cannot be opened: say what it is
            mode = os.stat(text).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(field, f"{shown_path(text)} is {_kind(mode)}, not a regular file; "
                                    f"allowed: a {what} on disk") from None
        raise InputError(field, f"cannot read {shown_path(text)} ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(field, f"{shown_path(text)} is a folder, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(field, f"{shown_path(text)} is {_kind(st.st_mode)}, not a regular file; allowed: a {what} on disk")
        if st.st_size > limit:
            raise InputError(field, f"{shown_path(text)} is {st.st_size:,} bytes; allowed: a {what} of at most {limit:,} bytes")
        data = os.read(fd, limit + 1)
        while len(data) <= limit and (chunk := os.read(fd, limit + 1 - len(data))):
            data += chunk
    except OSError as exc:
        raise InputError(field, f"cannot read {shown_path(text)} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(field, f"{shown_path(text)} grew past {limit:,} bytes while being read; allowed: a {what} of at most {limit:,} bytes")
    return data


def read_toml(path: str | os.PathLike, field: str = "spec", what: str = "spec file") -> dict[str, Any]:
    """A TOML file read with ``read_user_file``'s limits, in UTF-8 (a byte-order mark, as Windows
    Notepad writes, is accepted), nested at most ``MAX_NESTING`` deep."""
    data = read_user_file(path, field, what)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(field, f"{shown_path(path)} is UTF-16 text (it starts with a UTF-16 byte-order mark); "
                                "allowed: UTF-8 text (save it again as UTF-8)")
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(field, f"{shown_path(path)} is not UTF-8 text (byte {exc.start:,} is {data[exc.start:exc.start + 1]!r}); "
                                "allowed: a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(field, f"{shown_path(path)} is not valid TOML ({exc})") from None
    except RecursionError:
        raise InputError(field, f"{shown_path(path)} nests arrays or tables deeper than Python can read; "
                                f"allowed: at most {MAX_NESTING} levels") from None
    depth = nesting(raw)
    if depth > MAX_NESTING:
        raise InputError(field, f"{shown_path(path)} nests arrays or tables {depth} levels deep; "
                                f"allowed: at most {MAX_NESTING} levels")
    return raw


def nesting(value: Any) -> int:
    """How many lists and dicts are nested in ``value`` (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


# ---- the fields every TOML spec shares (sweeps, calibrations) ----------------------------------
def spec_top_keys(raw: dict[str, Any], allowed: set[str], what: str) -> None:
    """Refuse the first unknown top-level key of a ``what`` (e.g. "spec", "calibration spec")."""
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise InputError(unknown[0], f"unknown {what} key; allowed: {', '.join(sorted(allowed))}")


def spec_name(raw: dict[str, Any], default: str) -> str:
    name = raw.get("name", default)
    if not isinstance(name, str) or not name:
        raise InputError("name", "must be a non-empty string")
    return name


def spec_output(raw: dict[str, Any], writer: str) -> Path:
    """The required ``output`` folder of a spec; ``writer`` names what writes there ("the sweep")."""
    if "output" not in raw:
        raise InputError("output", f"missing: name the folder {writer} writes to")
    if not isinstance(raw["output"], str) or not raw["output"]:
        raise InputError("output", "must be a folder path (a string)")
    return Path(raw["output"])


def spec_whole(value: Any, field: str, low: int, high: int) -> int:
    """A TOML integer (not a boolean) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(field, f"got {excerpt(value)}; allowed: a whole number in [{low}, {high}]")
    return value


def spec_table(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(field, "must be a table, e.g. [" + field + "]")
    return value


# ---- numbers and counts ------------------------------------------------------------------------
def parse_whole(value: Any, low: int | None = None, high: int | None = None) -> int:
    """A whole number typed as plain ASCII digits, within [low, high], or ValueError saying why.
    Python's int() would read "2_0" as 20 and "٣" as 3: a typo is refused, not read as another number."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        number = int(value)
    else:
        raise ValueError(f"{excerpt(value)} is not a whole number (plain digits, no underscores)")
    if (low is not None and number < low) or (high is not None and number > high):
        allowed = (f"a whole number in [{low}, {high}]" if high is not None
                   else f"a whole number >= {low}" if low is not None else "a whole number")
        raise ValueError(f"got {excerpt(number)}; allowed: {allowed}")
    return number


class Whole(click.ParamType):
    """``parse_whole`` as a click option type; a refusal is an ``InputError`` naming the option
    (``error: seeds: got 0; allowed: ...``), as every other bad value is."""

    name = "integer"

    def __init__(self, low: int | None = None, high: int | None = None):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        try:
            return parse_whole(value, self.low, self.high)
        except ValueError as exc:
            raise InputError(param.name if param is not None else "value", str(exc)) from None


SEEDS = Whole(1, MAX_SEEDS)


def cpus() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_workers(workers: int | None, force: bool = False, low: int = 0, field: str = "workers") -> int | None:
    """Local worker processes: at most one per CPU unless forced (and even then a few per CPU).
    None passes through (the engine's default: one per CPU)."""
    if workers is None:
        return None
    if workers < low:
        zero = " (0: in this process)" if low == 0 else ""
        raise InputError(field, f"got {workers}; allowed: a whole number >= {low}{zero}")
    n = cpus()
    if workers > n and not force:
        raise InputError(field, f"got {excerpt(workers)}; allowed: at most {n}, the CPUs this process may use "
                                "(each worker runs one model at a time, so more only add memory and wait their "
                                f"turn); pass --force-workers to allow up to {FORCED_WORKERS_PER_CPU * n}")
    if workers > FORCED_WORKERS_PER_CPU * n:
        raise InputError(field, f"got {excerpt(workers)}; allowed: at most {FORCED_WORKERS_PER_CPU * n} "
                                f"({FORCED_WORKERS_PER_CPU} per CPU), even with --force-workers")
    return workers
