"""Atomic file writes: write to a temporary beside the target, fsync, then rename.

An interrupted writer leaves either the previous complete file or the new complete one, never a
truncated one. A writer killed before the rename leaves a ``.tmp-<name>-<host>-<pid>-*`` file (or
folder): readers ignore it, and the next write of the same target removes it once its writer (same
host, that pid) is gone. Every file the project writes goes through here
(tests/test_hardening_data.py checks the source and kills writers mid-write).

Three ways to write, one mechanism:
- one file: ``write_bytes``, ``write_text``, ``write_table``, ``write_with``, ``atomic_path``;
- several files in a folder shared with other files (validate's page and figures, the lessons'
  pages, a sensitivity analysis): ``write_files`` writes and syncs every temporary before the
  first rename, so a full disk, or any other write error, changes none of them;
- a folder that holds one output and nothing else (a run's eight tables, a sweep's report):
  ``replace_folder`` fills a new sibling folder and exchanges it with the old one in one step
  (Linux ``renameat2(RENAME_EXCHANGE)``), so a reader sees the old folder or the new one, whole.

The bytes are counted against the free space before anything is written, and any OSError while
writing becomes an ``OutputError`` naming the path: a full disk is one line, "no space left on
<folder>: N MB needed, M MB free", never a traceback. Files and folders get the mode the umask
allows (0644 and 0755 under umask 022), as ``open`` would give them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import io
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from greatleap.errors import NoSpace, OutputError

BLOCK = 4096  # what a small file costs on disk at least, counted in the space check


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (os.umask can only set
    it, which would race with other threads)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_HOST = socket.gethostname().replace("-", "_")[:40]


# ---- the one way a temporary is made, filled, synced and published ---------------------------
def _prefix(target: Path) -> str:
    # the name is cut (to 100 bytes) so that a temporary beside a 255-byte name still fits
    return f".tmp-{os.fsdecode(os.fsencode(target.name)[:100])}-{_HOST}-"


def _new_temporary(target: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f"{_prefix(target)}{os.getpid()}-", dir=target.parent)
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600: give what open() would
    os.close(fd)
    return Path(tmp)


def _staged(tmp: Path, target: Path) -> None:
    """The temporary of ``target`` is complete: sync it to disk before the rename.
    (tests/test_hardening_killhook.py kills writers here.)"""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _temporary(target: Path) -> Iterator[Path]:
    """A new temporary beside ``target``, removed on the way out unless it was renamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    tmp = _new_temporary(target)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto the target on success."""
    target = Path(target)
    with _as_output_error(target.parent), _temporary(target) as tmp:
        yield tmp
        _staged(tmp, target)
        os.replace(tmp, target)


def write_bytes(target: str | os.PathLike, data: bytes) -> None:
    target = Path(target)
    check_space(target.parent, len(data))
    with _as_output_error(target.parent, len(data)), _temporary(target) as tmp:
        tmp.write_bytes(data)
        _staged(tmp, target)
        os.replace(tmp, target)


def write_text(target: str | os.PathLike, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_with(target: str | os.PathLike, writer: Callable[[Path], None]) -> None:
    """Call ``writer(tmp_path)`` and publish the result atomically (size unknown beforehand:
    prefer serialising to bytes and ``write_bytes``)."""
    with atomic_path(target) as tmp:
        writer(tmp)


def table_bytes(df, suffix: str) -> bytes:
    """A DataFrame as Parquet or CSV bytes, chosen by the suffix (".parquet" or ".csv")."""
    if suffix == ".parquet":
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        return buf.getvalue()
    if suffix == ".csv":
        return df.to_csv(index=False).encode("utf-8")
    raise ValueError(f"unsupported table format: {suffix}")


def figure_bytes(fig, fmt: str, **savefig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, **savefig)
    return buf.getvalue()


def write_table(df, target: str | os.PathLike) -> None:
    """Write a DataFrame as Parquet or CSV, chosen by the target's suffix."""
    target = Path(target)
    write_bytes(target, table_bytes(df, target.suffix))


