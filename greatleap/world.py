"""Building the world at the start of a run (ODD 5, initialisation).

Communes are square blocks of household plots laid out in rows on one grid; each plot is one
household. Officials oversee consecutive groups of communes (a "region", which shares its
weather). People are drawn from a stable-population age structure; each household gets a
kin partner in another commune of the same region.
"""

from __future__ import annotations

import math

import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid

from greatleap import physiology
from greatleap.physiology import ANNUAL_DEATH_RATE, HEALTHY_BMI
from greatleap.population import FEMALE_SHARE, RURAL, People

# Spread of hall participation between communes. assumption: participation differed between
# provinces and communes (Liu, Wen & Wei 2014); no commune-level spread was found.
HALL_PARTICIPATION_SD = 0.1
# Commune and plot fertility (normal draws around 1) are kept inside these bounds.
# assumption: no commune yields less than 40% or more than 180% of the mean, no plot 20% or 200%.
COMMUNE_FERTILITY_BOUNDS, PLOT_FERTILITY_BOUNDS = (0.4, 1.8), (0.2, 2.0)
# The growth a year of the stable population the starting ages are drawn from.
# assumption: near the registered natural increase of the mid-1950s (about 2% a year; SSB, recalled).
POPULATION_GROWTH = 0.02
# Adults' BMI at the start: N(HEALTHY_BMI, ADULT_BMI_SD) inside ADULT_BMI_BOUNDS; children's
# BMI-for-age z: N(0, CHILD_BMI_Z_SD) inside CHILD_BMI_Z_BOUNDS.
# assumption: a normal year's spread of thinness; no survey of 1957 bodies was found.
ADULT_BMI_SD, ADULT_BMI_BOUNDS = 1.2, (17.0, 24.0)
CHILD_BMI_Z_SD, CHILD_BMI_Z_BOUNDS = 0.8, (-2.0, 2.0)  # assumption: as above


class Households:
    """Household-level state, one entry per plot (arrays indexed by household id).

    - ``commune``  commune id
    - ``x``, ``y`` plot coordinates on the grid
    - ``stock``    grain in the household store, kg
    - ``hidden``   grain hidden from the cadre, kg
    - ``in_hall``  eats in the commune's dining hall while halls are open
    - ``kin``      household id of a kin household (transfers, ODD 7.7)
    """

    def __init__(self, commune, x, y, in_hall, kin):
        self.commune, self.x, self.y = commune, x, y
        self.stock = np.zeros(len(commune))
        self.hidden = np.zeros(len(commune))
        self.in_hall = in_hall
        self.kin = kin

    def __len__(self) -> int:
        return len(self.commune)


class Communes:
    """Commune-level state (arrays indexed by commune id); the cadre agent holds the rest."""

    def __init__(self, n: int):
        self.n = n
        self.granary = np.zeros(n)  # collective grain, kg (the hall's larder while halls are open)
        self.seed = np.zeros(n)  # seed kept for the next sowing, kg
        self.quota = np.zeros(n)  # procurement still owed on the current harvest, kg
        self.owed_since = np.full(n, -1)  # month index when the unpaid quota fell due
        self.hall_participation = np.zeros(n)
        self.region = np.zeros(n, dtype=int)
        self.workers_normal = np.ones(n)  # able workers at the start: the labour norm
        self.quota_initial = np.zeros(n)  # the quota as set on the current harvest, kg
        # the reports on file (ODD 7.3): this harvest year's so far, and last year's
        self.true_kg_this_year = np.zeros(n)  # true harvests of this year, kg
        self.official_kg_this_year = np.zeros(n)  # official-level reports of this year, kg
        self.report_last_year = np.zeros(n)  # official-level reported output of the last year, kg
        self.report_ratio_last_year = np.ones(n)  # last year's official report / true harvest


