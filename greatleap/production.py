"""Production (ODD 7.1).

Rules in plain words:
- Two crops a year: a summer crop (winter wheat) sown in October and harvested in June, and an
  autumn crop (rice, maize, sweet potato) sown in April-May and harvested in October.
- A plot's crop is its potential (fertility x normal output) times the share of land sown,
  which follows labour at sowing time, the plan's grain area (``planning``), the draught animals'
  ploughing capacity and the seed kept back (ODD 7.11), times a yield factor, which follows
  effective labour in the crop's growing months (elasticity ``labour_elasticity``), times the
  region's weather that year (``weather``: published disaster areas; part of each year's spread
  between regions is shared by a whole province, ODD 7.12), times the close-planting
  penalty on fields sown during the campaign, times the technique of normal farming, tools and
  irrigated or damaged land (``capital``). Kueh (1984) found half the fall came through area and
  half through yield; the run tables split the model's fall the same way.
- At harvest, a share of the ripe crop rots when harvest labour is away; crops eaten green
  earlier are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from greatleap import provinces

# The regional yield factor of the weather stays inside these bounds.
# assumption: no region loses more than 70% or gains more than 50% of a normal yield in a year.
WEATHER_FLOOR, WEATHER_CEILING = 0.3, 1.5
# Labour in the fields, relative to the norm, counts inside these bounds for sowing and yield.
# assumption: some land is sown and tended however few are left; more hands than the norm add little.
LABOUR_FLOOR, LABOUR_CEILING = 0.05, 1.1
# The summer crop's share of a normal year's grain. assumption: winter wheat and other summer grain
# gave well under half of the year's grain; no 1950s seasonal split was verified here.
SUMMER_SHARE = 0.3


@dataclass
class Crop:
    name: str
    share: float  # share of a normal year's output
    sowing: tuple[int, ...]  # calendar months of sowing
    growing: tuple[int, ...]  # months whose field labour sets the yield
    harvest: int
    area: np.ndarray = field(default=None)  # per commune, share of land sown
    log_labour: np.ndarray = field(default=None)  # per commune, sum of log labour while growing
    months: int = 0
    penalty: float = 0.0  # close-planting penalty of this planting
    green_eaten: np.ndarray = field(default=None)  # per commune, kg of harvest lost to green eating
    standing: bool = False


def make_crops(n_communes: int, summer_share: float = SUMMER_SHARE) -> list[Crop]:
    crops = [Crop("summer", summer_share, (10,), (3, 4, 5), 6),
             Crop("autumn", 1.0 - summer_share, (4, 5), (6, 7, 8, 9), 10)]
    for crop in crops:
        crop.area = np.ones(n_communes)
        crop.log_labour = np.zeros(n_communes)
        crop.green_eaten = np.zeros(n_communes)
    # In January 1957 the summer crop is already in the ground.
    crops[0].standing = True
    return crops


def regional_weather(model, year: int) -> np.ndarray:
    """Per commune: the yield factor of the weather in ``year`` (1 = normal)."""
    p = model.p
    national = 1.0 + p["weather_scale"] * (model.calendar.weather.get(year, 1.0) - 1.0)
    regions = model.communes.region
    county = model.rng.normal(0.0, p["weather_regional_sd"], regions.max() + 1)
    # ODD 7.12: a share of the regional spread falls on a whole province at once
    province = p["weather_regional_sd"] * provinces.weather_shocks(model)
    shared = p["weather_province_share"]
    noise = np.sqrt(1.0 - shared) * county[regions] + np.sqrt(shared) * province[model.commune_province]
    return np.clip(national + noise, WEATHER_FLOOR, WEATHER_CEILING)


def sow(model, crop: Crop, labour: np.ndarray) -> float:
    """Sowing month: land sown follows labour and seed. Returns seed used (kg)."""
    p = model.p
    first = model.ym[1] == crop.sowing[0]
    # land is sown even short-handed, so area responds less than yield (area_labour_response)
    by_labour = np.clip(labour, LABOUR_FLOOR, LABOUR_CEILING) ** (p["area_labour_response"] * p["labour_elasticity"])
    crop.area = by_labour if first else 0.5 * (crop.area + by_labour)
    if model.ym[1] != crop.sowing[-1]:
        return 0.0
    # ODD 7.11: the plan's grain area, as far as the draught animals can plough it
    crop.area = crop.area * model.capital.planned_area * model.capital.ploughing(model)
    need = p["seed_rate"] * crop.share * model.potential * crop.area
    used = np.minimum(need, model.communes.seed)
    crop.area = np.where(need > 0, crop.area * used / np.maximum(need, 1e-9), crop.area)
    model.communes.seed -= used
    crop.log_labour[:] = 0.0
    crop.months = 0
    crop.green_eaten[:] = 0.0
    crop.standing = True
    planting = p["close_planting"] and model.calendar.close_planting_on(model.ym)
    crop.penalty = p["close_planting_penalty"] if planting and not model.state.retreated else 0.0
    return float(used.sum())


def tend(crop: Crop, labour: np.ndarray) -> None:
    crop.log_labour += np.log(np.clip(labour, LABOUR_FLOOR, LABOUR_CEILING))
    crop.months += 1


def expected_crop(model, crop: Crop, weather: np.ndarray) -> np.ndarray:
    """Per commune, the ripe crop (kg) the fields now promise."""
    p = model.p
    yield_factor = np.exp(p["labour_elasticity"] * crop.log_labour / max(crop.months, 1))
    farm = model.capital.technique * model.capital.yield_factor(model)
    ripe = model.potential * farm * crop.share * crop.area * yield_factor * weather * (1 - crop.penalty)
    return np.maximum(ripe - crop.green_eaten, 0.0)


def harvest(model, crop: Crop, labour: np.ndarray, weather: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Harvest month: (grain brought in, grain rotted in the field) per commune, kg."""
    ripe = expected_crop(model, crop, weather)
    short = np.clip(1.0 - labour, 0.0, 1.0)
    lost = ripe * model.p["harvest_loss_max"] * short
    crop.standing = False
    return ripe - lost, lost


def standing_crop_layer(model, crops: list[Crop], weather: np.ndarray) -> np.ndarray:
    """Per plot: the standing crop (kg), for the dashboard's heat-map."""
    per_commune = sum(expected_crop(model, c, weather) for c in crops if c.standing)
    if np.isscalar(per_commune):
        return np.zeros_like(model.fertility_plot)
    commune = model.households.commune
    share = model.fertility_plot / np.maximum(model.fertility_by_commune[commune], 1e-9)
    return per_commune[commune] * share
