"""Physiology and demography (ODD 7.8): bodies that grow and waste by age and sex, deaths from
wasting, infection and the normal age schedule, pregnancies and births.

Rules in plain words (sources beside each constant below and in docs/ODD.md, 7.8):
- A body is a weight and a height; BMI = weight / height². Energy need per day is the basal
  metabolic rate (Schofield equations by age band and sex, FAO/WHO/UNU 2004) times a physical
  activity level: for children under 12 the FAO/WHO/UNU 2004 requirement by age and sex (infants
  per kg, older children BMR x PAL), which includes their growth; from 12 on a light day's PAL
  plus the cost of this month's work (in multiples of BMR) and, under 19, the cost of growing.
  Pregnancy adds 85, 285 and 475 kcal/day by trimester (FAO/WHO/UNU 2004).
- A child who eats its need grows in height and weight along its own centile of the WHO growth
  references (2006 standards to 5 years, 2007 reference to 19). Short of energy, it first grows
  less (stunting: height-for-age falls behind); when the deficit is deeper than the cost of
  growing, it stops growing and loses weight (wasting). Adults only lose or regain weight.
- Lost weight costs 7,000 kcal per kg, less as the body adapts (lower metabolism and less
  movement absorb 50-70% of a deficit, which reproduces the Minnesota experiment's 24% loss in 24
  weeks, Keys et al. 1950); a surplus rebuilds mass.
- Wasting is measured on a scale fit for the age: BMI-for-age z-score on the WHO references under
  19 (WHO's rule beyond -3 SD), and for adults the score (BMI - 21) / 2.5, so that BMI 18.5, 16
  and 13.5 are -1, -2 and -3. Hunger state: hungry below -1 or eating under 85% of need, starving
  below -2 or under 60%, severely wasted below -3.
- Death: the normal age schedule (a life table with life expectancy near 50), multiplied by a
  hazard ratio rising with wasting (Olofin et al. 2013: 11.63 for severe wasting in children; the
  same curve on the adult score), by a famine epidemic that grows with the share of the commune
  starving, and, in the towns, by the towns' lower mortality; plus death from inanition near the
  survival limit (Henry 2001: BMI about 13 for men and 11 for women, the women's advantage being
  their fat; children's limit is the same share of the age's median BMI, the sexes' mean before
  puberty, when their fat differs little; older people, with less lean mass, reach it sooner).
- Births: women 15-49 who are neither pregnant nor in post-partum infecundity conceive with a
  monthly chance that gives the 1950s age-specific fertility; not at all below the amenorrhoea
  limit of body mass (Frisch & McArthur 1974), less when they eat below need (postponement).
  A pregnancy lasts nine months; the fetus is lost if the mother's body fails. After a birth,
  breastfeeding keeps the mother infecund for months (Bongaarts & Potter 1983). Birth weight
  falls with the mother's shortfall late in pregnancy (Dutch hunger winter, Stein et al. 2004).
- Breastfeeding (``breastfeeding``): infants under ``exclusive_breastfeeding_months`` live on
  their mother's milk and take nothing from the household pot or the hall; they drink their need
  times the milk supply, which is full while the mother's BMI is above ``lactation_protected_bmi``
  and falls linearly to nothing at her survival limit (``bmi_limit_female``): lactation is
  protected until the mother is badly wasted (Prentice et al. 1983; Prentice 1994). The mother pays for the milk: her
  need rises by 505 kcal/day per infant fed in full (FAO/WHO/UNU 2004), so the household must
  feed her more, or she wastes. The model keeps no link from a child to its mother, so the pairing
  is by household: a woman nurses while her post-partum counter says she gave birth less than
  ``exclusive_breastfeeding_months`` ago (at most her post-partum infecundity: exclusive
  breastfeeding itself keeps a woman amenorrhoeic); the household's nursing women feed the
  household's infants under that age at the mean of their milk supplies and share the cost
  equally; a nursing woman whose infant died costs nothing more, and an infant whose household has
  no nursing woman (its mother died) eats from the pot like anyone, the historical fate of
  orphaned infants.
"""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
from numba import njit, vectorize

f32 = np.float32

DAYS_PER_MONTH = 30.4  # definition: 365 / 12, rounded
# Energy of body tissue lost or regained, kcal per kg (assumption: the standard figure for mixed
# fat and lean tissue, as in the rest of the model since issue 1).
KCAL_PER_KG_TISSUE = 7000.0
# Adaptation to a deficit (lower metabolism per kg, less movement): the share of a deficit that
# does not show as lost tissue, from half for a normal body to 70% for one at 64% of its median
# BMI. Set so that the Minnesota experiment is reproduced: young men of 69.4 kg and 1.78 m needing
# 3,200 kcal/day, fed 1,570 for 24 weeks, lost 24% of their weight (Keys et al. 1950; the model
# gives 24.3%, tests/test_physiology.py). source: fitted to Keys et al. 1950, as just said.
ADAPTED, ADAPTED_WASTED = 0.5, 0.7
# An adult's normal BMI here (adults start around it, N(21, 1.2)).
# assumption: lean peasants of the 1950s; no survey of Chinese adults' BMI then was found.
HEALTHY_BMI = 21.0
# Adults' wasting score = (BMI - 21) / 2.5: 18.5, 16, 13.5 are -1, -2, -3. source: WHO's adult
# cut-offs, 18.5 (underweight) and 16 (severe thinness), put at -1 and -2.
ADULT_SCORE_SD = 2.5
# A villager's daily intake in a normal year, all foods (sets the initial stores only).
# assumption: about 2,000 kcal a day for ordinary work (standard ranges, not verified here).
NORMAL_INTAKE_KCAL = 2000.0
FEMALE, MALE = 1, 0  # definition: the sex codes
# Adult heights of the 1950s, metres, men then women: Chinese adults born in 1896, 161.0 and 150.2
# cm (source: NCD Risk Factor Collaboration 2016, eLife 5:e13410); assumption: the spread.
ADULT_HEIGHT_M, ADULT_HEIGHT_SD = (1.610, 1.502), (0.060, 0.055)
# Children start on the height-for-age centile that ends at those heights at 19: about -2 SD of
# the WHO reference (161.0 cm is -2.1 SD for men at 19, 150.2 cm -2.0 SD for women).
# source: the NCD-RisC heights above on the WHO 2007 reference.
CHILD_HEIGHT_Z = -2.0

