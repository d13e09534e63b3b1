"""Sums of household values by commune (and the like), compiled.

``np.bincount(group, weights=values)`` adds each value to its group's total in memory, in index
order. Households come in runs of one commune (a row of its plots), so each addition waits for
the one before to be stored and read back: about 2 ns a household (docs/performance.md).
``by_group`` adds the same values in the same order, to the last bit, but keeps the running
total of the current group in a register while the group repeats (0.5-0.6 ns a household).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def by_group(values, group, n_groups):
    """``np.bincount(group, weights=values, minlength=n_groups)`` for ``group`` values below
    ``n_groups``: each group's sum is added up in index order (a group met again later carries on
    from its total so far), so the result is the same to the last bit whatever the order."""
    out = np.zeros(n_groups)
    if len(values) == 0:
        return out
    current = group[0]
    run = 0.0
    for j in range(len(values)):
        g = group[j]
        if g != current:
            out[current] = run
            current = g
            run = out[g]
        run += values[j]
    out[current] = run
    return out
