"""The agents: Peasant, Cadre, Official (ODD 2, entities).

Peasants are many, so their numbers live in ``model.people`` (numpy arrays); a ``Peasant`` is a
Mesa agent on its household plot that reads and writes its own slice. Cadres and officials are
few and rich in behaviour: ordinary Mesa agents whose methods are the decisions of ODD 7.3-7.5.
"""

from __future__ import annotations

import math

from mesa.discrete_space import CellAgent

from greatleap.population import HUNGER_STATES

# The traits of the first cadres, Beta(a, b) on 0-1: ambition (mean 0.4), risk aversion (0.5),
# loyalty to the village (0.6); and the career stake of officials (0.5).
# assumption: cadres differed in zeal and in loyalty to their villages (Yang Jisheng 2012; Dikötter
# 2010), most neither zealots nor protectors; no measured distribution exists.
AMBITION_BETA, RISK_AVERSION_BETA, LOYALTY_BETA, CAREER_STAKE_BETA = (2, 3), (2, 2), (3, 2), (2, 2)
# A purged cadre's successor draws ambition, loyalty and risk aversion from Beta(2, 2), shifted by
# replacement_zeal. assumption: the shift carries the source (replacement_zeal, Dikötter 2010).
REPLACEMENT_BETA = (2, 2)


def _person_field(name: str, doc: str):
    def get(self):
        return getattr(self.model.people, name)[self.index].item()

    def set_(self, value):
        getattr(self.model.people, name)[self.index] = value

    return property(get, set_, doc=doc)


class Peasant(CellAgent):
    """One villager: a view onto slot ``index`` of the model's person arrays."""

    age = _person_field("age", "Age in years.")
    female = _person_field("female", "True for women.")
    bmi = _person_field("bmi", "Body mass index (kg/m2): the energy reserve.")
    height = _person_field("height", "Height in metres (grows until 19).")
    gestation = _person_field("gestation", "Month of pregnancy, 1-9 (0: not pregnant).")
    hunger = _person_field("hunger", "0 fed, 1 hungry, 2 starving, 3 severely wasted.")
    household = _person_field("household", "Index of the household plot.")
    commune = _person_field("commune", "Index of the commune.")
    labour = _person_field("labour", "This month's task (see labour.TASKS).")
    kcal = _person_field("kcal", "Last month's intake in kcal/day.")
    alive = _person_field("alive", "Alive and in the village.")

    def __init__(self, model, index: int, cell=None):
        super().__init__(model)
        self.index = int(index)
        if cell is not None:
            self.cell = cell

    @property
    def hunger_state(self) -> str:
        return HUNGER_STATES[self.hunger]

    @property
    def hidden_grain(self) -> float:
        """Grain (kg) hidden by this person's household."""
        return float(self.model.households.hidden[self.household])


class Cadre(CellAgent):
    """The commune's leader: allocates labour, runs the hall, reports and collects (ODD 7.3-7.6).

    Heterogeneous in ``ambition`` (career stake, 0-1), ``risk_aversion`` (0-1) and ``loyalty``
    to the village (0-1).
    """

    def __init__(self, model, commune: int, cell, ambition: float, risk_aversion: float,
                 loyalty: float):
        super().__init__(model)
        self.commune = commune
        if cell is not None:
            self.cell = cell
        self.ambition = ambition
        self.risk_aversion = risk_aversion
        self.loyalty = loyalty
        self.last_markup = 0.0
        self.criticised_count = 0
        self.purged_count = 0  # how many holders of this post were purged

    def markup(self, true_kg: float, target_kg: float, purge_risk: float, peer_markup: float,
               visibility: float, p) -> float:
        """The report's markup over the truth (ODD 7.3): career, fear, emulation, target."""
        target_gap = math.log(target_kg / true_kg) if true_kg > 0 and target_kg > true_kg else 0.0
        raw = (p["markup_career"] * self.ambition
               + p["markup_penalty"] * purge_risk * self.risk_aversion
               + p["markup_emulation"] * peer_markup
               + p["markup_target"] * target_gap)
        return min(p["markup_cap"], raw) * (1.0 - visibility)

    def mobilisation(self) -> float:
        """How hard this cadre drives campaign quotas: zealous cadres send more people
        (``mobilisation_base`` + ``mobilisation_per_ambition`` x ambition)."""
        p = self.model.p
        return p["mobilisation_base"] + p["mobilisation_per_ambition"] * self.ambition

    def retention_share(self, purge_risk: float) -> float:
        """Share of the retention floor this cadre defends against the quota (ODD 7.5):
        (retention_base + retention_per_loyalty x loyalty) x max(retention_min, 1 - retention_fear x
        purge risk x risk aversion)."""
        p = self.model.p
        # fear of being branded a rightist makes him hand over 'excess grain' the village needs
        return ((p["retention_base"] + p["retention_per_loyalty"] * self.loyalty)
                * max(p["retention_min"], 1.0 - p["retention_fear"] * purge_risk * self.risk_aversion))

    def replace_with_zealot(self, rng, zeal: float) -> None:
        """A purged cadre's successor: more ambitious, less loyal to the village (ODD 7.4)."""
        self.purged_count += 1
        self.ambition = float(min(1.0, rng.beta(*REPLACEMENT_BETA) + zeal))
        self.loyalty = float(max(0.0, rng.beta(*REPLACEMENT_BETA) - zeal))
        self.risk_aversion = float(rng.beta(*REPLACEMENT_BETA))
        self.last_markup = 0.0


def outbid(own: float, peers_last: float, p) -> float:
    """A markup raised ``peer_outbidding`` of the way towards the peers' last markups when it falls
    short of them: no county or province wants to report the smallest satellite (Yang Jisheng 2012,
    the Xinyang counties after Lushan; Fan, Xiong & Zhou 2016)."""
    return own + p["peer_outbidding"] * max(peers_last - own, 0.0)


class Official(CellAgent):
    """A county-level official over a group of communes, with a career stake (Kung & Chen 2011)."""

    def __init__(self, model, group: int, communes: list[int], cell, career_stake: float):
        super().__init__(model)
        self.group = group
        self.communes = communes
        if cell is not None:
            self.cell = cell
        self.career_stake = career_stake
        self.last_markup = 0.0  # what he added at the last harvest (his peers outbid it)

    def markup(self, visibility: float, p, peers_last: float = 0.0) -> float:
        """The official's own markup on the sum of his cadres' reports (ODD 7.3): his career
        stake's, raised towards what his peers added at the last harvest (``outbid``)."""
        return outbid(p["official_markup"] * self.career_stake, peers_last, p) * (1.0 - visibility)

    def quota_push(self, p) -> float:
        """Extra procurement the official demands to signal loyalty (ODD 7.5)."""
        return p["official_quota_push"] * self.career_stake
