"""Write greatleap/data/who_growth_lms.csv: the WHO growth references' LMS values by month of age.

Source: the WHO Child Growth Standards (2006; birth to 60 months) and the WHO Growth Reference
for 5-19 years (2007; 61 to 228 months), BMI-for-age and length/height-for-age, as bundled by the
maintained package ``pygrowthstandards`` (MIT licence; version 0.1.3, data file
``pygrowthstandards_1.1.parquet``). Its values equal those bundled by ``rcpchgrowth`` 4.6.5 (the
RCPCH's package) at every age both hold (checked when the file was made; see
greatleap/data/SOURCES.md).

Run it only to regenerate the file (it is committed; the model never needs the package):

    pip download --no-deps -d /tmp/pgs pygrowthstandards==0.1.3
    unzip -o /tmp/pgs/pygrowthstandards-0.1.3-py3-none-any.whl -d /tmp/pgs
    .venv/bin/python scripts/make_growth_reference.py /tmp/pgs/pygrowthstandards/data/pygrowthstandards_1.1.parquet

Months 0-60 take the 2006 standards at day round(month x 30.4375); lying length below 24
months, standing height from 24 months (as the WHO tables do). Months 61-228 take the 2007
reference's monthly rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from greatleap.atomic import write_text  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "greatleap" / "data" / "who_growth_lms.csv"
DAYS_PER_MONTH = 30.4375
LAST_MONTH = 228  # 19 years


def lms_by_month(table: pd.DataFrame, measurement: str, sex: str) -> pd.DataFrame:
    who = table[(table.source == "who") & (table.x_var_type == "age") & (table.measurement_type == measurement)
                & (table.sex == sex)]
    rows = []
    for month in range(LAST_MONTH + 1):
        if month <= 60:
            day = round(month * DAYS_PER_MONTH)
            groups = ["0-2"] if day < 731 else ["2-5"]
        else:
            day = round(month * DAYS_PER_MONTH)
            groups = ["5-10", "10-19"]
        hit = who[(who.x == day) & who.age_group.isin(groups) & (who.name == ("growth" if month > 60 else "child_growth"))]
        if month > 60 and hit.empty:  # the 2007 rows sit on whole months: nearest day
            cand = who[who.age_group.isin(groups) & (who.name == "growth")]
            hit = cand.iloc[[(cand.x - day).abs().argmin()]]
        if len(hit) != 1:
            raise SystemExit(f"{measurement} {sex} month {month}: {len(hit)} rows at day {day}")
        r = hit.iloc[0]
        rows.append((month, float(r.l), float(r.m), float(r.s)))
    return pd.DataFrame(rows, columns=["months", "L", "M", "S"])


def main(parquet: str) -> None:
    table = pd.read_parquet(parquet)
    parts = []
    for sex, name in (("M", "male"), ("F", "female")):
        bmi = lms_by_month(table, "body_mass_index", sex).rename(columns={"L": "bmi_L", "M": "bmi_M", "S": "bmi_S"})
        height = lms_by_month(table, "stature", sex).rename(columns={"L": "height_L", "M": "height_M", "S": "height_S"})
        parts.append(bmi.merge(height, on="months").assign(sex=name))
    out = pd.concat(parts)[["sex", "months", "bmi_L", "bmi_M", "bmi_S", "height_L", "height_M", "height_S"]]
    write_text(OUT, "# WHO growth references by month of age: BMI-for-age and length/height-for-age LMS values\n"
                   "# (WHO Child Growth Standards 2006, 0-60 months; WHO Growth Reference 2007, 61-228 months).\n"
                   "# Made by scripts/make_growth_reference.py from pygrowthstandards 0.1.3; see SOURCES.md.\n"
                   + out.to_csv(index=False))
    print(f"wrote {OUT} ({len(out)} rows)")


if __name__ == "__main__":
    main(sys.argv[1])