# ---- the WHO growth references, by sex and month of age -------------------------------------------
# BMI-for-age and length/height-for-age LMS values, WHO Child Growth Standards (2006) to 60 months
# and WHO Growth Reference (2007) to 228 months, from the maintained package pygrowthstandards
# (greatleap/data/who_growth_lms.csv, made by scripts/make_growth_reference.py; SOURCES.md).
REFERENCE_MONTHS = 228  # 19 years: from here on a person is an adult on the adult scale; source: WHO 2007's end
ADULT_FROM = 19.0  # definition: the same age in years


def _load_growth_reference() -> dict[str, np.ndarray]:
    """The LMS columns as arrays of shape (2, 229): sex (0 male, 1 female) x month of age."""
    text = resources.files("greatleap.data").joinpath("who_growth_lms.csv").read_text()
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith(("#", "sex"))]
    out = {name: np.zeros((2, REFERENCE_MONTHS + 1)) for name in
           ("bmi_L", "bmi_M", "bmi_S", "height_M", "height_S")}
    for sex, months, bl, bm, bs, _hl, hm, hs in rows:
        s, k = (FEMALE if sex == "female" else MALE), int(months)
        out["bmi_L"][s, k], out["bmi_M"][s, k], out["bmi_S"][s, k] = float(bl), float(bm), float(bs)
        out["height_M"][s, k], out["height_S"][s, k] = float(hm) / 100.0, float(hs)  # metres
    return out


GROWTH = _load_growth_reference()

# Rows of the per-person tables: months of age 0-227 for children, then one row a year from 19 to 100.
N_CHILD_ROWS = REFERENCE_MONTHS
N_ROWS = N_CHILD_ROWS + (100 - 19 + 1)  # definition: the tables' length


# Ages are float32 and grow by a float32 twelfth a month, so a child who is 7 months old can hold
# 0.58333325 years, a row behind. definition: rows and whole years are read this much later (years,
# under 9 hours), above the float32 drift of a sum of monthly steps to age 100 and below a month.
AGE_ROUNDING = 1e-3


@njit(cache=True, inline="always", error_model="numpy")
def row_of(age):
    """The row of the body tables for an age in years (month of age under 19, year after)."""
    age = age + f32(AGE_ROUNDING)
    child, adult = int(age * 12.0), N_CHILD_ROWS + min(int(age), 100) - 19
    return child if age < ADULT_FROM else adult


@njit(cache=True, inline="always", error_model="numpy")
def next_row(row):
    """The row a body has reached at the month's end, a month older than ``row`` (a child's next
    month; an adult's row is a year and is the same)."""
    return row + (row < N_CHILD_ROWS)


def rows_of(age: np.ndarray) -> np.ndarray:
    age = np.asarray(age, dtype=np.float64) + AGE_ROUNDING
    return np.where(age < ADULT_FROM, (age * 12).astype(np.intp),
                    N_CHILD_ROWS + np.minimum(age, 100).astype(np.intp) - 19)


def age_index(age: np.ndarray) -> np.ndarray:
    """Whole years of age, capped at 100 (the age-schedule tables' index)."""
    return np.minimum(np.asarray(age, dtype=np.float64) + AGE_ROUNDING, 100).astype(np.intp)


def _row_ages() -> np.ndarray:
    """The age in years at the start of each row."""
    return np.concatenate([np.arange(N_CHILD_ROWS) / 12.0, np.arange(19, 101, dtype=float)])


# ---- energy need: FAO/WHO/UNU 2004, "Human energy requirements" ------------------------------------
# source: Schofield (1985) BMR equations, kcal/day = a x weight (kg) + b, by age band (FAO/WHO/UNU 2004,
# Table 5.2 for adults; the same equations for children, FAO/WHO/UNU 1985 Table 5).
_SCHOFIELD = {  # band upper age: ((a, b) men, (a, b) women)
    3: ((59.512, -30.4), (58.317, -31.1)),
    10: ((22.706, 504.3), (20.315, 485.9)),
    18: ((17.686, 658.2), (13.384, 692.6)),
    30: ((15.057, 692.2), (14.818, 486.6)),
    60: ((11.472, 873.1), (8.126, 845.6)),
    200: ((11.711, 587.7), (9.082, 658.5)),
}
# Infants' requirement, kJ per kg per day, months 1-12 (source: FAO/WHO/UNU 2004, Table 3.3, from Butte
# 2005: total energy expenditure plus energy deposited in growth), boys then girls.
_INFANT_KJ_PER_KG = ((475, 435, 395, 345, 340, 335, 330, 330, 330, 335, 335, 335),
                     (445, 420, 395, 350, 345, 340, 330, 330, 330, 330, 330, 330))
# Children's requirement as a multiple of BMR (PAL), ages 1-17 (FAO/WHO/UNU 2004, Tables 4.5 and
# 4.6, moderate activity; it includes the energy of growth), boys then girls. source: as said.
_CHILD_PAL = ((1.43, 1.45, 1.44, 1.49, 1.53, 1.57, 1.60, 1.63, 1.66, 1.71, 1.75, 1.79, 1.82, 1.84, 1.84, 1.84, 1.83),
              (1.42, 1.42, 1.44, 1.49, 1.53, 1.56, 1.60, 1.63, 1.66, 1.71, 1.74, 1.76, 1.76, 1.75, 1.73, 1.73, 1.72))
# From 12 on (the age labour starts, labour.py): a light day's PAL without work (source: FAO/WHO/UNU
# 2004, Table 5.3: sedentary or light activity 1.40-1.69; assumption: 1.45 inside that range); work
# adds TASK_PAL x BMR.
PAL_LIGHT_DAY = 1.45
WORKING_FROM = 12  # assumption: the age work starts (labour._ABLE_BY_AGE)
# A child short of energy first plays less: within days, restricted intakes cut the amount and
# intensity of infants' and children's activity, keeping energy balance and growth (Torun 1990,
# "Short- and long-term effects of low or restricted energy intakes on the activity of infants and
# children", in Schurch & Scrimshaw eds, IDECG/UNU; undernourished Ugandan toddlers eating a third
# below the recommendations sat and stood more and walked and ran less, Rutishauser & Whitehead
# 1972, reported there). So the part of a child's requirement above a light day (its PAL above
# this floor, BMR x (PAL - 1.45): nothing for infants and under-fours, up to 0.34 x BMR at eleven)
# absorbs a deficit before any tissue is burnt (``child_play_cut`` of it; 0 switches it off). The
# floor is the model's light day (FAO/WHO/UNU 2004 Table 5.3, sedentary or light 1.40-1.69): an
# assumption inside that range.
CHILD_ACTIVITY_FLOOR = PAL_LIGHT_DAY
# Energy deposited per kg of weight gained in growth: 26 kJ/g just after birth, 10 kJ/g from 12
# months (source: FAO/WHO/UNU 2004, chapter 3; Butte 2005), in kcal/kg (4.184 kJ per kcal).
_GROWTH_KCAL_PER_KG_BIRTH, _GROWTH_KCAL_PER_KG_LATER = 26_000 / 4.184, 10_000 / 4.184
# Extra need in pregnancy, kcal/day, by trimester (source: FAO/WHO/UNU 2004, chapter 6): index = month of
# pregnancy (0: not pregnant).
PREGNANCY_KCAL = np.array([0, 85, 85, 85, 285, 285, 285, 475, 475, 475, 475], dtype=np.float32)

