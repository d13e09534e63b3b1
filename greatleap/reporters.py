"""The outcome vocabulary and the recorder that observes a run (ODD 4, observation).

The data collector, the dashboard, the sweeps and the validation all read these names.
``MONTHLY`` lists every monthly series with its unit and meaning; ``SUMMARY_OUTCOMES`` the
per-run outcomes. ``FamineModel.__init__`` creates one ``Recorder``, which owns every
accumulator of the observation: the model calls its ``record_*`` methods as things happen during
a month, and ``finish_month`` derives rates and shares, paints the grid layers and collects the
month's row. The recorder reads the model and never writes state that a rule reads, so recording
less (``recording="none"``) leaves a run identical (tests/test_observation.py). Turning a
finished run into frames, tables and its summary is ``greatleap.tables``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greatleap import centre, kernels, procurement, production, provinces
from greatleap.kernels import AGE_GROUPS_5Y
from greatleap.labour import FURNACE
from greatleap.state import STEEL_KG_PER_WORKER_MONTH

# Five-year age groups of the outputs: "0_4", "5_9", ..., "75_79", "80_plus".
AGE_GROUP_NAMES = tuple(f"{5 * g}_{5 * g + 4}" for g in range(AGE_GROUPS_5Y - 1)) + (f"{5 * (AGE_GROUPS_5Y - 1)}_plus",)
AGE_GROUP_LABELS = tuple(name.replace("_plus", "+").replace("_", "-") for name in AGE_GROUP_NAMES)
PLACES = ("rural", "urban")
SEXES = ("male", "female")
# Nutrition bands (kernels.eat_live_and_reproduce): BMI-for-age z under 19, BMI for adults.
BANDS = (("0_4", "zscore"), ("5_9", "zscore"), ("10_18", "zscore"), ("19_59", "bmi"), ("60_plus", "bmi"))
MOTHER_GROUPS = tuple(range(3, 10))  # five-year groups 15-19 ... 45-49
LOW_BIRTH_WEIGHT_KG = 2.5  # WHO's definition of low birth weight

# name: (unit, meaning)
MONTHLY: dict[str, tuple[str, str]] = {
    "date": ("YYYY-MM", "Month simulated"),
    "year": ("year", "Calendar year"),
    "month": ("month", "Calendar month 1-12"),
    "population": ("persons", "Everyone: villagers, town residents and refugees"),
    "rural_population": ("persons", "Villagers alive in the communes"),
    "urban_population": ("persons", "Town residents on a state ration"),
    "migrants": ("persons", "Refugees who fled the villages"),
    "births": ("persons", "Births this month (villages and towns)"),
    "births_rural": ("persons", "Births in the villages"),
    "births_urban": ("persons", "Births in the towns"),
    "births_low_weight": ("persons", "Births under 2.5 kg (villages and towns)"),
    "conceptions": ("persons", "Women who conceived this month (villages and towns)"),
    "pregnant": ("persons", "Women pregnant at the end of the month (villages and towns)"),
    "fetal_losses": ("persons", "Pregnancies lost to the mother's starvation this month"),
    "maternal_deaths": ("persons", "Women who died while pregnant this month"),
    "share_amenorrhoeic": ("share", "Village women of childbearing age, not pregnant, below the amenorrhoea limit"),
    "deaths": ("persons", "Deaths this month, all causes, everyone"),
    "deaths_starvation": ("persons", "Deaths from starvation and famine disease"),
    "deaths_violence": ("persons", "Deaths from beatings in anti-hiding searches"),
    "deaths_baseline": ("persons", "Deaths from other causes"),
    "deaths_rural": ("persons", "Deaths in the villages"),
    "deaths_urban": ("persons", "Deaths of town residents and refugees"),
    "deaths_urban_famine": ("persons", "Deaths of town residents and refugees from starvation and famine disease"),
    "deaths_male": ("persons", "Deaths of men and boys (villages and towns)"),
    "deaths_female": ("persons", "Deaths of women and girls (villages and towns)"),
    **{f"deaths_age_{name}": ("persons", f"Deaths aged {label} (villages and towns)")
       for name, label in zip(AGE_GROUP_NAMES, AGE_GROUP_LABELS)},
    "cdr": ("per 1000 per year", "Crude death rate, true, annualised"),
    "cdr_registered": ("per 1000 per year", "Crude death rate as the registers show it (registration.py: normal share, "
                                            "famine deaths concealed under purge risk, registered later)"),
    "deaths_registered": ("persons", "Deaths entered in the registers this month (of this month's and concealed earlier)"),
    "deaths_concealed": ("persons", "Deaths concealed by cadres and not yet registered"),
    "cdr_rural": ("per 1000 per year", "Village crude death rate, true"),
    "cdr_urban": ("per 1000 per year", "Town crude death rate, true"),
    "cbr": ("per 1000 per year", "Crude birth rate, annualised"),
    "harvest_true_kg": ("kg", "Grain actually harvested this month"),
    "harvest_reported_cadre_kg": ("kg", "The harvest as cadres reported it"),
    "harvest_reported_official_kg": ("kg", "The harvest as officials reported it upward"),
    "harvest_reported_province_kg": ("kg", "The harvest as the provinces claimed it to the centre"),
    "report_ratio_cadre": ("ratio", "Cadre reports / true harvest, this year's harvests so far"),
    "report_ratio_official": ("ratio", "Official reports / true harvest, this year's harvests so far"),
    "quota_kg": ("kg", "Procurement quotas set on this month's harvest"),
    "procurement_kg": ("kg", "Grain procured this month (collections and seizures)"),
    "procurement_share": ("share", "Procurement / true harvest, this year so far"),
    "retained_per_capita_kg": ("kg/person", "Grain left in the villages per villager after procurement"),
    "kcal_mean": ("kcal/day", "Mean energy intake of villagers aged 15 and over"),
    "kcal_p10": ("kcal/day", "10th percentile of the energy intake of villagers aged 15 and over"),
    "share_hungry": ("share", "Villagers hungry or worse"),
    "share_starving": ("share", "Villagers starving or severely wasted"),
    "zscore_0_4": ("z-score", "Mean BMI-for-age z-score of village children under 5 (WHO 2006)"),
    "zscore_5_9": ("z-score", "Mean BMI-for-age z-score of village children 5-9 (WHO 2007)"),
    "zscore_10_18": ("z-score", "Mean BMI-for-age z-score of villagers 10-18 (WHO 2007)"),
    "haz_0_4": ("z-score", "Mean height-for-age z-score of village children under 5 (stunting below -2)"),
    "bmi_19_59": ("kg/m2", "Mean BMI of villagers 19-59"),
    "bmi_60_plus": ("kg/m2", "Mean BMI of villagers 60 and over"),
    "hidden_grain_kg": ("kg", "Grain hidden in households"),
    "grain_seized_kg": ("kg", "Hidden grain seized in anti-hiding searches"),
    "cadres_criticised": ("cadres", "Cadres criticised as rightists this month"),
    "cadres_purged": ("cadres", "Cadres purged this month"),
    "cadres_purged_total": ("cadres", "Cadres purged since the start"),
    "commune_stock_kg": ("kg", "Grain in commune granaries and hall larders"),
    "household_stock_kg": ("kg", "Grain in household stores (not hidden)"),
    "central_stock_kg": ("kg", "State granary stocks"),
    "exports_kg": ("kg", "Grain exported this month"),
    "imports_kg": ("kg", "Grain imported this month"),
    "resales_kg": ("kg", "Grain sold back to deficit communes this month"),
    "squeeze_kg": ("kg", "Emergency levy on the communes this month, to cover the towns until the next harvest"),
    "sent_down": ("persons", "Town residents sent back to the villages this month"),
    "kin_transfers_kg": ("kg", "Grain sent to hungry kin this month"),
    "hall_eaten_kg": ("kg", "Grain eaten in dining halls this month"),
    "steel_kg": ("kg", "Backyard-furnace steel this month"),
    "steel_usable_kg": ("kg", "Usable part of it"),
    "labour_fields": ("share", "Share of able labour in the fields"),
    "labour_furnaces": ("share", "Share at backyard furnaces"),
    "labour_irrigation": ("share", "Share on irrigation works"),
    "labour_foraging": ("share", "Share foraging"),
    "fled": ("persons", "Villagers who fled this month"),
    "retreat": ("0/1", "The centre has retreated"),
    "retreat_cause": ("code", "Why the centre retreated: 0 not retreated, 1 its stocks, 2 deaths, 3 the historical date"),
    "evidence_stocks": ("x threshold", "The centre's evidence of failure from its stocks (1 at the retreat threshold)"),
    "evidence_deaths": ("x threshold", "The centre's evidence of failure from deaths (1 at the recognition rate)"),
    "centre_obligations_kg": ("kg", "What the centre owes over the coming year: towns' rations, export commitments, refilling its granaries"),
    "centre_credibility": ("share", "How much of the claims the centre believes (learnt from deliveries against quotas)"),
    "planned_procurement_share": ("share", "The plan's share of the believed harvest: the normal share scaled by the obligations"),
    "reforms": ("0/1", "The centre has ordered the deeper reforms (halls closed, private plots back)"),
    "political_cost": ("x evidence", "The political cost of admitting failure this month (retreat when evidence reaches it)"),
    "halls_open": ("0/1", "Dining halls are open"),
    "ledger_error_kg": ("kg", "Grain ledger imbalance (should be ~0)"),
    # capital and land (ODD 7.11): stocks at the end of the month, flows this month
    "draught_animals": ("head", "Draught animals in the communes"),
    "draught_animals_index": ("Jan 1957 = 1", "Draught animals against the herd of January 1957"),
    "pigs": ("head", "Pigs in the communes"),
    "pigs_index": ("Jan 1957 = 1", "Pigs against the herd of January 1957 (the farms' manure)"),
    "tools_index": ("normal = 1", "Farm tools against the normal stock (mean over communes)"),
    "seed_stock_kg": ("kg", "Seed grain kept for the next sowing"),
    "seed_eaten_kg": ("kg", "Seed grain eaten by hungry households this month"),
    "seed_handed_over_kg": ("kg", "Seed grain handed over against quotas this month"),
    "animal_feed_kg": ("kg", "Grain kept back at harvest to feed the draught animals and the pigs"),
    "animals_slaughtered": ("head", "Draught animals killed and eaten by hungry households this month"),
    "pigs_slaughtered": ("head", "Pigs killed and eaten by hungry households this month"),
    "planned_area": ("share of land", "Grain area the plan allows (mean over communes)"),
    "sown_area": ("share of land", "Land under grain, each crop weighted by its share of a year's output"),
    "harvest_area_kg": ("kg", "Normal output of the land harvested this month (the area part of the harvest)"),
    "irrigated_share": ("share of land", "Land newly and soundly irrigated since 1957 (mean over communes)"),
    "damaged_share": ("share of land", "Land waterlogged or salinised by badly built works (mean over communes)"),
    "technique_index": ("1957 = 1", "Yield level of normal farming (technical progress; mean over communes)"),
}

SUMMARY_OUTCOMES: dict[str, tuple[str, str]] = {
    "excess_deaths": ("persons", "Deaths in 1959-61 above the 1957 death rate (true deaths; first year if later)"),
    "excess_death_share": ("share", "Excess deaths / population at the start"),
    "excess_deaths_china_m": ("million", "Excess death share scaled to China's 1957 population"),
    "peak_cdr": ("per 1000", "Highest annual registered crude death rate"),
    "peak_cdr_year": ("year", "Year of the highest registered death rate"),
    "report_ratio_1958": ("ratio", "1958 reported (official) / true harvest"),
    "peak_procurement_share": ("share", "Highest annual procurement / true harvest"),
    "peak_procurement_year": ("year", "Year of the highest procurement share"),
    "output_index_1960": ("1957 = 100", "1960 true harvest against 1957"),
    "total_deaths": ("persons", "All deaths in the run"),
    "starvation_deaths": ("persons", "Deaths from starvation and famine disease"),
    "violence_deaths": ("persons", "Deaths in anti-hiding searches"),
    "cadres_purged": ("cadres", "Cadres purged in the run"),
    "retreat_year": ("year", "Year the centre retreated (NaN if never)"),
    "retreat_month": ("months", "Months from January 1957 to the month the lasting retreat began (NaN if never)"),
    "retreat_cause": ("code", "Why the lasting retreat began: 1 the centre's stocks, 2 deaths, 3 the historical date"),
    "area_share_of_output_fall": ("share", "Part of the 1959-61 output fall (against 1957, in logs) that came "
                                           "from less area harvested; the rest is yield (Kueh 1984: about half)"),
}

_COUNTERS = ("births", "births_rural", "births_urban", "births_low_weight", "conceptions", "pregnant",
             "fetal_losses", "maternal_deaths", "deaths_starvation", "deaths_violence", "deaths_baseline",
             "deaths_urban", "deaths_urban_famine", "deaths_male", "deaths_female",
             *(f"deaths_age_{name}" for name in AGE_GROUP_NAMES), "harvest_true_kg",
             "harvest_reported_cadre_kg", "harvest_reported_official_kg", "harvest_reported_province_kg", "quota_kg",
             "procurement_kg", "grain_seized_kg", "cadres_criticised", "cadres_purged", "exports_kg",
             "imports_kg", "resales_kg", "kin_transfers_kg", "hall_eaten_kg", "steel_kg",
             "steel_usable_kg", "fled", "squeeze_kg", "sent_down", "seed_eaten_kg", "seed_handed_over_kg",
             "animal_feed_kg", "animals_slaughtered", "pigs_slaughtered", "harvest_area_kg")
_PER_COMMUNE = ("deaths", "starvation_deaths", "births", "person_months", "kcal_sum", "true_kg",
                "cadre_kg", "official_kg", "province_kg", "quota_kg", "procured_kg", "purged", "area_kg",
                "seed_eaten_kg", "levied_kg", "resold_kg", "weather")
PER_1000_A_YEAR = 12_000.0  # monthly counts per head -> annual rate per 1000
RECORDING_LEVELS = ("all", "series", "none")
# What the "series" level records each month: enough for the four national tuning series
# (``history.model_series``), summed and averaged by year as ``tables.annual_frame`` does.
SERIES_SUMS = ("harvest_true_kg", "harvest_reported_province_kg", "procurement_kg", "deaths_registered")
SERIES_MEANS = ("population",)


def empty_stats() -> dict:
    stats = dict.fromkeys(MONTHLY, 0.0)
    stats.update(dict.fromkeys(_COUNTERS, 0.0))
    return stats


def model_reporters(model) -> dict:
    """Data-collector reporters: each reads one named entry of the recorder's month."""
    return {name: [_read, [model, name]] for name in MONTHLY}


