"""The state (ODD 7.9): towns, central stocks, exports, imports, resales and the retreat.

Rules in plain words:
- Towns first: town residents (15% of people in 1957; people with bodies, ``towns.py``) get a
  graded grain ration from central stocks before any village resale (``urban_priority``): resales
  leave the towns' needs until the next harvest in the granaries. When stocks and the quotas still
  owed cannot cover those needs, the centre squeezes the villages (an emergency levy,
  ``emergency_squeeze``) and cuts the ration when stocks run low. The retreat cuts the plan, not
  the towns' guarantee: the squeeze goes on after it (``squeeze_after_retreat``; urban bias, Lin
  & Yang 2000), and while the centre still cannot cover the towns it also sends town residents
  back to the villages (``send_down_rate``, the 1958 recruits first). Peasants recruited into
  industry in 1958 swell the towns.
- Refugees who got away live on the margins of the towns, fed on a half ration.
- The state exports grain as it historically did (2.7 Mt 1958, 4.2 Mt 1959, 2.7 Mt 1960),
  scaled to the model's population, until it retreats.
- Communes short of food apply for resales; the state sells back a share of the shortfall after
  a delay, believing the shortfall only as far as the commune's report allows (an inflated
  report hides the need).
- The retreat is the centre's decision (``centre.py``: the evidence of failure weighed against
  the political cost of admitting it, which Lushan raises), or comes on the historical date
  (calendar rule). Once it retreats, quotas are cut, reports become honest, purges and campaigns
  stop (reports return to the truth over a few harvests, ``reporting.py``), exports stop, imports
  listed in the calendar arrive from two months later, and halls close and private plots return
  when the centre decides it (``centre.decide_reforms``).
- Backyard furnaces produce steel, of which a share is usable.
"""

from __future__ import annotations

import numpy as np

from greatleap import centre, dining, provinces
from greatleap.calendar import month_index
from greatleap.population import REFUGEE

# Rural people, 1957. source: 646.5 M year-end population (SSB, greatleap/data/historical.csv) less
# 99 M urban (Dikötter 2010).
CHINA_RURAL_1957 = 547e6
# Steel (usable or not) per furnace worker a month: about 3 Mt from some 90 M people over four months.
# assumption: both figures are often repeated and not verified here (90 M's primary source is not
# traced); steel feeds no one, so only the furnace output depends on it.
STEEL_KG_PER_WORKER_MONTH = 8.0
# Months from the retreat to the first imported grain. source: the Emergency Directive of November
# 1960 and the first imports in January 1961 (Shang Changfeng 2010; calendar.py).
IMPORT_DELAY_MONTHS = 2


