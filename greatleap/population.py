"""Person-level state as numpy arrays (ODD 2, state variables of peasants).

One slot per person ever created; a dead (or departed) person keeps the slot with ``alive``
False, so an index never changes meaning and a ``Peasant`` agent can hold it. Arrays grow by
doubling when births fill them. Every mechanism updates these arrays a month at a time.

State variables, one per line:
- ``age``        years (float32)
- ``female``     sex (bool)
- ``bmi``        body mass index, kg/m2; children carry an adult-equivalent value (float32)
- ``hunger``     0 fed, 1 hungry, 2 starving, 3 severely wasted (int8)
- ``household``  index of the household plot (int32)
- ``commune``    index of the commune (int16, copied from the household for speed)
- ``labour``     this month's task: see ``labour.TASKS`` (int8)
- ``kcal``       last month's intake, kcal/day (float32)
- ``alive``      alive and living in the village (bool)
"""

from __future__ import annotations

import numpy as np

HUNGER_STATES = ("fed", "hungry", "starving", "wasted")
FEMALE_SHARE = 0.485  # girls among births and women at the start: about 106 boys per 100 girls

_FIELDS = {
    "age": np.float32,
    "female": np.bool_,
    "bmi": np.float32,
    "hunger": np.int8,
    "household": np.int32,
    "commune": np.int16,
    "labour": np.int8,
    "kcal": np.float32,
    "alive": np.bool_,
}


class People:
    """Struct of arrays for every person in the villages."""

    def __init__(self, capacity: int):
        self.n = 0  # slots used
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    @property
    def capacity(self) -> int:
        return len(self.age)

    def _grow(self, needed: int) -> None:
        new_cap = max(needed, 2 * self.capacity)
        for name in _FIELDS:
            old = getattr(self, name)
            new = np.zeros(new_cap, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def add(self, *, age, female, bmi, household, commune) -> np.ndarray:
        """Append people; return their indices."""
        k = len(age)
        if self.n + k > self.capacity:
            self._grow(self.n + k)
        idx = np.arange(self.n, self.n + k)
        self.age[idx] = age
        self.female[idx] = female
        self.bmi[idx] = bmi
        self.household[idx] = household
        self.commune[idx] = commune
        self.hunger[idx] = 0
        self.labour[idx] = 0
        self.kcal[idx] = 2000.0
        self.alive[idx] = True
        self.n += k
        return idx

    def view(self, name: str) -> np.ndarray:
        """The used part of one array (a view, writes go through)."""
        return getattr(self, name)[: self.n]

    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in _FIELDS)