# Extra need of a woman breastfeeding one infant in full, kcal/day, in the first six months, for a
# well-nourished woman. source: FAO/WHO/UNU 2004, Human energy requirements, ch. 7 (energy
# requirements of lactation): 505. Its making, as recalled and not checked against the report
# here: milk of about 626 kcal/day (some 750 g/day of 0.67 kcal/g, made at 80% efficiency) less
# about 170 kcal/day from the fat laid down in pregnancy (0.8 kg a month; the same figures in
# Butte & King 2005 and the US Institute of Medicine's). The model stores no pregnancy fat, so a
# mother eats the 505 or loses her own tissue.
LACTATION_KCAL = 505.0

# Extra cost of each task (labour.TASKS: fields, furnace, irrigation, forage, none) in multiples of
# BMR at full effort: peak-season field work brings a light day's 1.45 to 1.85, the middle of FAO's
# "active or moderately active" range (1.70-1.99); earthworks and furnaces to 2.10, inside the
# "vigorous" range (2.00-2.40); foraging to 1.75. For a BMR of 1,400 kcal (a 55-kg man 1,520, a
# 50-kg woman 1,230) these are the 560, 910 and 420 kcal/day the model used before issue 12.
# source: FAO/WHO/UNU 2004 Table 5.3's ranges; assumption: where in each range a task sits.
TASK_PAL = np.array([0.40, 0.65, 0.65, 0.30, 0.0], dtype=np.float32)
# Field work's intensity by calendar month, as a share of its peak (multiplies TASK_PAL's fields).
# assumption: full in sowing, transplanting and the two harvests (April-June, September-October),
# slack in winter; no time-use record of the 1950s was found.
FIELD_SEASON = {1: 0.3, 2: 0.3, 3: 0.7, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.8, 8: 0.7, 9: 1.0, 10: 1.0,
                11: 0.6, 12: 0.3}
# Town residents of working age at work: FAO's "active" example, PAL 1.75 (an assumption: factory
# and service work, lighter than field work at its peak).
TOWN_WORK_PAL = 0.30


def _body_tables() -> dict[str, np.ndarray]:
    """Per (sex, row) tables the compiled passes read: energy (A x weight + B) x PAL + growth,
    growth rates, and the wasting scale (L, M, S and WHO's tail below -3 SD)."""
    ages = _row_ages()
    t = {name: np.zeros((2, N_ROWS)) for name in
         ("A", "B", "P", "GK", "GX", "WGAIN", "GA", "GB", "L", "M", "S", "SD3", "SD23")}
    g = GROWTH
    w_ref = g["bmi_M"] * g["height_M"] ** 2  # reference weight, kg, by month
    for s in (MALE, FEMALE):
        for r, age in enumerate(ages):
            band = next(upper for upper in _SCHOFIELD if age < upper)
            a, b = _SCHOFIELD[band][s]
            if r < 12:  # infants: requirement per kg
                t["A"][s, r], t["B"][s, r], t["P"][s, r] = _INFANT_KJ_PER_KG[s][r] / 4.184, 0.0, 1.0
            elif age < WORKING_FROM:
                t["A"][s, r], t["B"][s, r], t["P"][s, r] = a, b, _CHILD_PAL[s][int(age) - 1]
            else:
                t["A"][s, r], t["B"][s, r], t["P"][s, r] = a, b, PAL_LIGHT_DAY
            if r < N_CHILD_ROWS:
                wgain = w_ref[s, r + 1] / w_ref[s, r] - 1.0
                cost = (_GROWTH_KCAL_PER_KG_BIRTH + (_GROWTH_KCAL_PER_KG_LATER - _GROWTH_KCAL_PER_KG_BIRTH)
                        * min(r, 12) / 12.0)
                t["WGAIN"][s, r] = max(wgain, 0.0)
                # BMI a month on at the same z-score, to first order: (b / M - 1) / S is kept, so
                # b' = M' (1 - S'/S) + (S'/S) (M'/M) b
                m1, m2 = g["bmi_M"][s, r], g["bmi_M"][s, r + 1]
                ratio = g["bmi_S"][s, r + 1] / g["bmi_S"][s, r]
                t["GA"][s, r], t["GB"][s, r] = m2 * (1.0 - ratio), ratio * m2 / m1
                # kcal/day per kg of weight; at most 40% of an infant's requirement, the share energy
                # deposition takes at one month (Butte 2005)
                t["GK"][s, r] = t["WGAIN"][s, r] * cost / DAYS_PER_MONTH
                if r < 12:
                    t["GK"][s, r] = min(t["GK"][s, r], 0.4 * t["A"][s, r])
                t["GX"][s, r] = t["GK"][s, r] if age >= WORKING_FROM else 0.0  # not inside a PAL
                L, M, S = g["bmi_L"][s, r], g["bmi_M"][s, r], g["bmi_S"][s, r]
            else:
                t["GB"][s, r] = 1.0  # adults keep their BMI
                L, M, S = 1.0, HEALTHY_BMI, ADULT_SCORE_SD / HEALTHY_BMI
            sd = [M * (1 + L * S * k) ** (1 / L) for k in (-3, -2)]
            t["L"][s, r], t["M"][s, r], t["S"][s, r] = L, M, S
            t["SD3"][s, r], t["SD23"][s, r] = sd[0], sd[1] - sd[0]
    return {k: v.astype(np.float32) for k, v in t.items()}