class State:
    def __init__(self, model, rural_people: int):
        p = model.p
        self.scale = rural_people / CHINA_RURAL_1957  # model people per real rural person
        self.towns = model.towns  # who the towns are: people (towns.py)
        self.recruited = 0.0
        self.stock = p["central_stock_months"] * self.base_demand(model)
        self.retreated = False
        self.retreat_t: int | None = None
        self.retreat_cause = ""  # centre.CAUSES: what made the centre retreat
        self.evidence, self.cost, self.cost_risen = 0.0, 0.0, False  # the month's weighing (centre.py)
        self.signals = (0.0, 0.0)  # the evidence from its stocks and from deaths
        self.levied = np.zeros(model.communes.n)  # emergency levies on the current quotas, kg
        self.harvests_since_retreat = 0  # reports fade back to the truth (reporting.py)
        self.credibility = 1.0  # what the centre believes of the claims it receives (centre.py)
        self.reformed, self.reform_t = False, None  # halls closed, private plots back, and when
        self.reference_obligations = centre.reference_obligations(model, self)
        self.pending_resales: list[tuple[int, int, float]] = []  # (due month, commune, kg)
        self.normal_stock: dict[int, float] = {}  # months of demand held in each calendar month, first year
        self.normal_starvation = 0.0  # registered starvation deaths per 1000 villagers, first year

    @property
    def urban(self) -> float:
        """Town residents with a ration (urban-born and recruited)."""
        return self.towns.registered()

    @property
    def migrants(self) -> float:
        """Refugees from the villages living in the towns."""
        return self.towns.refugees()

    def base_demand(self, model) -> float:
        """Monthly urban grain demand at the full ration, kg."""
        return (self.urban + model.p["refugee_ration"] * self.migrants) * model.p["urban_ration"] / 12.0

    def ration_factor(self, model) -> float:
        """The towns' ration as a share of the full one: full while the centre holds
        ``ration_full_months`` of demand, cut in proportion below that, by at most ``ration_max_cut``."""
        p = model.p
        months = self.stock_months(model)
        floor = 1.0 - p["ration_max_cut"]
        return float(np.clip(floor + p["ration_max_cut"] * months / p["ration_full_months"], floor, 1.0))

    def mt_per_month(self, mt_per_year: float) -> float:
        return mt_per_year * 1e9 * self.scale / 12.0

    # ---- retreat -------------------------------------------------------------------------
    def stock_months(self, model) -> float:
        return self.stock / max(self.base_demand(model), 1e-9)

    def check_retreat(self, model) -> None:
        """The centre weighs the evidence of failure against the cost of admitting it
        (``centre.decide_retreat``), then, once retreated, the deeper reforms."""
        centre.decide_retreat(model)
        centre.decide_reforms(model)

    def months_since_retreat(self, model) -> int:
        return -1 if self.retreat_t is None else model.t - self.retreat_t

    def reforms_in_force(self, model) -> bool:
        """The retreat's reforms (halls closed, private plots back), when the centre has ordered
        them (``centre.decide_reforms``)."""
        return self.retreated and self.reformed

    # ---- monthly flows -------------------------------------------------------------------
    def trade(self, model) -> tuple[float, float]:
        """Exports out and imports in this month (kg)."""
        p, cal, year = model.p, model.calendar, model.ym[0]
        exports = 0.0
        if p["exports"] and not self.retreated:
            exports = min(self.mt_per_month(cal.exports_mt.get(year, 0.0)), self.stock)
        imports = self.mt_per_month(self.imports_mt(model))
        self.stock += imports - exports
        return exports, imports

    def imports_mt(self, model) -> float:
        """Imports arriving this year at this month's pace (Mt a year): aid accepted from its date
        (``accept_aid``, the calendar's ``aid_mt``), otherwise the purchases the calendar lists,
        once the retreat (or its historical date) has started them; nothing in an unlisted year."""
        p, cal, now, year = model.p, model.calendar, month_index(model.ym), model.ym[0]
        if p["accept_aid"] and now >= month_index(cal.aid_accepted):
            return cal.aid_mt.get(year, 0.0)
        return cal.imports_mt.get(year, 0.0) if self.imports_on(model) else 0.0

    def imports_on(self, model) -> bool:
        p, now = model.p, month_index(model.ym)
        if p["accept_aid"] and now >= month_index(model.calendar.aid_accepted):
            return True
        if p["retreat_rule"] == "calendar":
            return now >= month_index(model.calendar.imports_start)
        return self.retreated and self.months_since_retreat(model) >= IMPORT_DELAY_MONTHS

    # ---- towns first -----------------------------------------------------------------------
    def towns_reserve(self, model) -> float:
        """Grain (kg) the towns need at the full ration until the next harvest's procurement."""
        return self.base_demand(model) * dining.months_to_next_harvest(model.ym[1])

    def squeeze(self, model) -> float:
        """Emergency squeeze: when its stocks and the quotas still owed cannot cover the towns until
        the next harvest, the centre levies ``emergency_squeeze`` of the gap on the communes, in
        proportion to their claims, collected (and, before the retreat, searched for) like any
        quota (ODD 7.5). After its retreat it goes on levying only with
        ``squeeze_after_retreat``. Returns the kg levied."""
        com, p = model.communes, model.p
        share = p["emergency_squeeze"]
        if share <= 0 or (self.retreated and not p["squeeze_after_retreat"]):
            return 0.0
        gap = self.towns_reserve(model) - self.stock - com.quota.sum()
        claims = com.report_last_year
        if gap <= 0 or claims.sum() <= 0:
            return 0.0
        levy = share * gap * self._levy_shares(model, claims)
        self.levied += levy
        com.quota += levy
        com.quota_initial += levy
        com.owed_since = np.where(com.owed_since < 0, model.t, com.owed_since)
        return float(levy.sum())

    def _levy_shares(self, model, claims: np.ndarray) -> np.ndarray:
        """Per commune, its share of an emergency levy. With ``interprovincial_transfers`` the centre
        takes from wherever claims are (grain moves out of the provinces that claim surpluses);
        without, each province supplies its own towns: the levy is split among provinces by their
        registered town residents, then within each by claims."""
        if model.p["interprovincial_transfers"] or len(model.leaders) == 1:
            return claims / claims.sum()
        people = self.towns.people
        alive = people.view("alive") & (people.view("registration") != REFUGEE)
        province_of_region = provinces.province_of_region(model)
        region = np.minimum(people.view("commune")[alive], len(province_of_region) - 1)
        towns = np.bincount(province_of_region[region], minlength=len(model.leaders)).astype(float)
        if towns.sum() <= 0:
            return claims / claims.sum()
        province = model.commune_province
        claims_in = np.bincount(province, weights=claims, minlength=len(model.leaders))
        within = np.divide(claims, claims_in[province], out=np.zeros_like(claims), where=claims_in[province] > 0)
        return towns[province] / towns.sum() * within

    def feed_towns(self, model) -> tuple[float, float]:
        """Urban and refugee consumption from central stocks. Returns (kg eaten, fill share)."""
        demand = self.base_demand(model) * self.ration_factor(model)
        eaten = min(demand, self.stock)
        self.stock -= eaten
        return eaten, eaten / max(self.base_demand(model), 1e-9)

    def request_resales(self, model, food_kg: np.ndarray, need_kg: np.ndarray,
                        report_ratio: np.ndarray, visibility: np.ndarray | None = None) -> None:
        """Communes below ``resale_application_fill`` of need until the next harvest apply for the whole shortfall. The
        state believes it only as far as the commune's inflated report allows, unless the famine
        there has become visible (deaths), when it believes what it sees."""
        short = np.where(food_kg < model.p["resale_application_fill"] * need_kg, need_kg - food_kg, 0.0)
        seen = np.zeros(len(short)) if visibility is None else visibility
        pending = {c for _, c, _ in self.pending_resales}
        due = model.t + model.p["resale_delay"]
        for c in np.flatnonzero(short > 0):
            if c not in pending:
                believed = short[c] * (seen[c] + (1.0 - seen[c]) / max(report_ratio[c], 1.0))
                self.pending_resales.append((due, int(c), model.p["resale_share"] * believed))

    def deliver_resales(self, model) -> np.ndarray:
        """Resales falling due this month, per commune (kg). With ``urban_priority`` the towns come
        first: only stocks above the towns' needs until the next harvest are sold back; without
        it, only a month's urban demand is held back."""
        delivered = np.zeros(model.communes.n)
        keep = []
        floor = self.towns_reserve(model) if model.p["urban_priority"] else self.base_demand(model)
        for due, c, kg in self.pending_resales:
            if due > model.t:
                keep.append((due, c, kg))
                continue
            give = min(kg, max(self.stock - floor, 0.0))
            self.stock -= give
            delivered[c] += give
        self.pending_resales = keep
        return delivered

    def recruit(self, n_people: int) -> None:
        """Peasants recruited into industry (they move to the towns: ``towns.Towns.admit``)."""
        self.recruited += n_people

    def send_down(self, model) -> int:
        """Town residents sent back to the villages this month (whole persons): once the centre
        has retreated and still cannot cover the towns until the next harvest, it sends down
        ``send_down_rate`` of the registered residents a month (recruits first, ``towns.send_down``)."""
        rate = model.p["send_down_rate"]
        if not self.retreated or rate <= 0 or self.stock >= self.towns_reserve(model):
            return 0
        return int(round(rate * self.urban))
