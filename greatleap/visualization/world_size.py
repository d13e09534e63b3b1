"""The dashboard's world sizes: the caps a tab may choose and the world a new tab opens on.

A module of its own, with no heavy imports, because `greatleap app` reads it before it hands over
to solara (and `greatleap --help` loads every command).
"""

from __future__ import annotations

import os

# Caps that keep one step plus redraw within 250 ms (benchmarks/bench_dashboard.py); the model
# allows far larger worlds.
UI_CAPS = {"n_communes": 100, "commune_side": 16}
# The world a tab opens on: about 100,000 villagers, so that one run shows the famine's shape
# instead of month-to-month noise (at 8,000 the death rate doubled and halved from month to month).
DEFAULT_SIZE = {"n_communes": 100, "commune_side": 14}
# `greatleap app --communes N` hands the server process its choice through this variable: a class
# sharing one small machine opens on a smaller world (20 tabs at 100 communes took 3 minutes to
# load on 2 cores, docs/reliability.md section 4).
OPENING_COMMUNES_ENV = "GREATLEAP_APP_COMMUNES"


def opening_size() -> dict[str, int]:
    """The world a new tab opens on: DEFAULT_SIZE with the server's number of communes, if set."""
    communes = os.environ.get(OPENING_COMMUNES_ENV)
    return {**DEFAULT_SIZE, "n_communes": int(communes)} if communes else dict(DEFAULT_SIZE)