def _height_tables() -> tuple[np.ndarray, np.ndarray]:
    """Height-for-age median (m) and S by (sex, row); adults' rows hold the values at 19 years, so
    that a child of the last row grows to them and adults do not grow."""
    m = np.repeat(GROWTH["height_M"][:, -1:], N_ROWS + 1, axis=1)  # one more: row + 1 of the last
    sd = np.repeat(GROWTH["height_S"][:, -1:], N_ROWS + 1, axis=1)
    m[:, :N_CHILD_ROWS] = GROWTH["height_M"][:, :N_CHILD_ROWS]
    sd[:, :N_CHILD_ROWS] = GROWTH["height_S"][:, :N_CHILD_ROWS]
    return m.astype(np.float32), sd.astype(np.float32)


_T = _body_tables()
HEIGHT_M, HEIGHT_S = _height_tables()
INV_HEIGHT_M, INV_HEIGHT_S = 1.0 / HEIGHT_M, 1.0 / HEIGHT_S  # definition: reciprocals, as below
ENERGY_A, ENERGY_B, ENERGY_PAL = _T["A"], _T["B"], _T["P"]
GROWTH_KCAL_PER_KG, GROWTH_EXTRA_PER_KG = _T["GK"], _T["GX"]
GROWTH_ALONG_A, GROWTH_ALONG_B = _T["GA"], _T["GB"]
SCALE_L, SCALE_M, SCALE_S, SCALE_SD3, SCALE_SD23 = _T["L"], _T["M"], _T["S"], _T["SD3"], _T["SD23"]
# definition: reciprocals, so that the compiled passes multiply instead of dividing
INV_M, INV_LS, INV_SD23 = 1.0 / SCALE_M, 1.0 / (SCALE_L * SCALE_S), 1.0 / SCALE_SD23


# Everything a person's row holds, packed sixteen float32 to a row (one 64-byte cache line), so
# that the compiled passes read one line per person instead of one per table. definition: columns:
(C_A, C_B, C_PAL, C_GX, C_GK, C_GROW_A, C_GROW_B, C_INV_M, C_L, C_INV_LS, C_SD3, C_INV_SD23, C_INV_HM, C_INV_HS,
 C_NEXT_HM, C_NEXT_HS) = range(16)


def _packed_rows() -> np.ndarray:
    body = np.zeros((2, N_ROWS, 16), dtype=np.float32)
    for col, table in ((C_A, ENERGY_A), (C_B, ENERGY_B), (C_PAL, ENERGY_PAL), (C_GX, GROWTH_EXTRA_PER_KG),
                       (C_GK, GROWTH_KCAL_PER_KG), (C_GROW_A, GROWTH_ALONG_A), (C_GROW_B, GROWTH_ALONG_B),
                       (C_INV_M, INV_M),
                       (C_L, SCALE_L), (C_INV_LS, INV_LS), (C_SD3, SCALE_SD3), (C_INV_SD23, INV_SD23),
                       (C_INV_HM, INV_HEIGHT_M[:, :N_ROWS]), (C_INV_HS, INV_HEIGHT_S[:, :N_ROWS]),
                       (C_NEXT_HM, HEIGHT_M[:, 1:N_ROWS + 1]), (C_NEXT_HS, HEIGHT_S[:, 1:N_ROWS + 1])):
        body[:, :, col] = table
    return body


ROWS = _packed_rows()


# ---- mortality ---------------------------------------------------------------------------------------
# True deaths a year per person by age (before baseline_mortality): infants, 1-4, 5-9, 10-39, then
# linear from the first to the second figure over 40-59 and over 60-79, and 80 on.
# assumption: shaped by hand on model life tables with life expectancy near 50 (no 1950s Chinese
# life table was read); baseline_mortality scales the level onto Banister 1987's true 1957 rate.
DEATH_RATE_INFANT, DEATH_RATE_1_4, DEATH_RATE_5_9, DEATH_RATE_10_39 = 0.13, 0.022, 0.005, 0.004
DEATH_RATE_40_59, DEATH_RATE_60_79, DEATH_RATE_80_UP = (0.006, 0.02), (0.025, 0.10), 0.20  # assumption: as above


def _annual_death_rate_by_age() -> np.ndarray:
    """True (not registered) mortality of the 1950s countryside by age, per year.

    Shaped on model life tables with life expectancy near 50 (Banister 1987 puts the true
    1957 crude death rate at 18 per 1000 against 10.8 registered); ``baseline_mortality``
    scales it.
    """
    rate = np.empty(101)
    rate[0] = DEATH_RATE_INFANT
    rate[1:5] = DEATH_RATE_1_4
    rate[5:10] = DEATH_RATE_5_9
    rate[10:40] = DEATH_RATE_10_39
    rate[40:60] = np.linspace(*DEATH_RATE_40_59, 20)
    rate[60:80] = np.linspace(*DEATH_RATE_60_79, 20)
    rate[80:] = DEATH_RATE_80_UP
    return rate


ANNUAL_DEATH_RATE = _annual_death_rate_by_age()
# definition: the annual rate as a constant monthly chance
MONTHLY_BASE_HAZARD = (1.0 - (1.0 - ANNUAL_DEATH_RATE) ** (1 / 12)).astype(np.float32)
# Wasting's hazard ratio: log-linear below -1 SD, through the pooled all-cause hazard ratio of
# severe wasting (WHZ < -3, taken at -3.5) in children under five, 11.63 (95% CI 9.84-13.76;
# Olofin et al. 2013, PLoS One 8:e64636). The slope (per SD) is ln(ratio) / 2.5.
# source: Olofin et al. 2013 for the ratio; assumption: its start at -1, "below -3" taken at -3.5,
# the same curve on the adults' score.
WASTING_HR_FROM, WASTING_HR_AT = -1.0, -3.5
# Deaths count as famine deaths for the part of the hazard due to wasting beyond -2 SD (WHO's
# definition of wasting: mild wasting is common in normal times) and to famine epidemics.
# source: WHO's definition of wasting, below -2 SD.
FAMINE_WASTING = -2.0
ELDERLY_FROM = 60  # older people reach the survival limit sooner (elderly_reserve); assumption: from 60
# Women survive to a lower BMI than men because they carry more fat (Henry 2001, as summarised by
# ENN Field Exchange 15: their larger fat stores last longer). Most of that difference is
# made in puberty: present in childhood, it grows in puberty as girls gain fat and boys lean mass
# (Bodzsar et al., Hungarian national study of 10-16-year-olds; Taylor et al. 2010, Obesity
# 18:1410, sexual dimorphism magnified from Tanner stage 1 to adulthood, women from 18). So a
# child's survival limit is the mean of the men's and women's until PUBERTY_FROM, opening linearly
# to each sex's own at PUBERTY_TO. Girls carry somewhat more fat than boys before puberty (28% in
# matched 5-10-year-olds, Arfai et al. 2002, Radiology; authors recalled, finding seen in the
# abstract): the shared limit before 10 is an approximation. source: Taylor et al. 2010 for the
# ages (Tanner stage 1 at about 10, adult women from 18); assumption: the linear opening.
PUBERTY_FROM, PUBERTY_TO = 10, 18
# Towns: registered 1957 death rates ran lower in cities than in the countryside (urban_mortality).


