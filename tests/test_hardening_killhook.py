"""Helper for tests/test_hardening_data.py (no tests here): run a ``greatleap`` command in this
process and SIGKILL it in the middle of its Nth atomic write.

    python tests/test_hardening_killhook.py N MODE greatleap-args...

MODE ``torn``: the writer has written half of the temporary file when it dies (a kill mid-write);
MODE ``before_rename``: the temporary is complete and synced, the rename has not happened.
"""

from __future__ import annotations

import os
import signal
import sys


def arm(n: int, mode: str) -> None:
    """Every file greatleap writes passes ``atomic._staged(tmp, target)`` once its temporary is
    complete, before the rename (or, in ``replace_folder``, before the folder swap)."""
    from greatleap import atomic

    original = atomic._staged
    calls = [0]

    def dying_staged(tmp, target):
        original(tmp, target)
        calls[0] += 1
        if calls[0] != n:
            return
        if mode == "torn":
            with open(tmp, "r+b") as fh:
                fh.truncate(tmp.stat().st_size // 2)
        sys.stderr.write(f"killhook: SIGKILL at write {n} ({mode}) of {target}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    atomic._staged = dying_staged  # looked up at each call, so every writer goes through it


if __name__ == "__main__":
    arm(int(sys.argv[1]), sys.argv[2])
    from greatleap.cli import main

    sys.exit(main(sys.argv[3:]))
