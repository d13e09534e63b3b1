"""The national weather index of yields, from published disaster-area statistics (ODD 6 and 7.1).

The index of a year is 1 minus the yield lost on land hit by disasters that year beyond what was
lost in 1957 (the model's normal year), over the sown area:

    index = 1 - (LOSS_SERIOUS x d(seriously affected) + LOSS_AFFECTED x d(affected, not seriously))
                / SOWN_AREA_1957_MHA

The areas are in ``greatleap/data/disaster_area.csv`` (sources in ``greatleap/data/SOURCES.md``).
A year the file does not cover is normal (1). ``weather_scale`` (production) multiplies the
deviations; the calendar holds the index, as weather is decided outside the model.
"""

from __future__ import annotations

import csv
from importlib import resources

# The statistics' own definitions: "affected" land lost 10% or more of a normal yield, "seriously
# affected" 30% or more. Loss on the first is taken at the middle of 10-30%; on the second at 50%
# (assumption: between the definition's 30% and a total loss; weather_scale spans the doubt).
LOSS_AFFECTED = 0.2
LOSS_SERIOUS = 0.5  # assumption: as above
# Total sown area of all crops in 1957, Mha. source: SSB yearbook (recalled, not verified;
# greatleap/data/SOURCES.md).
SOWN_AREA_1957_MHA = 157.2
BASE_YEAR = 1957  # definition: the model's normal year


def disaster_areas() -> dict[int, tuple[float, float]]:
    """Per year: (affected, seriously affected) sown area, million hectares."""
    text = resources.files("greatleap.data").joinpath("disaster_area.csv").read_text()
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {int(r["year"]): (float(r["affected_mha"]), float(r["seriously_affected_mha"])) for r in rows}


def weather_index() -> dict[int, float]:
    """Per year, the national yield factor of the weather (1957 = 1)."""
    areas = disaster_areas()
    base_affected, base_serious = areas[BASE_YEAR]
    out = {}
    for year, (affected, serious) in areas.items():
        lost = (LOSS_SERIOUS * (serious - base_serious)
                + LOSS_AFFECTED * ((affected - serious) - (base_affected - base_serious)))
        out[year] = round(1.0 - lost / SOWN_AREA_1957_MHA, 4)
    return out