# ---- fertility ---------------------------------------------------------------------------------------
# Births per woman per year by age (total fertility 5.65, near the 1950s').
# assumption: a schedule shaped by hand; the parameter fertility maps it onto Coale 1984 and
# Ashton et al. 1984's total fertility of about 6 in 1957.
_ASFR = np.zeros(101)
_ASFR[15:20], _ASFR[20:25], _ASFR[25:30] = 0.07, 0.27, 0.28  # assumption: the schedule above, ages 15-29
_ASFR[30:35], _ASFR[35:40], _ASFR[40:45] = 0.23, 0.18, 0.10  # assumption: the schedule above, ages 30-44
ASFR = _ASFR
GESTATION_MONTHS = 9  # source: a human pregnancy's nine months
# BMI units above the limit over which ovulation returns in full.
# assumption: Frisch & McArthur 1974 give the threshold (amenorrhoea_bmi), not how sharp it is.
AMENORRHOEA_RAMP = 1.5
# Eating this share below need gives postponement its full effect.
# assumption: famines depress conceptions (the Dutch hunger winter); the dose is not measured.
POSTPONEMENT_SHORTFALL = 0.5
# Birth size: newborns' length- and BMI-for-age z-scores are drawn around the WHO standard's
# median (assumption: no source gives 1950s Chinese birth size).
NEWBORN_Z_MEAN = 0.0


def initial_reproduction(rng, age: np.ndarray, female: np.ndarray, p) -> tuple[np.ndarray, np.ndarray]:
    """(months pregnant, months of post-partum infecundity left) of each person at the start: each
    woman of childbearing age is at a uniformly drawn point of her stationary cycle."""
    ppi = postpartum_infecundity_months(p["breastfeeding_months"])
    q = _cycle_conception(ppi)[age_index(age)] * (p["fertility"] > 0)
    cycle = np.where(q > 0, 1.0 / np.maximum(q, 1e-9), 0.0) + GESTATION_MONTHS + ppi
    point = rng.random(len(age)) * cycle
    cycling = female & (q > 0)
    gestation = np.where(cycling & (point < GESTATION_MONTHS), point.astype(int) + 1, 0)
    after = point - GESTATION_MONTHS
    postpartum = np.where(cycling & (after >= 0) & (after < ppi), after.astype(int) + 1, 0)
    return gestation.astype(np.int8), postpartum.astype(np.int8)


def postpartum_infecundity_months(breastfeeding_months: float) -> int:
    """Months of post-partum amenorrhoea after a birth, from the duration of breastfeeding
    (Bongaarts & Potter 1983: 1.753 exp(0.1396 B - 0.001872 B^2))."""
    b = breastfeeding_months
    return int(round(1.753 * math.exp(0.1396 * b - 0.001872 * b * b)))


def monthly_conception(p) -> np.ndarray:
    """Monthly chance of conceiving, by age, for a fed woman who is neither pregnant nor infecund
    after a birth: the stationary cycle (waiting 1/q months, nine months pregnant, PPI months
    infecund) gives the age-specific fertility rate: 12 / ASFR = 1/q + 9 + PPI."""
    return (_cycle_conception(postpartum_infecundity_months(p["breastfeeding_months"])) * p["fertility"]).astype(np.float32)


def _cycle_conception(ppi: int) -> np.ndarray:
    q = np.zeros(101)
    fertile = ASFR > 0
    wait = 12.0 / ASFR[fertile] - GESTATION_MONTHS - ppi
    q[fertile] = 1.0 / np.maximum(wait, 1.0)
    return q


# ---- the rules, one person at a time ---------------------------------------------------------------
# Scalar rules are compiled functions inlined into the village's monthly passes
# (``greatleap.kernels``); the array forms below them serve tests and set-up. Constants are float32
# so that a float32 person stays float32. Branches are avoided where neighbours in the arrays (a
# child, a woman, an old man of one household) would take different ways.

@njit(cache=True, inline="always", error_model="numpy")
def _clip01(x):
    return min(max(x, f32(0.0)), f32(1.0))


@njit(cache=True, inline="always", error_model="numpy")
def weight_of(bmi, height):
    return bmi * height * height


@njit(cache=True, inline="always", error_model="numpy")
def bmr_of(s, row, weight):
    """Basal metabolic rate (kcal/day); for infants, the whole requirement per kg (PAL 1)."""
    return ROWS[s, row, C_A] * weight + ROWS[s, row, C_B]


@njit(cache=True, inline="always", error_model="numpy")
def energy_parts_of(s, row, bmi, height, gestation):
    """(BMR, need before work) in kcal/day: BMR x the age's PAL, plus growing (from 12 to 19, where
    no PAL includes it) and pregnancy."""
    w = weight_of(bmi, height)
    bmr = bmr_of(s, row, w)
    return bmr, bmr * ROWS[s, row, C_PAL] + w * ROWS[s, row, C_GX] + PREGNANCY_KCAL[gestation]


@njit(cache=True, inline="always", error_model="numpy")
def daily_need_of(s, row, bmi, height, task_pal, capacity, long_hours, gestation):
    """kcal/day spent this month: the need before work, plus work as hard as one can (``task_pal``
    x BMR x capacity) and coerced hours (which no weakness excuses)."""
    bmr, base = energy_parts_of(s, row, bmi, height, gestation)
    return base + bmr * task_pal * capacity + long_hours


@njit(cache=True, inline="always", error_model="numpy")
def growth_kcal_of(s, row, bmi, height):
    """kcal/day of the need that goes to growing along one's centile (0 for adults)."""
    return weight_of(bmi, height) * ROWS[s, row, C_GK]


