"""Helper for tests/test_hardening_data.py (no tests here): run a ``greatleap`` command in this
process and SIGKILL it in the middle of its Nth atomic write.

    python tests/test_hardening_killhook.py N MODE greatleap-args...

MODE ``torn``: the writer has written half of the temporary file when it dies (a kill mid-write);
MODE ``before_rename``: the temporary is complete and synced, the rename has not happened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def arm(n: int, mode: str) -> None:
    from greatleap import atomic

    original = atomic.atomic_path
    calls = [0]

    @contextlib.contextmanager
    def dying_atomic_path(target):
        calls[0] += 1
        if calls[0] != n:
            with original(target) as tmp:
                yield tmp
            return
        with original(target) as tmp:
            yield tmp
            size = tmp.stat().st_size
            if mode == "torn":
                with open(tmp, "r+b") as fh:
                    fh.truncate(size // 2)
            sys.stderr.write(f"killhook: SIGKILL at write {n} ({mode}) of {target}\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    atomic.atomic_path = dying_atomic_path  # before any module does `from greatleap.atomic import ...`


if __name__ == "__main__":
    arm(int(sys.argv[1]), sys.argv[2])
    from greatleap.cli import main

    sys.exit(main(sys.argv[3:]))