def commune_layout(n_communes: int, side: int) -> tuple[int, int, np.ndarray]:
    """Grid width, height and the commune id of every plot (array shape (width, height))."""
    cols = math.ceil(math.sqrt(n_communes))
    rows = math.ceil(n_communes / cols)
    width, height = cols * side, rows * side
    ids = np.full((width, height), -1, dtype=np.int32)
    for c in range(n_communes):
        cx, cy = (c % cols) * side, (c // cols) * side
        ids[cx:cx + side, cy:cy + side] = c
    return width, height, ids


def build_grid(model, ids: np.ndarray, fertility: np.ndarray) -> OrthogonalMooreGrid:
    """The Mesa grid of plots with its property layers (built on demand: see FamineModel.grid)."""
    width, height = ids.shape
    grid = OrthogonalMooreGrid((width, height), torus=False, random=model.random)
    for name, dtype, default in (("commune", int, -1), ("fertility", float, 0.0),
                                 ("standing_crop", float, 0.0), ("hidden_grain", float, 0.0),
                                 ("hunger", float, 0.0), ("alive", int, 0), ("deaths", int, 0),
                                 ("draught_animals", float, 0.0), ("damaged_land", float, 0.0)):
        grid.create_property_layer(name, default_value=dtype(default), dtype=dtype)
    grid.commune.data[:] = ids
    grid.fertility.data[:] = fertility
    return grid


def draw_fertility(rng, ids: np.ndarray, p) -> np.ndarray:
    """Plot fertility around 1: a commune mean times plot-level noise."""
    n = ids.max() + 1
    commune_mean = np.clip(rng.normal(1.0, p["commune_fertility_sd"], n), *COMMUNE_FERTILITY_BOUNDS)
    plot = np.clip(rng.normal(1.0, p["fertility_sd"], ids.shape), *PLOT_FERTILITY_BOUNDS)
    fert = np.where(ids >= 0, commune_mean[np.maximum(ids, 0)] * plot, 0.0)
    return fert


def stable_age_weights(growth: float = POPULATION_GROWTH) -> np.ndarray:
    """Share of people at each whole age in a stable population growing at ``growth``/year."""
    survival = np.concatenate([[1.0], np.cumprod(1.0 - ANNUAL_DEATH_RATE[:-1])])
    w = survival * np.exp(-growth * np.arange(101))
    return w / w.sum()


def draw_hall_participation(rng, p, drive: np.ndarray) -> np.ndarray:
    """Per commune, the share of households that will eat in its dining hall: the national mean
    plus its province's ``drive`` (``provinces.hall_drive``) and the commune's own spread."""
    return np.clip(rng.normal(p["hall_participation"], HALL_PARTICIPATION_SD, p["n_communes"]) + drive, 0.0, 1.0)


def build_households(model, ids: np.ndarray, p, participation: np.ndarray) -> Households:
    """One household per plot; each eats in the hall with its commune's ``participation``."""
    rng = model.rng
    xs, ys = np.nonzero(ids >= 0)
    commune = ids[xs, ys].astype(np.int16)
    in_hall = rng.random(len(commune)) < participation[commune]
    kin = _kin_partners(rng, commune, p["communes_per_official"])
    return Households(commune, xs, ys, in_hall, kin)


def _kin_partners(rng, commune: np.ndarray, per_official: int) -> np.ndarray:
    """Each household's kin: a random household of the next commune in the same region (its own
    commune only when the region has one commune)."""
    n = len(commune)
    region = commune // per_official
    order = np.lexsort((rng.random(n), commune))  # by commune, random order within each
    kin = np.empty(n, dtype=np.int64)
    for r in np.unique(region):
        members = order[region[order] == r]
        communes = np.unique(commune[members])
        shift = np.count_nonzero(commune[members] == communes[-1]) if len(communes) > 1 else len(members) // 2
        kin[members] = np.roll(members, shift)  # equal-sized communes: each lands in the next
    return kin


def draw_persons(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Ages (years) from the stable population and sexes of ``n`` people."""
    ages = rng.choice(101, size=n, p=stable_age_weights()) + rng.random(n)
    return ages, rng.random(n) < FEMALE_SHARE


def draw_bodies(rng, age: np.ndarray, female: np.ndarray, p) -> dict[str, np.ndarray]:
    """Bodies and pregnancies at the start: adults of the 1950s' heights at a BMI around 21;
    children on a height-for-age centile that leads to those heights and a BMI-for-age around the
    reference; women pregnant or infecund after a birth as in any month of normal times."""
    n = len(age)
    adult = age >= physiology.ADULT_FROM
    mean, sd = physiology.ADULT_HEIGHT_M, physiology.ADULT_HEIGHT_SD
    adult_height = rng.normal(np.where(female, mean[1], mean[0]), np.where(female, sd[1], sd[0]))
    child_z = rng.normal(physiology.CHILD_HEIGHT_Z, 1.0, n)
    height = np.where(adult, adult_height, physiology.height_at_z(np.minimum(age, 18.99), female, child_z))
    adult_bmi = np.clip(rng.normal(HEALTHY_BMI, ADULT_BMI_SD, n), *ADULT_BMI_BOUNDS)
    child_z_bmi = np.clip(rng.normal(0.0, CHILD_BMI_Z_SD, n), *CHILD_BMI_Z_BOUNDS)
    child_bmi = physiology.bmi_at_z(np.minimum(age, 18.99), female, child_z_bmi)
    gestation, postpartum = physiology.initial_reproduction(rng, age, female, p)
    return {"bmi": np.where(adult, adult_bmi, child_bmi), "height": height,
            "gestation": gestation, "postpartum": postpartum}


def build_people(model, hh: Households, p) -> People:
    rng = model.rng
    n_hh = len(hh)
    sizes = 1 + rng.poisson(p["household_size"] - 1, n_hh)
    n = int(sizes.sum())
    people = People(capacity=int(n * 1.3) + 16)
    ages, female = draw_persons(rng, n)
    household = np.repeat(np.arange(n_hh), sizes)
    people.add(age=ages, female=female, household=household, commune=hh.commune[household],
               registration=RURAL, **draw_bodies(rng, ages, female, p))
    return people