@njit(cache=True, inline="always", error_model="numpy")
def height_z_of(s, row, height):
    """Height-for-age z-score (meaningless for adults' rows)."""
    return (height * ROWS[s, row, C_INV_HM] - f32(1.0)) * ROWS[s, row, C_INV_HS]


@njit(cache=True, inline="always", error_model="numpy")
def body_after(s, row, bmi, height, intake, need, play_cut):
    """(BMI, height) next month from this month's energy balance.

    The growth share of need is spent first: with a deficit smaller than it, a child grows that
    much less in height and weight (stunting); a deeper deficit stops growth and burns tissue
    (wasting). A child first plays less (``play_cut`` of its activity above a light day absorbs a
    deficit);
    adaptation absorbs 50-70% of the rest, more as reserves run down; half a surplus goes to heat;
    a well-fed body drifts back towards the median of the age it reaches at the month's end."""
    w = weight_of(bmi, height)
    g = w * ROWS[s, row, C_GK]
    balance = intake - need
    play = bmr_of(s, row, w) * max(ROWS[s, row, C_PAL] - f32(CHILD_ACTIVITY_FLOOR), f32(0.0)) * play_cut
    balance += min(max(-balance, f32(0.0)), play)
    grown = _clip01((g + balance) / max(g, f32(1e-6)))
    deficit = max(-(balance + g), f32(0.0))
    surplus = max(balance, f32(0.0))
    ref = f32(1.0) / ROWS[s, next_row(row), C_INV_M]  # the grown body against next month's median
    short = f32(ADAPTED) + f32(ADAPTED_WASTED - ADAPTED) * _clip01((f32(0.881) - bmi * ROWS[s, row, C_INV_M])
                                                                  * f32(1 / 0.238))
    # along its height-for-age centile: next month's height at this month's z-score
    centile = height_z_of(s, row, height)
    target = ROWS[s, row, C_NEXT_HM] * (f32(1.0) + ROWS[s, row, C_NEXT_HS] * centile)
    h2 = height + grown * max(target - height, f32(0.0))
    # and along its BMI-for-age centile (to first order in the distance from the median), so that
    # a thin child grown in full is as thin for its age next month
    along = ROWS[s, row, C_GROW_A] + ROWS[s, row, C_GROW_B] * bmi
    w2 = (bmi + grown * (along - bmi)) * h2 * h2
    w2 += (surplus * f32(0.5) - deficit * (f32(1.0) - short)) * f32(DAYS_PER_MONTH / KCAL_PER_KG_TISSUE)
    b = min(max(w2 / (h2 * h2), f32(0.38) * ref), f32(1.15) * ref)
    b -= f32(0.2) * max(b - ref, f32(0.0))
    return b, h2


@njit(cache=True, inline="always", error_model="numpy")
def wasting_score_of(s, row, bmi):
    """BMI-for-age z-score on the WHO references under 19 (linear below -3 SD, as the WHO does
    for skewed indicators); (BMI - 21) / 2.5 for adults."""
    t = bmi * ROWS[s, row, C_INV_M]
    if row >= N_CHILD_ROWS:  # adults: L = 1, no power to take
        return (t - f32(1.0)) * ROWS[s, row, C_INV_LS]
    z = (t ** ROWS[s, row, C_L] - f32(1.0)) * ROWS[s, row, C_INV_LS]
    if z < f32(-3.0):
        z = f32(-3.0) + (bmi - ROWS[s, row, C_SD3]) * ROWS[s, row, C_INV_SD23]
    return z


@njit(cache=True, inline="always", error_model="numpy")
def hunger_state_of(score, intake_ratio):
    """0 fed, 1 hungry, 2 starving, 3 severely wasted."""
    # each state implies the ones before it, so counting the thresholds crossed gives the state
    hungry = (score < f32(-1.0)) | (intake_ratio < f32(0.85))
    starving = (score < f32(-2.0)) | (intake_ratio < f32(0.6))
    return np.int8(hungry + starving + (score < f32(-3.0)))


@njit(cache=True, inline="always", error_model="numpy")
def wasting_hazard_ratio_of(score, log_hr_per_sd):
    """Hazard ratio of other-cause death for a wasted body: 1 above -1 SD, log-linear below."""
    if score >= f32(WASTING_HR_FROM):  # not wasted: most people, most months
        return 1.0
    return math.exp(log_hr_per_sd * (f32(WASTING_HR_FROM) - score))


@njit(cache=True, inline="always", error_model="numpy")
def starvation_hazard_of(s, row, age_idx, bmi, limit_female, limit_male, elderly_reserve, inv_spread):
    """Monthly chance of dying of inanition: one half at the survival limit, which is the adult
    limit (men's or women's) as a share of the age's median BMI; raised for the old. It falls off
    over ``starvation_spread`` (``inv_spread``: ``starvation_inv_spread``)."""
    return starvation_hazard_at(starvation_distance_of(s, row, age_idx, bmi, limit_female, limit_male,
                                                        elderly_reserve, inv_spread))


@njit(cache=True, inline="always", error_model="numpy")
def starvation_distance_of(s, row, age_idx, bmi, limit_female, limit_male, elderly_reserve, inv_spread):
    """How far a body is above its survival limit, in units of the hazard's spread (the exponent
    of ``starvation_hazard_at``). The limit is a share of the age's median BMI: the sexes' mean
    before puberty, each sex's own after it (``PUBERTY_FROM``, ``PUBERTY_TO``)."""
    mid = f32(0.5) * (f32(limit_male) + f32(limit_female))
    apart = _clip01(f32(age_idx - PUBERTY_FROM) * f32(1 / (PUBERTY_TO - PUBERTY_FROM)))
    limit = (mid + f32(0.5) * (f32(limit_male) - f32(limit_female)) * f32(1 - 2 * s) * apart
             + f32(elderly_reserve) * (age_idx >= ELDERLY_FROM))
    return (bmi * ROWS[s, row, C_INV_M] - limit * f32(1 / HEALTHY_BMI)) * inv_spread


@njit(cache=True, inline="always", error_model="numpy")
def starvation_hazard_at(x):
    """Monthly chance of dying of inanition at the distance ``x`` from the limit."""
    if x > f32(40.0):  # far beyond anyone's reach: below 1e-17
        return f32(0.0)
    return f32(1.0) / (f32(1.0) + math.exp(x))