# ---- several files at once -------------------------------------------------------------------
def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file whole or none of them: all temporaries are written and synced before the
    first rename, so a write error (a full disk) leaves every target as it was. (Only a kill in the
    microseconds of the renames could publish some and not others.)"""
    files = {Path(k): v for k, v in files.items()}
    total = sum(map(len, files.values()))
    for folder in {t.parent for t in files}:
        check_space(folder, total, len(files))
    with contextlib.ExitStack() as stack:
        staged = []
        for target, data in files.items():
            stack.enter_context(_as_output_error(target.parent, total))
            tmp = stack.enter_context(_temporary(target))
            tmp.write_bytes(data)
            _staged(tmp, target)
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    return list(files)


def replace_folder(folder: str | os.PathLike, files: dict[str, bytes]) -> list[Path]:
    """Make ``folder`` hold exactly ``files`` (names relative to it): fill a new sibling folder,
    then exchange it with the old one in one rename, so that its files never describe two
    different outputs. The old folder is removed afterwards."""
    given, folder = Path(folder), Path(os.path.realpath(folder))  # a symlink: replace what it names
    with _as_output_error(given, sum(map(len, files.values()))):
        folder.parent.mkdir(parents=True, exist_ok=True)
        check_space(folder.parent, sum(map(len, files.values())), len(files) + 1, shown=given)
        _remove_stale(folder)
        staging = Path(tempfile.mkdtemp(prefix=f"{_prefix(folder)}{os.getpid()}-", dir=folder.parent))
        try:
            os.chmod(staging, 0o777 & ~_umask())
            for name, data in files.items():  # a private folder: no temporaries needed inside
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                _staged(path, folder / name)
            _sync_folder(staging)
            _swap(staging, folder)
            _sync_folder(folder.parent)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # after the exchange: the old folder
    return [given / name for name in files]


def _swap(staging: Path, folder: Path) -> None:
    if not os.path.lexists(folder):
        os.rename(staging, folder)
    elif not _exchange(staging, folder):  # no RENAME_EXCHANGE here: move the old one aside first
        old = staging.with_name(staging.name + "-old")
        os.rename(folder, old)
        os.rename(staging, folder)
        os.rename(old, staging)  # removed by the caller with the staging folder


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux >= 3.15, glibc >= 2.28); False where that is not possible."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # the file system cannot
        return False
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened and synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def append_line(target: str | os.PathLike, line: str) -> None:
    """Append one line to a log (the sweep store's record of its parts). A single small write
    with O_APPEND; a line torn by a kill or a full disk is ended before the next one, so it spoils
    only itself, and readers skip it."""
    target = Path(target)
    data = line.rstrip("\n").encode("utf-8") + b"\n"
    with _as_output_error(target.parent, len(data)):
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            if os.write(fd, data) != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        finally:
            os.close(fd)


# ---- a full disk and other write errors: one line ----------------------------------------------
def check_space(folder: str | os.PathLike, nbytes: int, nfiles: int = 1, shown=None) -> None:
    """Refuse before writing when the file system of ``folder`` lacks room for ``nbytes`` in
    ``nfiles`` files (each rounded up to a block); the message names ``shown`` (default: folder)."""
    need = nbytes + BLOCK * nfiles
    free = free_bytes(folder)
    if free is not None and need > free:
        shown = folder if shown is None else shown
        raise NoSpace(shown, no_space(shown, need, free), need)


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Bytes this user may still write on the file system of ``folder`` (or of its nearest existing
    parent); None when the system does not say."""
    path = Path(os.path.abspath(folder))
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def mb(nbytes: float) -> str:
    return f"{max(nbytes, 0) / 1e6:.1f} MB" if nbytes >= 50_000 else f"{max(nbytes, 0) / 1e3:.0f} kB"


def no_space(folder, need: int | None, free: int | None = None) -> str:
    free = free_bytes(folder) if free is None else free
    needed = f": {mb(need)} needed" if need else ""
    left = f", {mb(free)} free" if free is not None else ""
    return f"no space left on {folder}{needed}{left}"


@contextlib.contextmanager
def _as_output_error(folder: Path, need: int | None = None) -> Iterator[None]:
    """Turn an OSError while writing into one line naming the path and the reason."""
    try:
        yield
    except OSError as exc:
        named = exc.filename and not os.path.basename(exc.filename).startswith(".tmp-")  # not our temporary
        where = exc.filename if named else folder
        if exc.errno == errno.ENOSPC:
            raise NoSpace(folder, no_space(folder, need and need + BLOCK), need) from None
        if exc.errno == errno.EDQUOT:
            raise NoSpace(folder, f"disk quota exceeded on {folder}" + (f": {mb(need)} needed" if need else ""),
                          need) from None
        raise OutputError(where, f"cannot write {where} ({exc.strerror or exc})") from None


# ---- what killed writers leave behind ----------------------------------------------------------
def _remove_stale(target: Path) -> None:
    """Remove temporaries of ``target`` left by a killed writer on this host (its pid is gone)."""
    prefix = _prefix(target)
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not entry.name.startswith(prefix):
                continue
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    if entry.name.endswith("-old") and not os.path.lexists(target):
                        os.rename(entry.path, target)  # killed between the two renames of _swap
                    elif entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path)
                    else:
                        os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
