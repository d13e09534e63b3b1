"""Atomic file writes: write to a temporary file beside the target, fsync, then rename.

An interrupted writer leaves either the previous complete file or the new complete one, never a
truncated one. A writer killed before the rename leaves a ``.tmp-<name>-<host>-<pid>-*`` file:
readers ignore it, and the next write of the same target removes it once its writer (same host,
that pid) is gone. Every file the project writes goes through here (tests/test_hardening_data.py
checks the source and kills writers mid-write).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from pathlib import Path
from typing import Callable, Iterator


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto the target on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{target.name}-{_HOST}-{os.getpid()}-", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


_HOST = socket.gethostname().replace("-", "_")[:40]


def _remove_stale(target: Path) -> None:
    """Remove temporaries of ``target`` left by a killed writer on this host (its pid is gone)."""
    prefix = f".tmp-{target.name}-{_HOST}-"
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not entry.name.startswith(prefix):
                continue
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_text(target: str | os.PathLike, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_with(target: str | os.PathLike, writer: Callable[[Path], None]) -> None:
    """Call ``writer(tmp_path)`` (e.g. ``df.to_parquet``) and publish the result atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)


def write_table(df, target: str | os.PathLike) -> None:
    """Write a DataFrame as Parquet or CSV, chosen by the target's suffix."""
    target = Path(target)
    if target.suffix == ".parquet":
        write_with(target, lambda p: df.to_parquet(p, index=False))
    elif target.suffix == ".csv":
        write_with(target, lambda p: df.to_csv(p, index=False))
    else:
        raise ValueError(f"unsupported table format: {target.suffix}")