# Beyond this distance from the limit the starvation hazard is below SURELY_BELOW (e^-10 < 4.6e-5):
# a draw above SURELY_BELOW + the other hazards is a life whatever the exact starvation hazard,
# so the passes need not compute its exponential (the fate is the same, to the last bit: a float
# sum does not decrease when a term grows). Nearly everyone, in most months.
# definition: a shortcut of the computation, bit-identical to the full one.
FAR_FROM_LIMIT = 10.0
SURELY_BELOW = 5e-5  # definition: as above


LIVES, FAMINE_DEATH, OTHER_DEATH = 0, 1, 2  # definition: a person's fate this month


@njit(cache=True, inline="always", error_model="numpy")
def death_cause_of(u, starvation, baseline, baseline_fed):
    """``LIVES``, ``FAMINE_DEATH`` or ``OTHER_DEATH``, given one uniform draw ``u``.

    Deaths a body wasted no further than normal times know would also have died (the part of
    ``baseline`` below ``baseline_fed``) count as ordinary; the rest of the wasting- and
    epidemic-raised hazard counts with starvation."""
    lives = u >= starvation + baseline
    famine = (u < starvation) | (u >= starvation + baseline_fed)
    return np.int8(LIVES) if lives else (np.int8(FAMINE_DEATH) if famine else np.int8(OTHER_DEATH))


@vectorize(cache=True)
def death_cause(u, starvation, baseline, baseline_fed):
    """``death_cause_of`` for arrays."""
    return death_cause_of(u, starvation, baseline, baseline_fed)


@njit(cache=True, inline="always", error_model="numpy")
def fecundity_of(bmi, intake_ratio, amenorrhoea_bmi, postponement):
    """Share of a woman's normal monthly chance of conceiving: none below the amenorrhoea limit
    (returning over AMENORRHOEA_RAMP BMI units above it), less when she eats below need."""
    ovulating = _clip01((bmi - f32(amenorrhoea_bmi)) / f32(AMENORRHOEA_RAMP))
    short = _clip01((f32(1.0) - intake_ratio) / f32(POSTPONEMENT_SHORTFALL))
    return ovulating * (f32(1.0) - f32(postponement) * short)


@njit(cache=True, inline="always", error_model="numpy")
def milk_supply_of(bmi, protected_bmi, limit_bmi):
    """Share of a full milk supply a nursing woman gives: all of it above ``protected_bmi``
    (``lactation_protected_bmi``), falling linearly to none at her survival limit ``limit_bmi``
    (``bmi_limit_female``)."""
    return _clip01((bmi - f32(limit_bmi)) / max(f32(protected_bmi) - f32(limit_bmi), f32(0.1)))


def breastfed_months(p) -> int:
    """Months of age under which an infant lives on milk (0: ``breastfeeding`` off): the
    ``exclusive_breastfeeding_months`` rounded up, at most one more than the post-partum
    infecundity (a woman nurses while her counter runs; exclusive breastfeeding keeps her
    amenorrhoeic)."""
    if not p["breastfeeding"]:
        return 0
    ppi = postpartum_infecundity_months(p["breastfeeding_months"])
    return int(min(math.ceil(p["exclusive_breastfeeding_months"]), ppi + 1))


def nursing_above(p) -> int:
    """A woman nurses while her post-partum counter is above this: it is set to the infecund
    months at a birth and counts down from the next month, so a woman k months past a birth holds
    ppi + 1 - k, and nurses for k < ``breastfed_months`` (never when it is 0)."""
    return postpartum_infecundity_months(p["breastfeeding_months"]) + 1 - breastfed_months(p)


def milk_supply(bmi, p) -> np.ndarray:
    """``milk_supply_of`` for arrays."""
    return _milk(np.asarray(bmi, np.float32), np.float32(p["lactation_protected_bmi"]),
                 np.float32(p["bmi_limit_female"]))


@vectorize(cache=True)
def _milk(bmi, protected_bmi, limit_bmi):
    return milk_supply_of(bmi, protected_bmi, limit_bmi)


# ---- array forms (tests, set-up, the reporters) ------------------------------------------------------
def _sex(female) -> np.ndarray:
    return np.asarray(female).astype(np.intp)


@njit(cache=True)
def _map_need(s, row, bmi, height, task_pal, capacity, long_hours, gestation):
    out = np.empty(len(s), np.float32)
    for i in range(len(s)):
        out[i] = daily_need_of(s[i], row[i], bmi[i], height[i], task_pal[i], capacity[i], long_hours[i],
                               gestation[i])
    return out


def _flat(*arrays):
    """Broadcast the inputs together; return their shape and the flat arrays."""
    b = np.broadcast_arrays(*[np.asarray(a) for a in arrays])
    return b[0].shape, [np.ascontiguousarray(x).ravel() for x in b]


def daily_need(age, female, bmi, height, task_pal=0.0, capacity=1.0, long_hours=0.0, gestation=0) -> np.ndarray:
    """``daily_need_of`` for arrays (scalars broadcast)."""
    shape, (age, female, bmi, height, task_pal, capacity, long_hours, gestation) = _flat(
        age, female, bmi, height, task_pal, capacity, long_hours, gestation)
    age = age.astype(np.float32)
    return _map_need(_sex(female), rows_of(age), bmi.astype(np.float32), height.astype(np.float32),
                     task_pal.astype(np.float32), capacity.astype(np.float32), long_hours.astype(np.float32),
                     gestation.astype(np.int8)).reshape(shape)


@njit(cache=True)
def _map_body(s, row, bmi, height, intake, need, play_cut):
    b_out, h_out = np.empty(len(s), np.float32), np.empty(len(s), np.float32)
    for i in range(len(s)):
        b_out[i], h_out[i] = body_after(s[i], row[i], bmi[i], height[i], intake[i], need[i], play_cut)
    return b_out, h_out


def body_after_month(age, female, bmi, height, intake, need, play_cut=1.0) -> tuple[np.ndarray, np.ndarray]:
    """``body_after`` for arrays: (BMI, height) after a month (``play_cut``: ``child_play_cut``)."""
    shape, (age, female, bmi, height, intake, need) = _flat(age, female, bmi, height, intake, need)
    b, h = _map_body(_sex(female), rows_of(age.astype(np.float32)), bmi.astype(np.float32),
                     height.astype(np.float32), intake.astype(np.float32), need.astype(np.float32),
                     np.float32(play_cut))
    return b.reshape(shape), h.reshape(shape)


@njit(cache=True)
def _map_score(s, row, bmi):
    out = np.empty(len(s), np.float32)
    for i in range(len(s)):
        out[i] = wasting_score_of(s[i], row[i], bmi[i])
    return out


