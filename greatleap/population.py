"""Person-level state as numpy arrays (ODD 2, state variables of peasants).

One slot per person ever created; a dead (or departed) person keeps the slot with ``alive``
False, so an index never changes meaning and a ``Peasant`` agent can hold it. Arrays grow by
doubling when births fill them. Every mechanism updates these arrays a month at a time.

State variables, one per line:
- ``age``        years (float32)
- ``female``     sex (bool)
- ``bmi``        body mass index, kg/m2 (float32); weight = bmi x height^2
- ``height``     metres (float32); grows until 19 (physiology.body_after)
- ``hunger``     0 fed, 1 hungry, 2 starving, 3 severely wasted (int8)
- ``household``  index of the household plot (int32)
- ``commune``    index of the commune (int16, copied from the household for speed)
- ``labour``     this month's task: see ``labour.TASKS`` (int8)
- ``kcal``       last month's intake, kcal/day (float32)
- ``alive``      alive and living here (bool): in the villages for ``model.people``, in the towns
                 for ``model.towns.people``
- ``gestation``  month of pregnancy, 1-9; 0 not pregnant (int8)
- ``postpartum`` months of post-partum infecundity left after a birth (int8)
- ``registration`` household registration: RURAL, URBAN, RECRUITED (1958 recruits to industry,
                 urban ration) or REFUGEE (fled the villages, no registration) (int8)
"""

from __future__ import annotations

import numpy as np

HUNGER_STATES = ("fed", "hungry", "starving", "wasted")
RURAL, URBAN, RECRUITED, REFUGEE = range(4)  # definition: the codes of REGISTRATIONS
REGISTRATIONS = ("rural", "urban", "recruited", "refugee")
# Girls among births and women at the start: about 106 boys per 100 girls.
# source: the normal human sex ratio at birth (about 105-107 boys per 100 girls); assumption: the
# same share among those alive at the start.
FEMALE_SHARE = 0.485

_FIELDS = {
    "age": np.float32,
    "female": np.bool_,
    "bmi": np.float32,
    "height": np.float32,
    "hunger": np.int8,
    "household": np.int32,
    "commune": np.int16,
    "labour": np.int8,
    "kcal": np.float32,
    "alive": np.bool_,
    "gestation": np.int8,
    "postpartum": np.int8,
    "registration": np.int8,
}


class People:
    """Struct of arrays for every person of one place (the villages, or the towns)."""

    def __init__(self, capacity: int):
        self.n = 0  # slots used
        # bumped whenever someone arrives or leaves (``add``, ``remove``): counts of the living
        # made since the last bump still hold (``FamineModel.household_population``)
        self.changes = 0
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

    def add(self, *, age, female, bmi, height, household, commune, registration=RURAL, gestation=0,
            postpartum=0, hunger=0, kcal=2000.0) -> np.ndarray:
        """Append people; return their indices."""
        k = len(age)
        if self.n + k > self.capacity:
            self._grow(self.n + k)
        idx = np.arange(self.n, self.n + k)
        self.age[idx] = age
        self.female[idx] = female
        self.bmi[idx] = bmi
        self.height[idx] = height
        self.household[idx] = household
        self.commune[idx] = commune
        self.hunger[idx] = hunger
        self.labour[idx] = 0
        self.kcal[idx] = kcal
        self.alive[idx] = True
        self.gestation[idx] = gestation
        self.postpartum[idx] = postpartum
        self.registration[idx] = registration
        self.n += k
        self.changes += 1
        return idx

    def remove(self, idx: np.ndarray) -> None:
        """People ``idx`` die or leave: their slots stay, no longer alive."""
        self.alive[idx] = False
        self.changes += 1

    def view(self, name: str) -> np.ndarray:
        """The used part of one array (a view, writes go through)."""
        return getattr(self, name)[: self.n]

    def take(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        """The state of people ``idx`` (copies), to move them to another place (``add(**...)``)."""
        return {name: getattr(self, name)[idx].copy() for name in
                ("age", "female", "bmi", "height", "gestation", "postpartum", "hunger", "kcal")}

    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in _FIELDS)
