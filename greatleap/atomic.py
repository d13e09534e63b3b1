"""Atomic file writes: write to a temporary file beside the target, fsync, then rename.

An interrupted writer leaves either the previous complete file or the new complete one, never a
truncated one (a leftover ``.tmp-*`` file is ignored by readers and removed on the next write).
Every file the project writes goes through here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto the target on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{target.name}-", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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