def wasting_score(age, female, bmi) -> np.ndarray:
    """BMI-for-age z-score under 19, (BMI - 21) / 2.5 for adults."""
    shape, (age, female, bmi) = _flat(age, female, bmi)
    return _map_score(_sex(female), rows_of(age.astype(np.float32)), bmi.astype(np.float32)).reshape(shape)


def _reference_months(age) -> np.ndarray:
    """Month of age on the WHO references (their last month for adults): ``rows_of``'s row."""
    return np.minimum(rows_of(age), REFERENCE_MONTHS)


def height_for_age_z(age, female, height) -> np.ndarray:
    """Height-for-age z-score on the WHO references (under 19 only; NaN for adults)."""
    age = np.asarray(age, dtype=float)
    s = _sex(female)
    months = _reference_months(age)
    m, sd = GROWTH["height_M"][s, months], GROWTH["height_S"][s, months]
    z = (np.asarray(height, dtype=float) / m - 1.0) / sd
    return np.where(age < ADULT_FROM, z, np.nan)


def height_at_z(age, female, z) -> np.ndarray:
    """Height (m) at a height-for-age z-score (the references' L is 1 for height)."""
    s = _sex(female)
    months = _reference_months(age)
    return (GROWTH["height_M"][s, months] * (1.0 + GROWTH["height_S"][s, months] * np.asarray(z))).astype(np.float32)


def bmi_at_z(age, female, z) -> np.ndarray:
    """BMI at a BMI-for-age z-score (under 19) or adult score."""
    rows = rows_of(age)
    s = _sex(female)
    L, M, S = SCALE_L[s, rows], SCALE_M[s, rows], SCALE_S[s, rows]
    z = np.asarray(z, dtype=np.float64)
    return (M * (1.0 + L * S * z) ** (1.0 / L)).astype(np.float32)


def hunger_state(score, intake_ratio) -> np.ndarray:
    return _hunger(np.asarray(score, np.float32), np.asarray(intake_ratio, np.float32))


@vectorize(cache=True)
def _hunger(score, ratio):
    return hunger_state_of(score, ratio)


def log_hr_per_sd(p) -> float:
    """The slope of the wasting hazard ratio's logarithm per SD below -1."""
    return math.log(p["wasting_hazard_ratio"]) / (WASTING_HR_FROM - WASTING_HR_AT)


def wasting_hazard_ratio(score, p) -> np.ndarray:
    return np.exp(log_hr_per_sd(p) * np.maximum(WASTING_HR_FROM - np.asarray(score, float), 0.0))


@njit(cache=True)
def _map_starve(s, row, age_idx, bmi, lf, lm, er, inv_spread):
    out = np.empty(len(s), np.float32)
    for i in range(len(s)):
        out[i] = starvation_hazard_of(s[i], row[i], age_idx[i], bmi[i], lf, lm, er, inv_spread)
    return out


def starvation_hazard(age, female, bmi, p) -> np.ndarray:
    shape, (age, female, bmi) = _flat(age, female, bmi)
    age = age.astype(np.float32)
    return _map_starve(_sex(female), rows_of(age), age_index(age), bmi.astype(np.float32),
                       p["bmi_limit_female"], p["bmi_limit_male"], p["elderly_reserve"],
                       starvation_inv_spread(p)).reshape(shape)


def starvation_inv_spread(p) -> np.float32:
    """What the compiled passes multiply a body's distance from its survival limit by (as a share
    of the age's median BMI): one over ``starvation_spread``, an adult's BMI units, as such a share."""
    return np.float32(1 / (p["starvation_spread"] / HEALTHY_BMI))


def baseline_hazard(age, score, p, epidemic=1.0, urban=False) -> np.ndarray:
    """Monthly chance of dying of other causes: the age schedule x wasting x epidemic (x towns)."""
    base = MONTHLY_BASE_HAZARD[age_index(np.asarray(age))] * p["baseline_mortality"]
    town = p["urban_mortality"] if urban else 1.0
    return base * town * np.asarray(epidemic) * wasting_hazard_ratio(score, p)


def fecundity(bmi, intake_ratio, p) -> np.ndarray:
    return _fecund(np.asarray(bmi, np.float32), np.asarray(intake_ratio, np.float32),
                   np.float32(p["amenorrhoea_bmi"]), np.float32(p["conception_postponement"]))


@vectorize(cache=True)
def _fecund(bmi, ratio, limit, postponement):
    return fecundity_of(bmi, ratio, limit, postponement)


def starving_share(starving: np.ndarray, living: np.ndarray) -> np.ndarray:
    """Per commune (or town), the share of its living people starving or worse last month."""
    return np.divide(starving, living, out=np.zeros(len(living)), where=living > 0)


def epidemic_factor(starving: np.ndarray, living: np.ndarray, p) -> np.ndarray:
    """Per commune (or town), the famine epidemic's factor on other-cause deaths: 1 +
    ``famine_epidemic`` x the share of its people starving or worse last month."""
    return (1.0 + p["famine_epidemic"] * starving_share(starving, living)).astype(np.float32)


def birth_size_factor(mother_ratio, p) -> np.ndarray:
    """Birth weight as a share of normal, from each mother's intake / need in her last month."""
    return 1.0 - p["birth_weight_shortfall"] * np.maximum(1.0 - np.asarray(mother_ratio, dtype=float), 0.0)


def newborn_bodies(female, z_length, z_bmi, size) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weight at birth in kg; height and BMI a month later) of newborns at their length- and
    BMI-for-age z-scores, BMI cut by ``size`` (``birth_size_factor``).

    A newborn is born at a month's end and eats first the next month, a month old: its first month
    (at the breast; the milk of later months is ``breastfeeding``'s) is growth along its centiles. Without it a
    newborn would start its first meal on the one-month row with a newborn's body, about 1.2 SD of
    BMI-for-age short (scripts/diagnose_infants.py)."""
    born, month = np.zeros(len(female)), np.full(len(female), 1 / 12)
    weight = bmi_at_z(born, female, z_bmi) * size * height_at_z(born, female, z_length) ** 2
    return weight, height_at_z(month, female, z_length), (bmi_at_z(month, female, z_bmi) * size).astype(np.float32)


def task_pal(month: int) -> np.ndarray:
    """Extra BMR multiples of each task this month (field work is lighter in the slack months)."""
    task = TASK_PAL.copy()
    task[0] *= FIELD_SEASON[month]
    return task