def _read(model, name):
    return model.recorder.stats[name]


@dataclass
class FoodTally:
    """What the month's meals add up to, summed while people eat (``kernels.eat_live_and_reproduce``)."""
    kcal_by_commune: np.ndarray  # sum of daily intakes
    people_by_commune: np.ndarray
    adult_hist: np.ndarray  # adults (15+) by daily intake, 1-kcal bins
    adult_kcal: float = 0.0  # sum of adults' daily intakes
    adults: int = 0

    @classmethod
    def empty(cls, n_communes: int) -> "FoodTally":
        return cls(np.zeros(n_communes), np.zeros(n_communes), np.zeros(kernels.KCAL_BINS, dtype=np.int32))


def _by_sex_and_group(female: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Counts by sex (0 male, 1 female) x five-year age group."""
    group = np.minimum(age.astype(np.int64) // 5, AGE_GROUPS_5Y - 1)
    return np.bincount(female.astype(np.int64) * AGE_GROUPS_5Y + group,
                       minlength=2 * AGE_GROUPS_5Y).reshape(2, AGE_GROUPS_5Y)


def percentile_of_histogram(hist: np.ndarray, q: float) -> float:
    """The ``q``-th percentile of values counted in 1-wide bins from 0, spreading each bin's
    values evenly over it (exact to within one bin)."""
    total = int(hist.sum())
    rank = (total - 1) * q / 100.0
    below = np.cumsum(hist)
    b = int(np.searchsorted(below, rank, side="right"))
    before = below[b - 1] if b > 0 else 0
    return b + (rank - before + 0.5) / hist[b]


class Recorder:
    """Every accumulator of a run's observation, and the methods that fill them.

    - ``stats``          this month's named series (``MONTHLY``) and counters
    - ``year``           this year's per-commune sums (``_PER_COMMUNE``), for the commune table
    - ``year_of_sums``   the year they belong to
    - ``year_rows``      the commune table's rows of the years closed so far
    - ``purged_total``   cadres purged since the start
    - ``deaths_by_household``  deaths on each plot so far (the map's dots)
    - ``ages``           this year's sums by place, sex and five-year age group (person-months,
                         deaths), births by place and mother's group, bodies by place and band
    - ``age_rows``, ``body_rows``  the age and body tables' rows of the years closed so far
    - ``province_rows``  per year closed and province, what its communes' rows cannot say (its
                         town residents at the year's end)

    With ``level="none"`` it records nothing and the data collector collects no rows: the run
    itself is unchanged, which is how observation is shown to be passive. With ``level="series"``
    it records only what the four national tuning series need (``series_rows``: the harvest, the
    claims the centre receives, procurement, registered deaths and the population, a row a month),
    which is all a calibration reads of a run (``tables.series_frame``).
    """

    def __init__(self, model, level: str = "all"):
        if level not in RECORDING_LEVELS:
            raise ValueError(f"recording level {level!r}; allowed: {', '.join(RECORDING_LEVELS)}")
        self.model = model
        self.on = level == "all"
        self.series_only = level == "series"
        self.series_rows: list[tuple] = []
        self.stats = empty_stats()
        self.year = self._empty_year()
        self.year_of_sums = model.ym[0]
        self.closed_year: int | None = None
        self.year_rows: list[dict] = []
        self.purged_total = 0
        self.deaths_by_household = np.zeros(len(model.households), dtype=np.int64)
        self.ages = self._empty_ages()
        self.age_rows: list[dict] = []
        self.body_rows: list[dict] = []
        self.province_rows: list[dict] = []
        self.body_month = {place: np.zeros(kernels.BODY_TALLY) for place in PLACES}

    def _empty_year(self) -> dict[str, np.ndarray]:
        return {k: np.zeros(self.model.communes.n) for k in _PER_COMMUNE}

    @staticmethod
    def _empty_ages() -> dict[str, np.ndarray]:
        places, groups = len(PLACES), AGE_GROUPS_5Y
        return {"person_months": np.zeros((places, 2, groups)), "deaths": np.zeros((places, 2, groups)),
                "births": np.zeros((places, 2, groups)), "band_n": np.zeros((places, len(BANDS))),
                "band_sum": np.zeros((places, len(BANDS))), "haz_sum": np.zeros(places)}

    @staticmethod
    def food_tally(n_groups: int) -> FoodTally:
        """An empty tally for one month's meals (``kernels.eat_live_and_reproduce`` fills it)."""
        return FoodTally.empty(n_groups)

    # ---- during the month ------------------------------------------------------------------
    def open_month(self) -> None:
        self.stats = empty_stats()
        if self.on:
            self.levied_before = self.model.state.levied.copy()  # this month's levy is what it adds

    def record_deaths(self, people, idx: np.ndarray, cause: str, place: str = "rural") -> None:
        """Deaths of ``people[idx]`` (the villages' or the towns'), by cause, age, sex and place."""
        if not self.on or len(idx) == 0:
            return
        m, s = self.model, self.stats
        by_group = _by_sex_and_group(people.female[idx], people.age[idx])
        self.ages["deaths"][PLACES.index(place)] += by_group
        for name, n in zip(AGE_GROUP_NAMES, by_group.sum(axis=0)):
            s[f"deaths_age_{name}"] += n
        s["deaths_male"] += by_group[0].sum()
        s["deaths_female"] += by_group[1].sum()
        s["maternal_deaths"] += int((people.gestation[idx] > 0).sum())
        if place == "urban":
            s["deaths_urban"] += len(idx)
            s["deaths_urban_famine"] += len(idx) * (cause == "starvation")
            return
        s[f"deaths_{cause}"] += len(idx)
        by_commune = np.bincount(people.commune[idx], minlength=m.communes.n)
        self.year["deaths"] += by_commune
        if cause == "starvation":
            self.year["starvation_deaths"] += by_commune
        self.deaths_by_household += np.bincount(people.household[idx], minlength=len(self.deaths_by_household))

    def record_births(self, people, mothers: np.ndarray, babies: np.ndarray, birth_weight: np.ndarray,
                      place: str = "rural") -> None:
        """Births to ``people[mothers]``, their newborns ``people[babies]`` of ``birth_weight`` kg."""
        if not self.on or len(babies) == 0:
            return
        s, m = self.stats, self.model
        s["births"] += len(babies)
        s[f"births_{place}"] += len(babies)
        s["births_low_weight"] += int((birth_weight < LOW_BIRTH_WEIGHT_KG).sum())
        self.ages["births"][PLACES.index(place)] += _by_sex_and_group(people.female[mothers], people.age[mothers])
        if place == "rural":
            self.year["births"] += np.bincount(people.commune[babies], minlength=m.communes.n)

    def record_reproduction(self, place: str, tally: np.ndarray, conceived: int) -> None:
        """The ``kernels.eat_live_and_reproduce`` pass's pregnancy tally of one place."""
        if not self.on:
            return
        s = self.stats
        s["conceptions"] += conceived
        s["pregnant"] += tally[kernels.R_PREGNANT]
        s["fetal_losses"] += tally[kernels.R_FETAL_LOSS]
        if place == "rural":
            women = tally[kernels.R_WOMEN]
            s["share_amenorrhoeic"] = tally[kernels.R_AMENORRHOEIC] / women if women else 0.0

    def record_bodies(self, place: str, tally: np.ndarray) -> None:
        """The ``kernels.eat_live_and_reproduce`` pass's tally of one place: exposure, nutrition, hunger."""
        if not self.on:
            return
        k, a = PLACES.index(place), self.ages
        self.body_month[place] = tally
        exposed = tally[kernels.T_EXPOSED:kernels.T_EXPOSED + 2 * AGE_GROUPS_5Y].reshape(2, AGE_GROUPS_5Y)
        a["person_months"][k] += exposed
        a["band_n"][k] += tally[kernels.T_BAND_N:kernels.T_BAND_N + len(BANDS)]
        a["band_sum"][k] += tally[kernels.T_BAND_SUM:kernels.T_BAND_SUM + len(BANDS)]
        a["haz_sum"][k] += tally[kernels.T_HAZ_SUM]
        if place == "rural":
            s = self.stats
            n = tally[kernels.T_BAND_N:kernels.T_BAND_N + len(BANDS)]
            total = tally[kernels.T_BAND_SUM:kernels.T_BAND_SUM + len(BANDS)]
            for j, (band, measure) in enumerate(BANDS):
                s[f"{measure}_{band}"] = total[j] / n[j] if n[j] else np.nan
            s["haz_0_4"] = tally[kernels.T_HAZ_SUM] / n[0] if n[0] else np.nan

    def record_flight(self, idx: np.ndarray) -> None:
        if self.on:
            self.stats["fled"] += len(idx)

    def record_squeeze(self, kg: float) -> None:
        if self.on:
            self.stats["squeeze_kg"] += kg
            if kg > 0:
                self.year["levied_kg"] += self.model.state.levied - self.levied_before

    def record_sent_down(self, n: int) -> None:
        if self.on:
            self.stats["sent_down"] += n

    def record_kin(self, kg: float) -> None:
        if self.on:
            self.stats["kin_transfers_kg"] += kg

    def record_labour(self, able_by_task: np.ndarray) -> None:
        """Labour shares and steel, from the able weight summed per task (``labour.TASKS``)."""
        if not self.on:
            return
        s, total = self.stats, able_by_task.sum()
        for k, name in enumerate(("labour_fields", "labour_furnaces", "labour_irrigation", "labour_foraging")):
            s[name] = float(able_by_task[k] / total) if total > 0 else 0.0
        steel = able_by_task[FURNACE] * STEEL_KG_PER_WORKER_MONTH
        s["steel_kg"] = float(steel)
        s["steel_usable_kg"] = float(steel * self.model.p["steel_usable"])

    def record_food(self, tally: FoodTally, hall: np.ndarray) -> None:
        if not self.on:
            return
        s = self.stats
        if tally.adults:  # adults only: children's small needs would mask adult hunger
            s["kcal_mean"] = tally.adult_kcal / tally.adults
            s["kcal_p10"] = percentile_of_histogram(tally.adult_hist, 10)
        s["hall_eaten_kg"] = float(hall.sum())
        self.year["kcal_sum"] += tally.kcal_by_commune
        self.year["person_months"] += tally.people_by_commune

    def record_harvest(self, true_kg, cadre_kg, official_kg, quota, taken, province_kg=None) -> None:
        if not (self.on or self.series_only):
            return
        s = self.stats
        province_kg = official_kg if province_kg is None else province_kg
        s["harvest_reported_province_kg"] += float(province_kg.sum())
        s["harvest_true_kg"] += float(true_kg.sum())
        if self.series_only:
            s["procurement_kg"] += float(taken.sum())
            return
        self.year["province_kg"] += province_kg
        self.year["weather"][:] = self.model.weather  # one weather a year: the harvest's
        s["harvest_reported_cadre_kg"] += float(cadre_kg.sum())
        s["harvest_reported_official_kg"] += float(official_kg.sum())
        s["quota_kg"] += float(quota.sum())
        s["procurement_kg"] += float(taken.sum())
        for key, value in (("true_kg", true_kg), ("cadre_kg", cadre_kg), ("official_kg", official_kg),
                           ("quota_kg", quota), ("procured_kg", taken)):
            self.year[key] += value

    def record_capital_at_harvest(self, area_kg: np.ndarray, feed_kg: np.ndarray, seed_given: np.ndarray) -> None:
        """Harvest (ODD 7.11): the normal output of the land harvested, the herd's feed, seed handed over."""
        if not self.on:
            return
        s = self.stats
        s["harvest_area_kg"] += float(area_kg.sum())
        s["animal_feed_kg"] += float(feed_kg.sum())
        s["seed_handed_over_kg"] += float(seed_given.sum())
        self.year["area_kg"] += area_kg

    def record_seed_eaten(self, eaten: np.ndarray) -> None:
        if not self.on:
            return
        self.stats["seed_eaten_kg"] += float(eaten.sum())
        self.year["seed_eaten_kg"] += eaten

    def record_slaughter(self, capital) -> None:
        if not self.on:
            return
        self.stats["animals_slaughtered"] += float(capital.draught.slaughtered.sum())
        self.stats["pigs_slaughtered"] += float(capital.pigs.slaughtered.sum())

    def _capital(self) -> None:
        """The stocks of capital and land at the end of the month (ODD 7.11)."""
        m, s = self.model, self.stats
        c = m.capital
        s["draught_animals"] = float(c.animals.sum())
        s["draught_animals_index"] = float(c.animals.sum() / max(c.animals_normal.sum(), 1e-9))
        s["pigs"] = float(c.pigs.head.sum())
        normal = c.pigs.normal.sum()  # no pigs at all (pigs_per_capita 0): a herd at its norm
        s["pigs_index"] = float(c.pigs.head.sum() / normal) if normal > 0 else 1.0
        s["tools_index"] = float(c.tools.mean())
        s["seed_stock_kg"] = float(m.communes.seed.sum())
        s["planned_area"] = float(c.planned_area.mean())
        s["sown_area"] = float(sum(crop.share * crop.area.mean() for crop in m.crops))
        s["irrigated_share"] = float(c.irrigated.mean())
        s["damaged_share"] = float(c.damaged.mean())
        s["technique_index"] = float(c.technique.mean())

    def record_collection(self, taken: np.ndarray) -> None:
        if not (self.on or self.series_only):
            return
        self.stats["procurement_kg"] += float(taken.sum())
        if self.on:
            self.year["procured_kg"] += taken

    def record_search(self, seized: np.ndarray) -> None:
        self.record_collection(seized)
        if not self.on:
            return
        self.stats["grain_seized_kg"] += float(seized.sum())

    def record_review(self, criticised: int, purged: int) -> None:
        if not self.on:
            return
        self.stats["cadres_criticised"] += criticised
        self.stats["cadres_purged"] += purged
        self.purged_total += purged

    def record_state(self, exports, imports, resales) -> None:
        if not self.on:
            return
        s = self.stats
        s["exports_kg"], s["imports_kg"], s["resales_kg"] = exports, imports, float(resales.sum())
        self.year["resold_kg"] += resales

    # ---- end of month and year -------------------------------------------------------------
    def finish_month(self) -> None:
        """Rates, shares and stocks of the month; the grid's layers; the data collector's row."""
        if self.series_only:
            self._series_row()
        if not self.on:
            return
        m = self.model
        self._population_and_deaths()
        self._stocks_and_reports()
        self._capital()
        if m._grid is not None:  # headless runs have no grid to paint
            self.update_layers()
        self._collect_row()
        if m.t >= m.n_months - 1:
            self.close_year()

    def _series_row(self) -> None:
        """The month's row of the four tuning series' inputs (the values ``all`` would record)."""
        m, s = self.model, self.stats
        self.series_rows.append((m.ym[0], *(s[k] for k in SERIES_SUMS[:-1]), m.register.month, m.population()))

    def _collect_row(self) -> None:
        """The data collector's row: the month's value of each ``MONTHLY`` reporter, appended as
        ``DataCollector.collect`` would, without its deep copy of each value (a month's values are
        numbers and text, which no later month changes): 115 deep copies a month were about 2% of
        a default-size run. ``model_vars`` is the collector's documented table of model reporters'
        values; tests/test_observation.py checks that a row equals the one ``collect`` appends."""
        columns, stats = self.model.datacollector.model_vars, self.stats
        for name in MONTHLY:
            columns[name].append(stats[name])

    def _population_and_deaths(self) -> None:
        m, s, state = self.model, self.stats, self.model.state
        rural = m.rural_population()
        total = m.population()
        rural_deaths = s["deaths_starvation"] + s["deaths_violence"] + s["deaths_baseline"]
        s["deaths_rural"] = rural_deaths
        s["deaths"] = rural_deaths + s["deaths_urban"]
        s.update(date=f"{m.ym[0]:04d}-{m.ym[1]:02d}", year=m.ym[0], month=m.ym[1],
                 population=total, rural_population=rural, urban_population=state.urban,
                 migrants=state.migrants)
        s["cdr"] = s["deaths"] * PER_1000_A_YEAR / max(total, 1)
        s["deaths_registered"] = m.register.month
        s["deaths_concealed"] = m.register.concealed()
        s["cdr_registered"] = s["deaths_registered"] * PER_1000_A_YEAR / max(total, 1)
        s["cdr_rural"] = rural_deaths * PER_1000_A_YEAR / max(rural, 1)
        s["cdr_urban"] = s["deaths_urban"] * PER_1000_A_YEAR / max(state.urban + state.migrants, 1)
        s["cbr"] = s["births"] * PER_1000_A_YEAR / max(total, 1)
        body = self.body_month["rural"]
        s["share_hungry"] = body[kernels.T_HUNGRY] / rural if rural else 0.0
        s["share_starving"] = body[kernels.T_STARVING] / rural if rural else 0.0

    def _stocks_and_reports(self) -> None:
        m, s = self.model, self.stats
        hh, com, state = m.households, m.communes, m.state
        rural = m.rural_population()
        s["hidden_grain_kg"] = float(hh.hidden.sum())
        s["commune_stock_kg"] = float(com.granary.sum())
        s["household_stock_kg"] = float(hh.stock.sum())
        s["central_stock_kg"] = float(state.stock)
        s["retained_per_capita_kg"] = (s["commune_stock_kg"] + s["household_stock_kg"] + s["hidden_grain_kg"]) / max(rural, 1)
        year = self.year
        true_year = year["true_kg"].sum()
        s["report_ratio_cadre"] = year["cadre_kg"].sum() / true_year if true_year > 0 else np.nan
        s["report_ratio_official"] = year["official_kg"].sum() / true_year if true_year > 0 else np.nan
        s["procurement_share"] = year["procured_kg"].sum() / true_year if true_year > 0 else np.nan
        s["cadres_purged_total"] = self.purged_total
        s["retreat"] = float(state.retreated)
        s["retreat_cause"] = float(centre.CAUSES.index(state.retreat_cause))
        s["evidence_stocks"], s["evidence_deaths"] = state.signals
        s["political_cost"] = state.cost
        s["centre_obligations_kg"] = centre.obligations(m)
        s["centre_credibility"] = state.credibility
        s["planned_procurement_share"] = procurement.planned_share(m)
        s["reforms"] = float(state.reformed)
        s["halls_open"] = float(m.halls_open())
        s["ledger_error_kg"] = m.ledger.error

    def update_layers(self) -> None:
        """Paint the month onto the grid's layers (hunger, people alive, deaths, hidden grain, crop,
        and each commune's herd against its 1957 herd and its damaged land, ODD 7.11)."""
        m = self.model
        grid, hh, people = m._grid, m.households, m.people
        alive = people.view("alive")
        household = people.view("household")[alive]
        n = np.bincount(household, minlength=len(hh))
        hunger = np.bincount(household, weights=people.view("hunger")[alive], minlength=len(hh))
        grid.alive.data[hh.x, hh.y] = n
        grid.hunger.data[hh.x, hh.y] = np.divide(hunger, n, out=np.zeros(len(hh)), where=n > 0)
        grid.hidden_grain.data[hh.x, hh.y] = hh.hidden
        grid.deaths.data[hh.x, hh.y] = self.deaths_by_household
        grid.standing_crop.data[hh.x, hh.y] = production.standing_crop_layer(m, m.crops, m.weather)
        cap = m.capital
        herd = np.divide(cap.animals, cap.animals_normal, out=np.ones(len(cap.animals)), where=cap.animals_normal > 0)
        grid.draught_animals.data[hh.x, hh.y] = herd[hh.commune]
        grid.damaged_land.data[hh.x, hh.y] = cap.damaged[hh.commune]

    def close_year(self) -> None:
        """Turn the year's per-commune sums into rows of the commune table."""
        if not self.on or self.closed_year == self.year_of_sums:
            return
        m, year, com = self.model, self.year, self.model.communes
        months = np.maximum(year["person_months"], 1)
        pop = year["person_months"] / 12
        alive = m.commune_population()
        fertility = m.fertility_by_commune / np.maximum(np.bincount(m.households.commune, minlength=com.n), 1)
        for c in range(com.n):
            official = m.official_of[c]
            leader = m.leaders[m.commune_province[c]]
            self.year_rows.append({
                "year": self.year_of_sums, "commune": c, "official": official.group,
                "province": leader.province, "leader_zeal": leader.zeal, "leader_alternate": float(leader.alternate),
                "leader_loyalty": leader.loyalty, "reported_province_kg": float(year["province_kg"][c]),
                "official_career_stake": official.career_stake,
                "hall_participation": float(com.hall_participation[c]),
                "fertility": float(fertility[c]), "weather": float(year["weather"][c]),
                "population": float(pop[c]), "population_end": float(alive[c]), "deaths": float(year["deaths"][c]),
                "starvation_deaths": float(year["starvation_deaths"][c]), "births": float(year["births"][c]),
                "cdr": float(year["deaths"][c] * 1000 / max(pop[c], 1)),
                "true_kg": float(year["true_kg"][c]), "reported_cadre_kg": float(year["cadre_kg"][c]),
                "reported_official_kg": float(year["official_kg"][c]), "quota_kg": float(year["quota_kg"][c]),
                "procured_kg": float(year["procured_kg"][c]), "levied_kg": float(year["levied_kg"][c]),
                "resold_kg": float(year["resold_kg"][c]),
                "procurement_share": float(year["procured_kg"][c] / year["true_kg"][c]) if year["true_kg"][c] > 0 else np.nan,
                "retained_per_capita_kg": float((year["true_kg"][c] - year["procured_kg"][c]) / max(pop[c], 1)),
                "kcal_mean": float(year["kcal_sum"][c] / months[c]),
                "cadre_ambition": m.cadres[c].ambition, "cadre_purged_count": m.cadres[c].purged_count,
                **self._capital_row(c),
            })
        self._close_provinces()
        self._close_ages()
        self.closed_year = self.year_of_sums
        self.year = self._empty_year()
        self.year_of_sums = m.ym[0]

    def _close_provinces(self) -> None:
        m = self.model
        people = m.towns.people
        of_region = provinces.province_of_region(m)
        region = np.minimum(people.view("commune")[people.view("alive")], len(of_region) - 1)
        town = np.bincount(of_region[region], minlength=len(m.leaders))
        self.province_rows += [{"year": self.year_of_sums, "province": k, "town_population_end": float(town[k])}
                               for k in range(len(m.leaders))]

    def _capital_row(self, c: int) -> dict:
        """A commune's capital and land at the end of the year, and the year's flows (ODD 7.11)."""
        m, cap = self.model, self.model.capital
        return {"draught_animals": float(cap.animals[c]), "pigs": float(cap.pigs.head[c]),
                "tools_index": float(cap.tools[c]),
                "seed_stock_kg": float(m.communes.seed[c]), "seed_eaten_kg": float(self.year["seed_eaten_kg"][c]),
                "planned_area": float(cap.planned_area[c]), "harvest_area_kg": float(self.year["area_kg"][c]),
                "irrigated_share": float(cap.irrigated[c]), "damaged_share": float(cap.damaged[c]),
                "technique_index": float(cap.technique[c])}

    def _close_ages(self) -> None:
        """Turn the year's sums by place, sex and age into rows of the age and body tables."""
        a, year = self.ages, self.year_of_sums
        for k, place in enumerate(PLACES):
            for sx, sex in enumerate(SEXES):
                for g, group in enumerate(AGE_GROUP_LABELS):
                    people = a["person_months"][k, sx, g] / 12.0
                    deaths, births = a["deaths"][k, sx, g], a["births"][k, sx, g]
                    self.age_rows.append({
                        "year": year, "place": place, "sex": sex, "age_group": group, "population": people,
                        "deaths": deaths, "death_rate": deaths * 1000.0 / people if people > 0 else np.nan,
                        "births": births,
                        "fertility_rate": births * 1000.0 / people if people > 0 and sx == 1 else np.nan})
            for j, (band, measure) in enumerate(BANDS):
                n = a["band_n"][k, j]
                self.body_rows.append({
                    "year": year, "place": place, "age_band": band.replace("_plus", "+").replace("_", "-"),
                    "measure": "BMI-for-age z" if measure == "zscore" else "BMI", "person_months": n,
                    "mean": a["band_sum"][k, j] / n if n else np.nan,
                    "height_for_age_z": a["haz_sum"][k] / n if n and j == 0 else np.nan})
        self.ages = self._empty_ages()
