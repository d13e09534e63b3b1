"""Every parameter of the model, declared once: default, unit, allowed range, label and meaning.

Each parameter belongs to one mechanism (the module that reads it) and is either
- an **uncertainty**: we do not know its true value (how much cadres inflate, labour elasticity...);
- a **lever**: a policy choice that a counterfactual changes (quota rule, halls, exports, Lushan...);
- **setup**: the size and extent of the simulated world.

The model constructor, the dashboard's controls, the sweep specs and the docs' parameter table
are all generated from ``PARAMS``; no default is written anywhere else. Scenario presets are
named sets of overrides (``SCENARIOS``). ODD references point at sections of ``docs/ODD.md``.

Each parameter names its ``source`` (a publication and what in it, or "assumption: ..." with the
reasoning); an uncertainty carries its ``prior`` for the calibration (``uniform``, ``normal``,
``lognormal`` or ``beta`` within hard bounds outside which the value is implausible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from greatleap.errors import InputError, excerpt, shown

UNCERTAINTY, LEVER, SETUP = "uncertainty", "lever", "setup"


@dataclass(frozen=True)
class Prior:
    """What we believe of an uncertain parameter before calibration: a distribution within hard
    bounds ``[low, high]`` (outside them the value is implausible, not merely unlikely), and why.
    ``loc``/``scale``: the mean and sd of a normal, the median and the sd of the log of a
    lognormal; ``shape``: the (alpha, beta) of a beta stretched over [low, high]."""
    dist: str  # "uniform", "normal", "lognormal" or "beta"
    low: float
    high: float
    reason: str
    loc: float | None = None
    scale: float | None = None
    shape: tuple = ()

    def describe(self) -> str:
        body = {"uniform": lambda: "uniform",
                "normal": lambda: f"normal({self.loc:g}, sd {self.scale:g})",
                "lognormal": lambda: f"lognormal(median {self.loc:g}, log-sd {self.scale:g})",
                "beta": lambda: f"beta({self.shape[0]:g}, {self.shape[1]:g})" if self.shape else "beta"}[self.dist]()
        return f"{body} on [{self.low:g}, {self.high:g}]"


def uniform(low: float, high: float, reason: str) -> Prior:
    return Prior("uniform", low, high, reason)


def normal(mean: float, sd: float, low: float, high: float, reason: str) -> Prior:
    return Prior("normal", low, high, reason, loc=mean, scale=sd)


def lognormal(median: float, log_sd: float, low: float, high: float, reason: str) -> Prior:
    return Prior("lognormal", low, high, reason, loc=median, scale=log_sd)


def beta(alpha: float, beta_: float, low: float, high: float, reason: str) -> Prior:
    return Prior("beta", low, high, reason, shape=(alpha, beta_))


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    unit: str
    low: Any  # inclusive bounds for numbers; None for bool and choice
    high: Any
    label: str
    meaning: str
    mechanism: str  # module that reads it
    kind: str  # UNCERTAINTY, LEVER or SETUP
    odd: str  # section of docs/ODD.md
    choices: tuple = ()  # allowed values of a choice parameter
    source: str = ""  # where the value comes from, or "assumption: ..." and why
    prior: Prior | None = None  # uncertainties: the calibration's prior

    @property
    def type(self) -> type:
        return type(self.default)

    def allowed(self) -> str:
        if self.type is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return f"a {'whole number' if self.type is int else 'number'} in [{self.low}, {self.high}]"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise InputError."""
        def bad():
            return InputError(self.name, f"got {excerpt(value)}; allowed: {self.allowed()} ({self.unit})")

        if self.type is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, (int, float)) and value in (0, 1):
                return bool(value)
            raise bad()
        if self.choices:
            if value not in self.choices:
                raise bad()
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad()
        if self.type is int:
            if isinstance(value, float) and not value.is_integer():
                raise bad()
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise bad()
        if not (self.low <= value <= self.high):
            raise bad()
        return value


def _p(name, default, unit, low, high, label, meaning, mechanism, kind, odd, choices=(), source="",
       prior=None):
    return Param(name, default, unit, low, high, label, meaning, mechanism, kind, odd, tuple(choices),
                 source, prior)


# Every uncertainty carries its prior beside it (issue 15): the calibration's distribution and hard
# bounds, with the source or the reasoning. Outside the bounds a value is implausible, not merely
# unlikely; where a default lies outside its prior docs/calibration.md says so (the fit, not the
# prior, moves it). Sources that are assumptions say so with this prefix:
_A = "assumption: "

_PARAM_LIST = [
    # ---- setup: the world (ODD 5, initialisation) ------------------------------------------
    _p("n_communes", 16, "communes", 1, 400, "Number of communes",
       "Communes on the grid, laid out in rows of square blocks.", "model", SETUP, "5"),
    _p("commune_side", 10, "plots", 3, 50, "Commune size (plots per side)",
       "Each commune is a square of commune_side x commune_side household plots.", "model", SETUP, "5"),
    _p("household_size", 5.0, "persons", 2.0, 8.0, "Mean household size",
       "Mean number of people per household plot at the start.", "model", SETUP, "5"),
    _p("n_provinces", 2, "provinces", 1, 50, "Number of provinces",
       "Consecutive counties (officials) form this many provinces, each with its leader.", "provinces", SETUP, "5"),
    _p("communes_per_official", 4, "communes", 1, 16, "Communes per official",
       "How many communes one official oversees (a county's worth).", "model", SETUP, "5"),
    _p("start_year", 1957, "year", 1955, 1962, "First year",
       "The run starts in January of this year.", "model", SETUP, "2"),
    _p("end_year", 1962, "year", 1956, 1970, "Last year",
       "The run ends in December of this year.", "model", SETUP, "2"),
    _p("spin_up_months", 12, "months", 0, 24, "Normal months run before the start",
       "The world is drawn with healthy, fed bodies; this many months of the years before the start "
       "run first, unrecorded, so that bodies, stocks and the death registers settle into a normal "
       "year's spread (and the centre learns what a normal year is) before the first recorded month.",
       "model", SETUP, "2",
       source="assumption: in runs without the Leap, starvation deaths settle at their normal level "
              "within a year of the start (none before August of the first year without it)"),
    _p("store_months_at_start", 6.5, "months of grain need", 0.0, 24.0, "Household stores at the start",
       "When the world is drawn (January, before the spin-up), households still hold this many months of "
       "their grain need from the last autumn harvest.", "model", UNCERTAINTY, "5",
       source=_A + "enough to carry households past the June harvest; no record of 1957 household stores",
       prior=uniform(5.0, 9.0, "from just reaching the June harvest to a reserve that lasts into the "
                               "summer")),
    _p("materialise_peasants", True, "switch", None, None, "Peasant agents as objects",
       "Create a Mesa Peasant agent per person (needed by the dashboard); off, agents are built on demand.",
       "model", SETUP, "2"),

    # ---- 7.1 production ---------------------------------------------------------------------
    _p("output_per_capita", 356.0, "kg/person/year", 200.0, 600.0, "Normal grain output per person",
       "Unhusked grain a commune grows per rural person in a normal year (195 Mt / 547 M rural, 1957).",
       "production", SETUP, "7.1"),
    _p("yield_trend", 0.0275, "per year", 0.0, 0.06, "Yield growth per year",
       "Normal yields grow this much a year (better seed, irrigation, fertiliser), as they did in 1952-57.",
       "production", UNCERTAINTY, "7.1",
       source="SSB grain output 1952-57 (Lin & Yang 2000): about 3% a year with area growth; yields "
              "alone a little less",
       prior=uniform(0.01, 0.04, "from half to one and a half times the 1952-57 yield growth")),
    _p("fertility_sd", 0.18, "ratio", 0.0, 0.6, "Spread of plot fertility",
       "Standard deviation of plot fertility around its commune's mean.", "production", UNCERTAINTY, "7.1",
       source=_A + "spread of plot yields within a village; no survey for 1957 here",
       prior=uniform(0.05, 0.35, "from nearly even plots to a third of the mean")),
    _p("commune_fertility_sd", 0.0367, "ratio", 0.0, 0.6, "Spread of commune fertility",
       "Standard deviation of mean fertility between communes.", "production", UNCERTAINTY, "7.1",
       source=_A + "spread of mean yields between neighbouring communes of one region",
       prior=uniform(0.02, 0.2, "from even communes to a fifth of the mean")),
    _p("labour_elasticity", 0.208, "elasticity", 0.0, 1.5, "Output elasticity of field labour",
       "Percent change of the harvest for one percent more effective labour in the critical months.",
       "production", UNCERTAINTY, "7.1",
       source="Li & Yang 2005 (JPE 113): labour diversion explains a large part of the "
              "1959-61 output fall; farm production functions put labour's elasticity at "
              "about 0.2-0.6 (recalled, not verified in this session)",
       prior=uniform(0.15, 0.7, "the range of published farm production functions")),
    _p("harvest_loss_max", 0.0773, "share", 0.0, 1.0, "Harvest lost with no labour at harvest",
       "Share of a ripe crop that rots when all harvest labour is away.", "production", UNCERTAINTY, "7.1",
       source="Yang Jisheng 2012: crops rotted in the fields in autumn 1958 while labour was at "
              "the furnaces; how much is an assumption",
       prior=uniform(0.05, 0.5, "from a little to half of a ripe crop lost with nobody to reap")),
    _p("close_planting", True, "switch", None, None, "Close planting and deep ploughing",
       "The 1958-60 agronomy campaign is imposed on the fields.", "production", LEVER, "7.1"),
    _p("close_planting_penalty", 0.05, "share", 0.0, 0.5, "Yield penalty of close planting",
       "Share of yield lost on fields farmed with close planting and deep ploughing.",
       "production", UNCERTAINTY, "7.1",
       source="Yang Jisheng 2012 and Dikötter 2010: close planting and deep ploughing "
              "lowered yields; the size is an assumption",
       prior=uniform(0.0, 0.15, "from harmless to a seventh of the yield")),
    _p("weather_scale", 1.0, "ratio", 0.0, 3.0, "Weather shock strength",
       "Multiplies the historical weather deviations (0 = normal weather every year).",
       "production", UNCERTAINTY, "7.1",
       source=_A + "the calendar's weather index is a reconstruction; its strength is uncertain",
       prior=uniform(0.5, 1.5, "half to one and a half times the reconstructed deviations")),
    _p("weather_regional_sd", 0.04, "ratio", 0.0, 0.3, "Regional weather spread",
       "Standard deviation of each region's yearly weather around the national index.",
       "production", UNCERTAINTY, "7.1",
       source=_A + "regions differed in drought and flood from year to year",
       prior=uniform(0.0, 0.1, "from one national weather to a tenth of yields between regions")),
    _p("area_labour_response", 0.5, "share", 0.0, 1.0, "Response of the sown area to labour",
       "The sown area responds to field labour with this share of the yield's elasticity (labour_elasticity): "
       "land is sown even short-handed.", "production", UNCERTAINTY, "7.1",
       source=_A + "half; Kueh 1984 split the fall of output into area and yield, not their response to labour",
       prior=uniform(0.2, 0.8, "from a fifth to most of the yield's response")),
    _p("seed_rate", 0.06, "kg per kg of normal harvest", 0.0, 0.3, "Seed per kg of harvest",
       "Seed a commune keeps back at each harvest, and needs to sow its full area, per kg of the crop's "
       "normal harvest.", "production", UNCERTAINTY, "7.1",
       source=_A + "a few percent of a normal harvest; no 1950s seed rate per kg of harvest was found "
              "(seed, feed and losses together are often put near a tenth)",
       prior=uniform(0.03, 0.12, "from a thirtieth to an eighth of a normal harvest")),

    # ---- 7.11 capital and land --------------------------------------------------------------
    _p("area_plan_response", 0.25, "elasticity", 0.0, 1.0, "Grain area cut for a believed surplus",
       "The next year's planned grain area is (believed / normal output) to the minus this, at most the "
       "whole area (0: the plan keeps the area whatever is believed).", "planning", UNCERTAINTY, "7.11",
       source="assumption: the planners turned part of a believed surplus into land taken out of grain "
              "(Mao's 1958 'three-three' proposal to sow a third of the land; Walker 1984 and Kueh 1995 on "
              "the cut 1959 sown area); the sown-area record (grain area 1958 to 1959 down about 9%, SSB, "
              "recalled) is a check, not fitted",
       prior=uniform(0.0, 0.6, "from no response to a 1958 claim of twice the truth cutting a third of the area")),
    _p("seed_protected", False, "switch", None, None, "Seed grain protected",
       "Seed kept back at harvest is never eaten by the hungry nor handed over against a quota.",
       "capital", LEVER, "7.11",
       source="the counterfactual of the record: seed grain was eaten or procured in 1959-61 (Walker 1984; "
              "Ash 2006)"),
    _p("seed_eaten_share", 0.0107, "share per month", 0.0, 1.0, "Seed eaten by the hungry",
       "Largest share of the seed store hungry households eat in a month, as far as their shortfall goes.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: no count of seed eaten exists; accounts of villages eating their seed in spring "
              "(Dikötter 2010; Yang 2012) set only its sign",
       prior=uniform(0.01, 0.3, "from a trickle to most of the store over a lean season")),
    _p("animals_per_capita", 0.153, "head/person", 0.0, 0.5, "Draught animals per villager",
       "Large animals (cattle, buffalo, horses, mules, donkeys) per rural person in January 1957.",
       "capital", SETUP, "7.11",
       source="SSB series as given in a history of Chinese animal husbandry "
              "(https://daowen.com/lilun/1179767.html): 83.82 M large animals at the end of 1957, "
              "over 547 M rural people"),
    _p("animal_feed_kg", 47.1, "kg/head/year", 0.0, 400.0, "Grain fed to a draught animal",
       "Grain (concentrate) a draught animal is fed in a year, besides straw and grazing.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: 8 Mt for 84 M head, about 4% of the 1957 harvest",
       prior=uniform(30.0, 250.0, "from straw with a little grain to a working ration")),
    _p("herd_growth", 0.043, "per year", 0.0, 0.15, "Growth of a fed herd",
       "Net growth of the herd a year (births less normal deaths) when fully fed.",
       "capital", UNCERTAINTY, "7.11",
       source="SSB series as given in https://daowen.com/lilun/1179767.html: 83.82 M large animals in 1957, "
              "23.80 M (39.65%) more than in 1949, so 60.0 M in 1949 and 4.3% a year over the eight years",
       prior=uniform(0.02, 0.07, "around the 1949-57 growth")),
    _p("animal_hunger_loss", 0.4, "per year", 0.0, 1.0, "Herd lost when unfed",
       "Share of the herd that dies or is slaughtered in a year without its feed (less for a partial cut).",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: the fall of large animals from 83.82 M in 1957 to 69.49 M in 1961, 17.1% (SSB "
              "series as given in https://daowen.com/lilun/1179767.html), is a check, not fitted",
       prior=uniform(0.1, 1.0, "from a tenth to the whole herd in a year")),
    _p("herd_capacity", 1.0, "Jan 1957 herd = 1", 0.5, 2.0, "Herd the land can keep",
       "Largest herd a commune's straw, grazing and fodder keep, against its herd of January 1957: a fed "
       "herd grows up to it and no further.", "capital", UNCERTAINTY, "7.11",
       source="assumption: the herd of 1957 was near what the land kept; large animals had stopped growing "
              "after the mid-1950s (SSB series, recalled, not verified here), so the 1949-57 growth "
              "(herd_growth) was a recovery towards a ceiling, not a lasting trend",
       prior=uniform(1.0, 1.15, "from no room above the 1957 herd to the growth of three more normal years")),
    _p("animal_slaughter_share", 0.05, "share per month", 0.0, 1.0, "Draught animals eaten by the hungry",
       "Share of a commune's herd its hungry households kill and eat in a month when all its people "
       "starve (in proportion to the share starving), as far as their shortfall goes (0: the animals "
       "are spared).", "capital", UNCERTAINTY, "7.11",
       source="assumption: accounts of draught animals killed and eaten in the famine villages "
              "(Dikötter 2010; Yang 2012) set only its sign; no count exists. The fall of large animals "
              "from 83.82 M in 1957 to 69.49 M in 1961 is a check, not fitted",
       prior=uniform(0.0, 0.15, "from sparing the herd to eating most of it in a year of general starvation")),
    _p("animal_meat_kg", 110.0, "kg of grain per head", 0.0, 400.0, "Food in a slaughtered animal",
       "Food a slaughtered draught animal gives, in kg of grain of the same energy.", "capital",
       UNCERTAINTY, "7.11",
       source="assumption: an ox of about 300 kg live weight dresses to about half as carcass, at some "
              "2,000 kcal/kg: about 300,000 kcal, 110 kg of grain at kcal_per_kg (standard livestock "
              "figures, not a 1950s Chinese survey)",
       prior=uniform(50.0, 150.0, "from a small, thin animal to a well-fleshed ox")),
    _p("animal_area_elasticity", 0.3, "elasticity", 0.0, 1.0, "Ploughing capacity of the herd",
       "Percent of the planned area left unsown per percent of the herd below normal.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: people and hoes stand in for part of the lost draught power",
       prior=uniform(0.0, 0.8, "from hoes replacing oxen to most land needing them")),
    # pigs: a second herd by the draught animals' rules (capital.Herd), and the farms' manure
    _p("pigs_per_capita", 0.267, "head/person", 0.0, 1.0, "Pigs per villager",
       "Pigs per rural person in January 1957 (0: no pigs, the model before 2026-12-08).",
       "capital", SETUP, "7.11",
       source="SSB livestock series (recalled, not verified here): 145.9 M pigs at the end of 1957 over "
              "547 M rural people; about 88 M in 1955 (the Library of Congress country study of China "
              "gives the same)"),
    _p("pig_growth", 0.3, "per year", 0.0, 1.0, "Growth of a fed pig herd",
       "Net growth of the pig herd a year (litters less slaughter for the market and normal deaths) "
       "when fully fed.", "capital", UNCERTAINTY, "7.11",
       source="SSB livestock series (recalled, not verified here): pigs recovered from 75.5 M at the end "
              "of 1961 to 131.8 M at the end of 1963, about 32% a year",
       prior=uniform(0.15, 0.45, "around the recovery of 1962-63")),
    _p("pig_hunger_loss", 0.6, "per year", 0.0, 1.0, "Pigs lost when unfed",
       "Share of the pig herd that dies or is slaughtered in a year without its feed (less for a partial "
       "cut).", "capital", UNCERTAINTY, "7.11",
       source="assumption: a pig without feed is killed or dies within months; the fall of pigs from "
              "145.9 M (1957) to 75.5 M (1961), about half (SSB, recalled), is a check, not fitted",
       prior=uniform(0.2, 1.0, "from a fifth to the whole herd in a year")),
    _p("pig_capacity", 1.0, "Jan 1957 herd = 1", 0.5, 2.0, "Pig herd the feed can keep",
       "Largest pig herd a commune's by-products and scraps keep, against its herd of January 1957.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: the 1957 herd, grown by two thirds since 1955 after the 1956 relaxation, was "
              "near what the villages' feed kept",
       prior=uniform(1.0, 1.3, "from no room above the 1957 herd to a further third")),
    _p("pig_slaughter_share", 0.15, "share per month", 0.0, 1.0, "Pigs eaten by the hungry",
       "Share of a commune's pigs its hungry households kill and eat in a month when all its people starve "
       "(in proportion to the share starving), as far as their shortfall goes, before the draught animals "
       "(0: the pigs are spared).", "capital", UNCERTAINTY, "7.11",
       source="assumption: pigs are food animals, eaten before the oxen; no count exists; the halving of the "
              "pig herd 1957-61 is a check, not fitted",
       prior=uniform(0.0, 0.4, "from sparing the pigs to eating nearly all of them in a lean season")),
    _p("pig_meat_kg", 30.0, "kg of grain per head", 0.0, 150.0, "Food in a slaughtered pig",
       "Food a slaughtered pig gives, in kg of grain of the same energy.", "capital", UNCERTAINTY, "7.11",
       source="assumption: a lean village pig of about 60 kg live weight gives some 40 kg of fatty meat and "
              "offal at about 2,500 kcal/kg, some 100,000 kcal: 30 kg of grain at kcal_per_kg (standard "
              "livestock figures, not a 1950s Chinese survey)",
       prior=uniform(15.0, 50.0, "from a starved piglet to a fattened village pig")),
    _p("manure_elasticity", 0.1, "elasticity", 0.0, 0.5, "Yield lost with the pigs' manure",
       "Percent of the yield lost per percent of the pig herd below normal: pig manure was the farms' "
       "fertiliser (0: the manure does not matter).", "capital", UNCERTAINTY, "7.11",
       source="assumption: organic manure, pig manure first, supplied nearly all of the nutrients of 1950s "
              "Chinese farming (\"a pig is a small organic fertiliser factory\", Mao 1959); fields withered "
              "for lack of fertiliser by 1961-62 (Dikötter 2010, ch. 17); the elasticity is not measured",
       prior=uniform(0.0, 0.25, "from manure replaced by other fertilisers to a quarter of the yield lost with "
                                "the herd")),
    _p("tool_melting", True, "switch", None, None, "Tools melted in the furnaces",
       "The backyard-furnace campaign melts farm tools and pots.", "capital", LEVER, "7.11",
       source="tools, pots and doors went into the furnaces in autumn 1958 (Dikötter 2010; shared notes, "
              "mechanisms 6)"),
    _p("tool_melt_rate", 0.1, "share per month per furnace share", 0.0, 1.0, "Tools melted",
       "Share of a commune's tools melted in a month per share of its able at the furnaces.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: no national count of tools melted exists",
       prior=uniform(0.0, 0.4, "none to about a third of the tools over the campaign")),
    _p("tool_life", 8.0, "years", 1.0, 30.0, "Life of a farm tool",
       "Years a tool lasts; industry replaces that share a year, so a loss closes at this pace.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: iron hoes and ploughshares last some years",
       prior=uniform(4.0, 15.0, "a few years to a working life")),
    _p("tool_elasticity", 0.15, "elasticity", 0.0, 1.0, "Output elasticity of tools",
       "Percent change of the yield for one percent more tools.", "capital", UNCERTAINTY, "7.11",
       source="assumption: a small capital share in traditional farming",
       prior=uniform(0.0, 0.4, "from none to a large capital share")),
    _p("irrigation_works_rate", 0.05, "share of land per month", 0.0, 1.0, "Land reached by new works",
       "Share of the land new works reach in a month, per share of the able on the works.",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: a few per cent of the land a winter at the campaign's height; claims of a doubled "
              "irrigated area in 1958 were not borne out (irrigated area about 27 Mha in 1957, 30 Mha in 1962, "
              "SSB, recalled)",
       prior=uniform(0.02, 0.3, "a few per cent to a third of the land a winter")),
    _p("irrigation_sound_share", 0.724, "share", 0.0, 1.0, "Works built soundly",
       "Share of new works that irrigate; the rest waterlog or salinise the land.", "capital", UNCERTAINTY, "7.11",
       source="assumption: badly built canals without drainage salinised land on the North China Plain "
              "(issue 14's sources: Walker 1984; Kueh 1995); no national share is known",
       prior=uniform(0.2, 0.9, "from most works harmful to most sound")),
    _p("irrigation_gain", 0.3, "share", 0.0, 1.0, "Yield gain of irrigation",
       "Yield gain on land newly and soundly irrigated.", "capital", UNCERTAINTY, "7.11",
       source="assumption: irrigated land yields markedly more than rain-fed land",
       prior=uniform(0.1, 0.6, "a tenth to three fifths more")),
    _p("land_damage_loss", 0.4, "share", 0.0, 1.0, "Yield lost on damaged land",
       "Yield lost on waterlogged or salinised land.", "capital", UNCERTAINTY, "7.11",
       source="assumption",
       prior=uniform(0.1, 0.8, "a tenth to most of the yield")),
    _p("land_recovery", 0.15, "per year", 0.0, 1.0, "Healing of damaged land",
       "Share of damaged land that recovers in a year (canals filled, drainage, leaching).",
       "capital", UNCERTAINTY, "7.11",
       source="assumption: damage that lasts years and heals slowly (issue 14)",
       prior=uniform(0.05, 0.5, "two to twenty years")),

    # ---- 7.2 labour allocation --------------------------------------------------------------
    _p("backyard_furnaces", True, "switch", None, None, "Backyard furnaces",
       "Autumn 1958 steel campaign pulls labour from the fields.", "labour", LEVER, "7.2"),
    _p("furnace_share", 0.30, "share of workers", 0.0, 0.8, "Workers at the furnaces",
       "Share of able workers at backyard furnaces at the campaign's height.", "labour", LEVER, "7.2"),
    _p("irrigation_campaigns", True, "switch", None, None, "Winter irrigation campaigns",
       "Winter water-conservancy campaigns of 1957-60 pull labour from winter field work.",
       "labour", LEVER, "7.2"),
    _p("irrigation_share", 0.35, "share of workers", 0.0, 0.8, "Workers on irrigation works",
       "Share of able workers on irrigation works at the campaign's height.", "labour", LEVER, "7.2"),
    _p("industrial_recruitment", 0.05, "share of rural people", 0.0, 0.15, "Peasants recruited to industry",
       "Share of rural working-age people moved to urban industry in 1958.", "labour", LEVER, "7.2"),
    _p("long_hours", True, "switch", None, None, "Coerced long hours",
       "From March 1958 to mid-1960 cadres drive those at work to longer days (\"fight hard for three "
       "years\"): more energy burned and more hours in the fields, until the centre retreats.",
       "labour", LEVER, "7.2"),
    _p("coercion_kcal", 80.0, "kcal/day", 0.0, 1500.0, "Extra energy burned by long hours",
       "Extra daily expenditure of a worker driven to coerced long hours during campaigns.",
       "labour", UNCERTAINTY, "7.2",
       source="Keys et al. 1950 (energy cost of work) and accounts of round-the-clock campaign "
              "work (Dikötter 2010); the size is an assumption",
       prior=uniform(0.0, 400.0, "from nothing to the cost of some three more hours of heavy work")),
    _p("long_hours_factor", 1.15, "x normal hours", 1.0, 2.0, "Field hours under coerced long hours",
       "Effective field labour under coerced long hours (lever long_hours), as a multiple of normal days' "
       "labour.", "labour", UNCERTAINTY, "7.2",
       source=_A + "some three more hours on a long working day, not all of them useful work; no record "
              "of the hours",
       prior=uniform(1.0, 1.35, "from no more useful work (exhausted, at night) to a third more")),
    _p("mobilisation_base", 0.7, "x campaign share", 0.0, 2.0, "Campaign drive of an unambitious cadre",
       "A cadre sends (mobilisation_base + mobilisation_per_ambition x ambition) times the campaign's share "
       "of his able people to the furnaces and the works (Cadre.mobilisation).", "labour", UNCERTAINTY, "7.2",
       source=_A + "zealous cadres sent more people to the furnaces and dams (Yang Jisheng 2012); the "
              "spread between cadres is not measured",
       prior=uniform(0.4, 1.0, "the least ambitious cadre sends from under half to all of the campaign's share")),
    _p("mobilisation_per_ambition", 0.6, "x campaign share per unit ambition", 0.0, 2.0,
       "Campaign drive added by ambition", "What a cadre's ambition (0-1) adds to his campaign drive.",
       "labour", UNCERTAINTY, "7.2",
       source=_A + "zealous cadres sent more people to the furnaces and dams (Yang Jisheng 2012); the "
              "spread between cadres is not measured",
       prior=uniform(0.0, 1.0, "from no effect of ambition to the most ambitious sending twice the least's")),
    _p("forage_hungry", 0.03, "probability per month", 0.0, 1.0, "Foraging of the hungry",
       "Chance a hungry field worker forages instead of working the fields (never when fed).",
       "labour", UNCERTAINTY, "7.2",
       source=_A + "foraging grew with hunger (Becker 1996; Dikötter 2010); no count of foragers exists",
       prior=uniform(0.0, 0.1, "from none to one hungry worker in ten")),
    _p("forage_starving", 0.3, "probability per month", 0.0, 1.0, "Foraging of the starving",
       "Chance a starving field worker forages instead of working the fields.", "labour", UNCERTAINTY, "7.2",
       source=_A + "foraging grew with hunger (Becker 1996; Dikötter 2010); no count of foragers exists",
       prior=uniform(0.1, 0.6, "from one starving worker in ten to more than half")),
    _p("abolish_private_plots", True, "switch", None, None, "Communes abolish private plots",
       "While the communes last (autumn 1958 to the reforms) private plots and sidelines are taken into "
       "the collective: less side food and less field effort.", "labour", LEVER, "7.2"),
    _p("effort_loss_private_plots", 0.06, "share", 0.0, 0.5, "Effort lost with private plots",
       "Fall in field effort once private plots and sidelines are abolished.", "labour", UNCERTAINTY, "7.2",
       source=_A + "incentive loss when plots and sidelines were abolished (Lin 1990 "
              "argues the incentive channel, not its size)",
       prior=uniform(0.0, 0.15, "from none to a seventh of effort")),
    _p("exit_right_kept", False, "switch", None, None, "Exit right kept",
       "Peasants keep the right to leave the collective (Lin 1990): no effort loss from its removal.",
       "labour", LEVER, "7.2"),
    _p("effort_loss_exit", 0.10, "share", 0.0, 0.5, "Effort lost with the exit right",
       "Fall in field effort when leaving the collective becomes impossible (autumn 1958).",
       "labour", UNCERTAINTY, "7.2",
       source="Lin 1990 (JPE 98): losing the right to exit removed the discipline of the "
              "collective; the size is an assumption",
       prior=uniform(0.0, 0.25, "from none to a quarter of effort")),

    # ---- 7.3 reporting cascade --------------------------------------------------------------
    _p("honest_reporting", False, "switch", None, None, "Cadres report honestly",
       "Cadres and officials report the true harvest (no markup at any level).", "reporting", LEVER, "7.3"),
    _p("markup_career", 0.25, "markup per unit ambition", 0.0, 2.0, "Markup from career stake",
       "Markup a cadre adds per unit of ambition (career stake).", "reporting", UNCERTAINTY, "7.3",
       source=_A + "career incentives of cadres (Kung & Chen 2011) made markups grow with ambition",
       prior=uniform(0.0, 0.6, "up to a 60% markup for the most ambitious cadre")),
    _p("markup_target", 0.34, "markup per log target gap", 0.0, 2.0, "Markup from the superior's target",
       "Markup added per unit of log(target / true harvest) when the target exceeds the harvest.",
       "reporting", UNCERTAINTY, "7.3",
       source=_A + "reports followed the targets handed down (Yang Jisheng 2012, Xinyang)",
       prior=uniform(0.0, 0.8, "from ignoring the target to closing most of its gap")),
    _p("markup_penalty", 0.5, "markup per purge probability", 0.0, 5.0, "Markup from fear of purge",
       "Markup added per unit of the purge probability a low reporter faces, times risk aversion.",
       "reporting", UNCERTAINTY, "7.3",
       source=_A + "fear of being labelled a right-opportunist raised reports (Dikötter 2010)",
       prior=uniform(0.0, 1.5, "from no fear to a 150% markup under certain purge")),
    _p("markup_emulation", 0.3, "markup per peer markup", 0.0, 0.9, "Markup from emulation contests",
       "Share of neighbouring communes' last markup a cadre matches ('launching satellites').",
       "reporting", UNCERTAINTY, "7.3",
       source=_A + "emulation contests and 'launching satellites' (Yang Jisheng 2012)",
       prior=uniform(0.0, 0.6, "from none to matching most of the neighbours' markup")),
    _p("markup_cap", 1.5, "markup", 0.0, 10.0, "Largest credible cadre markup",
       "A cadre's markup never exceeds this (report at most (1 + cap) times the truth).",
       "reporting", UNCERTAINTY, "7.3",
       source="the most extreme 1958 'satellites' claimed yields many times the truth, but county "
              "totals stayed within about 2-3 times (Yang Jisheng 2012)",
       prior=uniform(0.8, 3.0, "a cadre reports at most 1.8 to 4 times the truth")),
    _p("official_markup", 0.216, "markup per unit stake", 0.0, 2.0, "Officials' own markup",
       "Markup an official adds to the sum of cadre reports, per unit of career stake.",
       "reporting", UNCERTAINTY, "7.3",
       source=_A + "officials added their own inflation to the sum of reports (Fan, Xiong & Zhou "
              "2016)",
       prior=uniform(0.1, 0.8, "from little to most of a cadre's own markup again")),
    _p("markup_persistence", 0.152, "share per harvest", 0.0, 1.0, "Markups kept after the retreat",
       "After the retreat, the share of his last markup a cadre (and an official) keeps at each harvest.",
       "reporting", UNCERTAINTY, "7.3",
       source="assumption: claims stayed inflated into 1960-61 (the 1959 claim of 270 Mt against about "
              "170 Mt; Yang Jisheng 2012) although the pressure was off",
       prior=uniform(0.0, 0.9, "honest at once to a slow fade")),
    _p("famine_visibility", 21.0, "per death rate", 0.0, 200.0, "Visibility of famine in reports",
       "How fast markups shrink as starvation deaths mount (per annual starvation death rate).",
       "reporting", UNCERTAINTY, "7.3",
       source=_A + "reports shrank once deaths could not be hidden (the 1959 claim, 275 Mt, was "
              "smaller than 1958's)",
       prior=uniform(5.0, 60.0, "from hardly visible to halving markups at 1-2% starvation deaths")),

    # ---- 7.12 provinces and their leaders (provinces.py) -----------------------------------
    _p("moderate_leaders", False, "switch", None, None, "Moderate provincial leaders",
       "Every province is led by the moderate type (zeal 0.1, not an alternate member).",
       "provinces", LEVER, "7.12"),
    # what the provinces are, apart from their leaders: land, weather and towns
    _p("province_fertility_sd", 0.2, "log-sd", 0.0, 0.6, "Spread of grain per head between provinces",
       "Each province's normal grain output per head is the national one times exp(N(0, this)), "
       "rescaled so that the provinces' mean (weighted by communes) stays 1; each commune keeps its own "
       "spread around its province (0: provinces alike in land).", "provinces", UNCERTAINTY, "7.12",
       source=_A + "grain per head differed about twofold between provinces in 1957, from the north-west "
              "and the south-west to the north-east and the Yangtze rice provinces (Ash 2006, China "
              "Quarterly 188, provincial tables; recalled, not verified here), a log-sd near 0.2; the "
              "model's provinces are abstract, so the spread is a prior, never fitted to provinces",
       prior=uniform(0.05, 0.35, "from nearly alike to a threefold range between provinces")),
    _p("weather_province_share", 0.5, "share of variance", 0.0, 1.0, "Weather shared within a province",
       "Share of the regional weather spread (weather_regional_sd) that a whole province shares each "
       "year; the rest falls county by county (0: every county its own weather; 1: one weather per "
       "province).", "provinces", UNCERTAINTY, "7.12",
       source=_A + "droughts and floods covered provinces at a time (the North China Plain's drought of "
              "1959-60; the excessively wet provinces of Houser, Sands & Xiao); how the spread divides "
              "between provinces and counties is not measured",
       prior=uniform(0.0, 1.0, "from county weather only to one weather per province")),
    _p("province_urban_sd", 0.4, "log-sd", 0.0, 1.5, "Spread of urban shares between provinces",
       "Town households are placed in a province's counties in proportion to their villagers times "
       "exp(N(0, this)) (mean 1 over provinces): provinces differ in their share of town residents, "
       "which sets their part of the emergency levies for the towns when grain is not moved between "
       "provinces (ODD 7.9; 0: the same urban share everywhere).", "provinces", UNCERTAINTY, "7.12",
       source=_A + "urban shares in 1957 ranged from under a tenth (Anhui, Guizhou, Sichuan) to about a "
              "third (Liaoning) around the national 15% (SSB population statistics; recalled, not "
              "verified here), a log-sd near 0.4",
       prior=uniform(0.1, 0.7, "from nearly alike to a fourfold range between provinces")),
    _p("leader_alternate_share", 0.35, "share", 0.0, 1.0, "Leaders hoping for promotion",
       "Share of provincial leaders who are alternate members of the Central Committee.",
       "provinces", UNCERTAINTY, "7.12",
       source="Kung & Chen 2011 (APSR 105(1)): alternate members procured more; the share among first "
              "secretaries is an assumption",
       prior=uniform(0.1, 0.6, "a tenth to more than half of the leaders")),
    _p("purge_intensity_base", 0.5, "x national purge risk", 0.0, 2.0, "Purges of the least zealous province",
       "A province purges low reporters at (this + its leader's zeal) times the national purge risk "
       "(1 at the mean zeal, 0.5, with the default).", "provinces", UNCERTAINTY, "7.12",
       source=_A + "Henan, Anhui and Gansu purged far more after Lushan (Yang Jisheng 2012); the spread "
              "between provinces is not measured",
       prior=uniform(0.2, 1.0, "the most cautious leader purges a fifth to all of the national rate")),
    _p("provincial_markup", 0.2, "markup per unit zeal", 0.0, 2.0, "Provinces' own markup",
       "Markup a provincial leader adds to his counties' reports, per unit of zeal.",
       "provinces", UNCERTAINTY, "7.12",
       source="assumption: provinces added to the counties' claims (425 Mt summed from provincial reports "
              "against 375 Mt published; Yang Jisheng 2012)",
       prior=uniform(0.0, 0.5, "none to half again per unit zeal")),
    _p("peer_outbidding", 0.225, "share of the gap", 0.0, 1.0, "Peers outbid each other",
       "Share of the way an official (or provincial leader) raises his own markup towards what the other "
       "officials of his province (the other provinces) added at the last harvest, when his falls short.",
       "reporting", UNCERTAINTY, "7.3",
       source="assumption: counties and provinces competed in claims, each fearing criticism for a low one "
              "(Yang Jisheng 2012, Xinyang after Lushan; Fan, Xiong & Zhou 2016); how far they closed the "
              "gap is not recorded",
       prior=uniform(0.0, 1.0, "from no outbidding to matching the peers")),
    _p("provincial_quota_push", 0.00362, "share per unit stake", 0.0, 1.0, "Provinces' quota increment",
       "Extra quota a provincial leader adds to what he passes down, per unit of career stake.",
       "provinces", UNCERTAINTY, "7.12",
       source="assumption: each level added its increment to the procurement targets it passed down "
              "(Kung & Chen 2011; Meng, Qian & Yared 2015)",
       prior=uniform(0.0, 0.3, "none to 30% per unit stake")),

    _p("leader_hall_drive", 0.5, "share of households per unit zeal", 0.0, 2.0, "Halls driven by the leader",
       "A province's hall participation is hall_participation plus this times its leader's zeal above the "
       "mean (0.5): radical provinces put nearly everyone in the halls, cautious ones fewer (0: the same "
       "participation everywhere).", "provinces", UNCERTAINTY, "7.12",
       source="assumption: participation in the halls differed widely between provinces and was highest in "
              "the radical ones (Henan, Sichuan, Anhui near all households, Shandong and the north-east far "
              "fewer by the end of 1959: Yang Jisheng 2012, recalled, not verified here); the slope per unit "
              "zeal is not measured. The link between participation and deaths across communes (validation "
              "fact 15) is a check, not fitted",
       prior=uniform(0.0, 1.0, "from one participation everywhere to half the households between the most "
                               "and the least zealous leader")),
    _p("leader_campaign_drive", 1.0, "x per unit zeal", 0.0, 3.0, "Campaigns driven by the leader",
       "A province's cadres send (1 + this x its leader's zeal above the mean, 0.5) times their own share "
       "of the able to the furnaces and the water works (0: the leader adds nothing).",
       "provinces", UNCERTAINTY, "7.12",
       source="assumption: radical provinces mobilised more of their people for steel and water "
              "conservancy (Yang Jisheng 2012; Dikötter 2010); the size per unit zeal is not measured",
       prior=uniform(0.0, 2.0, "from the same mobilisation everywhere to none under the most cautious leader")),

    # ---- 7.4 careers and purges -------------------------------------------------------------
    _p("lushan_purge", True, "switch", None, None, "Lushan anti-rightist purge",
       "After the Lushan Conference (Aug 1959) low reporters are purged far more often.",
       "careers", LEVER, "7.4"),
    _p("purge_prob_before", 0.00454, "probability per harvest", 0.0, 1.0, "Purge risk of a low reporter, before Lushan",
       "Chance a criticised low reporter is purged at a harvest review before Lushan.",
       "careers", UNCERTAINTY, "7.4",
       source=_A + "the 1957-58 anti-rightist campaign already punished low reporters, more "
              "rarely than after Lushan",
       prior=uniform(0.0, 0.15, "at most about one criticised cadre in seven purged")),
    _p("purge_prob_after", 0.46, "probability per harvest", 0.0, 1.0, "Purge risk of a low reporter, after Lushan",
       "Chance a criticised low reporter is purged at a harvest review after Lushan.",
       "careers", UNCERTAINTY, "7.4",
       source="Dikötter 2010: about 3.6 M party members labelled or purged in 1959-60; the "
              "share of criticised rural cadres is an assumption",
       prior=uniform(0.2, 0.7, "from a fifth to most of the criticised cadres purged")),
    _p("criticised_share", 0.25, "share of cadres", 0.0, 1.0, "Share of cadres criticised",
       "Share of each official's cadres, lowest reports against target first, criticised at a review.",
       "careers", UNCERTAINTY, "7.4",
       source=_A + "campaigns set quotas of 'rightists' to find; about a tenth to a third",
       prior=uniform(0.1, 0.4, "a tenth to four tenths of an official's cadres")),
    _p("replacement_zeal", 0.3, "ambition", 0.0, 1.0, "Zeal of replacement cadres",
       "How much more ambitious (and less loyal to the village) a purged cadre's replacement is.",
       "careers", UNCERTAINTY, "7.4",
       source="Dikötter 2010: purges replaced lacklustre cadres with hard, unscrupulous "
              "elements; the size is an assumption",
       prior=uniform(0.0, 0.6, "from like-for-like to much more zealous replacements")),

    # ---- 7.5 quotas and procurement ----------------------------------------------------------
    _p("quota_rule", "inflexible", "rule", None, None, "Procurement quota rule",
       "inflexible: set in advance from reported and last year's output; flexible: a share of the true harvest.",
       "procurement", LEVER, "7.5", choices=("inflexible", "flexible")),
    _p("procurement_share", 0.29, "share", 0.0, 0.8, "Planned procurement share",
       "Share of the expected (reported) harvest the plan procures in a normal year.",
       "procurement", LEVER, "7.5"),
    _p("quota_progressivity", 0.21, "elasticity", 0.0, 2.0, "Progressivity of quotas",
       "How much larger a share is asked of communes with higher reported output per person.",
       "procurement", UNCERTAINTY, "7.5",
       source="Kung & Chen 2011 (APSR 105): procurement rose with reported output; the "
              "elasticity is an assumption",
       prior=uniform(0.0, 0.6, "from flat shares to clearly progressive quotas")),
    _p("quota_weight_current", 0.07, "weight", 0.0, 1.0, "Weight of the current report in quotas",
       "Weight on the current harvest's report (the rest on last year's) in the inflexible quota.",
       "procurement", UNCERTAINTY, "7.5",
       source="Bijie study (Chinese Journal of Sociology): quotas set on earlier bases; the "
              "weight of the current report is an assumption",
       prior=uniform(0.0, 0.5, "from last year's report alone to an even mix")),
    _p("official_quota_push", 0.15, "share per unit stake", 0.0, 1.0, "Officials' quota push",
       "Extra quota an official adds per unit of career stake, to signal loyalty (Kung & Chen 2011).",
       "procurement", UNCERTAINTY, "7.5",
       source="Kung & Chen 2011 (APSR 105): officials with career stakes procured more",
       prior=uniform(0.0, 0.3, "up to 30% more quota per unit of stake")),
    _p("retention_floor", 194.0, "kg/person/year", 0.0, 400.0, "Grain a cadre keeps back",
       "Grain per person a fully loyal cadre refuses to hand over; zealous cadres keep less.",
       "procurement", UNCERTAINTY, "7.5",
       source=_A + "the state counted as surplus what was left after seed, fodder and a basic ration of "
              "roughly 13-15 kg a person a month, 156-180 kg a year, while 23-26 kg of unhusked grain a "
              "month gave 1,700-1,900 kcal a day (Dikötter 2010, Mao's Great Famine, ch. 17 'Agriculture'); "
              "loyal cadres kept more",
       prior=uniform(180.0, 300.0, "from the official norm to a normal year's food and seed")),
    _p("anti_hiding_searches", True, "switch", None, None, "Anti-hiding searches",
       "A procurement shortfall triggers searches of households for hidden grain.",
       "procurement", LEVER, "7.5"),
    _p("search_seizure", 0.6, "share", 0.0, 1.0, "Hidden grain seized by a search",
       "Share of a searched household's hidden grain that is seized.", "procurement", UNCERTAINTY, "7.5",
       source=_A + "anti-hiding campaigns of 1959 (Yang Jisheng 2012) found much hidden grain",
       prior=uniform(0.2, 0.9, "a fifth to nearly all of a searched household's hoard")),
    _p("search_violence", 0.004, "deaths per person searched", 0.0, 0.05, "Deaths from search violence",
       "Probability that a person in a searched household is beaten to death.",
       "procurement", UNCERTAINTY, "7.5",
       source="Dikötter 2010: about 2.5 M of some 45 M famine deaths from beatings and "
              "torture; the rate per person searched is an assumption",
       prior=uniform(0.0, 0.01, "up to one person in a hundred searched killed")),
    # how much of the retention floor a cadre defends (agents.Cadre.retention_share), and how hard he searches
    _p("retention_base", 0.5, "share of the floor", 0.0, 1.0, "Floor defended by a disloyal cadre",
       "A cadre defends (retention_base + retention_per_loyalty x loyalty) of the retention floor, less "
       "what fear of purge takes (retention_fear).", "procurement", UNCERTAINTY, "7.5",
       source=_A + "loyal cadres defended their villages' rations (Dikötter 2010; Yang Jisheng 2012); "
              "how much is not recorded",
       prior=uniform(0.3, 0.7, "a cadre with no loyalty to the village defends a third to two thirds of it")),
    _p("retention_per_loyalty", 0.5, "share of the floor per unit loyalty", 0.0, 1.0,
       "Floor defended per unit of loyalty", "What a cadre's loyalty to the village (0-1) adds to the share "
       "of the retention floor he defends.", "procurement", UNCERTAINTY, "7.5",
       source=_A + "loyal cadres defended their villages' rations (Dikötter 2010; Yang Jisheng 2012); "
              "how much is not recorded",
       prior=uniform(0.2, 0.7, "the most loyal cadre defends about the floor, give or take a third")),
    _p("retention_fear", 1.5, "per unit purge risk x risk aversion", 0.0, 10.0, "Defence given up for fear",
       "The share of his defence a cadre gives up is this x the purge risk x his risk aversion (at most "
       "1 - retention_min).", "procurement", UNCERTAINTY, "7.5",
       source=_A + "fear of being branded a rightist made cadres hand over 'excess grain' the village "
              "needed (Dikötter 2010; Yang Jisheng 2012); the size is not recorded",
       prior=uniform(0.5, 4.0, "after Lushan (purge risk about a half) an averagely risk-averse cadre gives "
                               "up from a tenth to all the fear can take")),
    _p("retention_min", 0.2, "share", 0.0, 1.0, "Defence kept under any fear",
       "However afraid, a cadre keeps at least this share of his defence of the retention floor.",
       "procurement", UNCERTAINTY, "7.5",
       source=_A + "even the most frightened cadre kept back something for the village; not recorded",
       prior=uniform(0.0, 0.5, "from nothing to half of his defence")),
    _p("search_zeal_base", 0.5, "x shortfall", 0.0, 2.0, "Search zeal of an unambitious cadre",
       "A cadre searches households with intensity (this + his ambition) x the quota's unpaid share "
       "(x the fear of purge, search_fear).", "procurement", UNCERTAINTY, "7.5",
       source=_A + "every cadre searches when a quota is unpaid, the ambitious harder (Yang Jisheng 2012)",
       prior=uniform(0.2, 1.0, "the least ambitious cadre searches a fifth to fully as hard as the shortfall")),
    _p("search_fear", 2.0, "per unit purge risk", 0.0, 10.0, "Searches intensified by fear",
       "Anti-hiding searches are 1 + this x the purge risk times as intense.", "procurement", UNCERTAINTY, "7.5",
       source=_A + "searches redoubled after Lushan (Yang Jisheng 2012; Becker 1996); the size is not "
              "recorded",
       prior=uniform(0.5, 4.0, "after Lushan (purge risk about a half) searches a quarter more to three "
                               "times as intense")),
    _p("summer_relief", 0.6, "share", 0.0, 1.0, "Procurement of the summer crop",
       "The summer harvest's quota is this times the share the plan asks of the autumn's: the summer crop "
       "feeds the lean months.", "procurement", UNCERTAINTY, "7.5",
       source=_A + "most procurement came from the autumn harvest; no seasonal split was found",
       prior=uniform(0.3, 1.0, "from a third of the autumn's share to the same")),
    _p("max_quota_rate", 0.8, "share of the expected harvest", 0.3, 1.0, "Largest quota rate",
       "No commune is asked for more than this share of its expected harvest, whatever the pushes.",
       "procurement", UNCERTAINTY, "7.5",
       source=_A + "a ceiling above any recorded provincial share (30-37% nationally in 1959-61, Dikötter "
              "2010); no commune-level ceiling is recorded",
       prior=uniform(0.5, 0.95, "from half to nearly all of a commune's expected harvest")),
    _p("equalise_retention", False, "switch", None, None, "Equalise retention across communes",
       "Counterfactual: after procurement, retained grain is pooled and shared equally per person.",
       "procurement", LEVER, "7.5"),

    # ---- 7.6 dining halls -------------------------------------------------------------------
    _p("dining_halls", True, "switch", None, None, "Communal dining halls",
       "Halls open in October 1958, free eating first, cadre rations after, closed in 1961.",
       "dining", LEVER, "7.6"),
    _p("hall_participation", 0.85, "share of households", 0.0, 1.0, "Hall participation",
       "Mean share of a commune's households that eat in the hall (varies by commune).",
       "dining", UNCERTAINTY, "7.6",
       source="about 90% of rural people ate in the halls by end-1958 (Yang Jisheng 2012; "
              "Chang & Wen 1997)",
       prior=uniform(0.6, 1.0, "from most to all households")),
    _p("free_eating", 1.64, "x need", 1.0, 3.0, "Free-eating consumption",
       "Grain eaten and wasted in the free phase, as a multiple of need.", "dining", UNCERTAINTY, "7.6",
       source="Chang & Wen 1997 (EDCC 46): waste and overeating in the free-supply months of late "
              "1958; the size is an assumption",
       prior=uniform(1.1, 2.2, "from a little over need to more than twice need")),
    _p("hall_waste", 0.08, "share", 0.0, 0.5, "Hall waste and pilfering",
       "Share of grain lost in the hall kitchens outside the free phase.", "dining", UNCERTAINTY, "7.6",
       source=_A + "kitchens lost grain to waste and cadres' pilfering (Dikötter 2010)",
       prior=uniform(0.0, 0.2, "up to a fifth of the hall's grain")),
    _p("overeating", 1.2, "x need", 1.0, 3.0, "Eaten at the free tables",
       "What a free hall's diners eat, as a multiple of need; the rest of free_eating is wasted.",
       "dining", UNCERTAINTY, "7.6",
       source=_A + "the free tables of late 1958 ('eat with your bellies open', Yang Jisheng 2012) served "
              "far more than need; how much of it was eaten, not wasted, is not recorded",
       prior=uniform(1.0, 1.5, "from need to half again as much: more is thrown away, not eaten")),
    _p("catch_up", 1.15, "x need", 1.0, 2.0, "Catch-up eating",
       "With grain enough, households (and the rationed hall) serve this multiple of what is still "
       "needed, so the thin regain weight; it also sets how fast a plentiful store is eaten.",
       "dining", UNCERTAINTY, "7.6",
       source=_A + "catch-up eating after a shortfall; its size is not recorded",
       prior=uniform(1.0, 1.3, "from need alone to the cap on one person's intake (max_intake_ratio)")),
    _p("max_intake_ratio", 1.3, "x need", 1.0, 3.0, "Most one person eats",
       "Members share their household's food in proportion to need; nobody eats beyond this multiple "
       "of his need.", "dining", UNCERTAINTY, "7.6",
       source=_A + "a cap on what one person eats from a plentiful household pot; refed starving men "
              "ate well above their maintenance for months (Keys et al. 1950, recalled, not verified "
              "in this session)",
       prior=uniform(1.1, 1.8, "from a little over need to the appetite of refeeding")),
    _p("ladle_bias", 0.3, "share", 0.0, 1.0, "Ration cut for non-workers",
       "Share by which the hall cuts the portion of those who earn no work points (children, the old, "
       "the sick); workers are served by their able weight (0: equal shares).", "dining", UNCERTAINTY, "7.6",
       source="assumption: food withheld from those who did not work was the cadres' instrument (Dikötter "
              "2010); its size is not recorded",
       prior=uniform(0.0, 0.6, "from equal shares to a ladle that takes more than half of a child's or an "
                               "old person's portion")),
    _p("home_priority", 0.349, "share", 0.0, 1.0, "Workers first at home",
       "When the household pot falls short, how much of a dependant's share of the shortfall a full "
       "worker is spared: his shortfall is (1 - this) times a dependant's (0: equal shares).",
       "dining", UNCERTAINTY, "7.6",
       source="Pitt, Rosenzweig & Hassan 1990 (AER 80(5)): households give more food to members whose work "
              "earns it; its strength in a famine is an assumption",
       prior=beta(2.0, 2.0, 0.0, 1.0, "centred on half; from equal shares to workers fed before anyone "
                                      "else")),

    # ---- 7.7 coping -------------------------------------------------------------------------
    _p("non_grain_kcal", 353.0, "kcal/day", 0.0, 1000.0, "Food from private plots and sidelines",
       "Daily energy from vegetables, private plots and sidelines while these are allowed.",
       "coping", UNCERTAINTY, "7.7",
       source="Piazza 1986 (Food Consumption and Nutritional Status in the PRC): food outside "
              "grain (tubers counted as grain) gave about 200-300 kcal a day",
       prior=uniform(100.0, 450.0, "from a third of to half again Piazza's range")),
    _p("forage_kcal", 400.0, "kcal/day", 0.0, 1500.0, "Energy from a day of foraging",
       "Energy a forager gathers per day (bark, wild greens), before depletion.", "coping", UNCERTAINTY, "7.7",
       source=_A + "wild plants, bark and husks give little energy per day of search",
       prior=uniform(100.0, 600.0, "from a handful of greens to a good day's roots")),
    _p("green_crop_eating", True, "switch", None, None, "Eating green crops",
       "Hungry households eat the standing crop before it ripens.", "coping", LEVER, "7.7"),
    _p("green_crop_loss", 1.05, "kg lost per kg eaten", 1.0, 5.0, "Harvest lost per kg eaten green",
       "Ripe grain lost for each kilogram of standing crop eaten green.", "coping", UNCERTAINTY, "7.7",
       source=_A + "grain eaten unripe yields less than the ripe grain it replaces",
       prior=uniform(1.0, 3.0, "from no loss to three kilograms of ripe grain per kilogram eaten")),
    _p("concealment", 0.107, "share of harvest", 0.0, 0.3, "Grain concealed at harvest",
       "Share of the harvest a loyal team hides and divides privately.", "coping", UNCERTAINTY, "7.7",
       source="Yang Jisheng 2012 and the 1959 anti-hiding campaigns: teams hid grain; its size is an "
              "assumption",
       prior=uniform(0.0, 0.12, "up to an eighth of the harvest")),
    _p("registration_enforcement", 0.85, "probability", 0.0, 1.0, "Household registration enforcement",
       "Chance a flight attempt is stopped by the militia once registration is enforced (1959-).",
       "coping", LEVER, "7.7"),
    _p("flight_propensity", 0.04, "per month", 0.0, 0.5, "Flight attempts by the starving",
       "Monthly chance a starving household tries to flee.", "coping", UNCERTAINTY, "7.7",
       source="stylized_facts: millions fled in 1959-60 despite registration; the monthly "
              "attempt rate is an assumption",
       prior=uniform(0.0, 0.15, "up to one starving household in seven a month")),
    _p("collective_plots_share", 0.6, "share", 0.0, 1.0, "Side food left under the communes",
       "While private plots are abolished, the collective vegetable plots give this share of the food "
       "the private plots and sidelines gave (non_grain_kcal).", "coping", UNCERTAINTY, "7.7",
       source=_A + "private plots and sidelines were abolished in 1958 and collective plots kept; no figure "
              "for what the collective plots gave was found",
       prior=uniform(0.2, 0.9, "from a fifth to most of what the private plots gave")),
    _p("forage_depletion", 3.0, "per share foraging", 0.0, 20.0, "Depletion of wild foods",
       "A forager's take is forage_kcal / (1 + this x the share of the commune foraging).",
       "coping", UNCERTAINTY, "7.7",
       source=_A + "wild foods, bark and grass seed ran out where many foraged (Dikötter 2010; Becker "
              "1996); the rate of depletion is not recorded",
       prior=uniform(0.5, 8.0, "with everyone foraging, from a third to nine tenths of the take gone")),
    _p("green_efficiency", 0.7, "share", 0.1, 1.0, "Food in unripe grain",
       "Food a kg of unripe grain gives, as a share of a kg of ripe grain.", "coping", UNCERTAINTY, "7.7",
       source=_A + "unfilled grain, stripped by hand and eaten before drying; no measurement found",
       prior=uniform(0.4, 0.9, "from under half to most of a ripe kilogram's food")),
    _p("green_max_share", 0.04, "share of the standing crop per month", 0.0, 0.5, "Crop eaten green at most",
       "Share of its standing crop (in ripe grain lost) a commune can eat green in a month.",
       "coping", UNCERTAINTY, "7.7",
       source=_A + "the CC directive of 7 Sep 1960 calls eating unripe crops 'very serious' in six provinces "
              "but gives no quantity; a cap keeps a hungry village from stripping its fields in weeks",
       prior=uniform(0.01, 0.1, "from a trickle to a tenth of the standing crop a month")),
    _p("green_hunger", 0.2, "share of need", 0.0, 1.0, "Hunger before fields and seed are eaten",
       "Only a grain shortfall beyond this share of need drives a household to eat the standing crop "
       "green or the commune's seed (capital.py).", "coping", UNCERTAINTY, "7.7",
       source=_A + "not recorded; green crops and seed were eaten in real hunger (CC directive, 7 Sep "
              "1960; Dikötter 2010)",
       prior=uniform(0.05, 0.4, "from a small to a deep shortfall before the fields and the seed are touched")),
    _p("kin_reserve_months", 4.0, "months of need", 0.0, 12.0, "Stores kept before giving to kin",
       "A household gives to hungry kin only out of its store beyond this many months of its need.",
       "coping", UNCERTAINTY, "7.7",
       source=_A + "clans protected their members (Cao, Xu & Zhang 2022) but how much was given is not "
              "recorded; a household gives only out of what would carry it past the next harvest",
       prior=uniform(2.0, 6.0, "from two months to half a year kept back")),
    _p("stopped_before_registration", 0.1, "probability", 0.0, 1.0, "Flight stopped before registration",
       "Chance the militia stops a fleeing household before household registration is enforced (1959; "
       "after it, registration_enforcement).", "coping", UNCERTAINTY, "7.7",
       source=_A + "flight to the cities was largely free in 1958 (more than 15 M left; Dikötter 2010)",
       prior=uniform(0.0, 0.3, "from none to three in ten stopped")),
    _p("kin_transfers", 0.25, "share of surplus", 0.0, 1.0, "Kin transfers",
       "Share of a household's surplus sent each month to hungry kin.", "coping", UNCERTAINTY, "7.7",
       source=_A + "kin networks helped in bad years; little could move across collectives in "
              "1959-61",
       prior=uniform(0.0, 0.5, "up to half of a household's surplus")),

    # ---- 7.8 physiology and demography ------------------------------------------------------
    _p("kcal_per_kg", 2720.0, "kcal/kg", 1500.0, 3500.0, "Energy per kg of unhusked grain",
       "0.72 milling extraction x 3,500 kcal/kg of milled cereal.", "physiology", UNCERTAINTY, "7.8",
       source="milling extraction 0.70-0.75 and about 3,400-3,600 kcal/kg of milled cereal (food "
              "composition tables, as in mechanisms.md)",
       prior=uniform(2300.0, 2750.0, "0.66-0.76 extraction at 3,500 kcal/kg")),
    _p("bmi_limit_male", 12.0, "kg/m2", 10.0, 16.0, "Survival limit of BMI, men",
       "BMI at which a man's monthly death risk from starvation is one half (boys: the sexes' mean "
       "limit before puberty, as a share of the age's median BMI).", "physiology", UNCERTAINTY, "7.8",
       source="Henry 2001 (review of deaths from starvation, famine and anorexia; summarised by ENN Field "
              "Exchange 15, https://ennonline.net/fex/15/limits): men die at a BMI of about 13, CV 8.7%. The "
              "fitted 14.2 lay outside 13 +/- one CV, so the default was set back to 13 (issue 12)",
       prior=uniform(11.9, 14.1, "Henry 2001's 13 +/- one coefficient of variation (8.7%)")),
    _p("bmi_limit_female", 10.6, "kg/m2", 9.0, 15.0, "Survival limit of BMI, women",
       "BMI at which a woman's monthly death risk from starvation is one half (girls: the sexes' mean "
       "limit before puberty, as a share of the age's median BMI).", "physiology", UNCERTAINTY, "7.8",
       source="Henry 2001 (summarised by ENN Field Exchange 15, https://ennonline.net/fex/15/limits): women "
              "survive to a BMI of about 11, CV 14%, thanks to their larger fat stores",
       prior=uniform(9.5, 12.5, "Henry 2001's 11 +/- one coefficient of variation (14%)")),
    _p("baseline_mortality", 0.826, "x standard schedule", 0.2, 3.0, "Baseline mortality",
       "Multiplier on the age schedule of deaths from causes other than hunger.",
       "physiology", UNCERTAINTY, "7.8",
       source="Banister 1987: adjusted 1957 death rate about 18 per 1000 against 10.8 "
              "registered; the multiplier maps the schedule onto it",
       prior=uniform(0.8, 1.8, "from below to well above the schedule's level")),
    _p("wasting_hazard_ratio", 11.63, "hazard ratio", 2.0, 40.0, "Hazard ratio of severe wasting",
       "Other-cause death hazard of a body at -3.5 SD of wasting (BMI-for-age z under 19, (BMI-21)/2.5 for "
       "adults) against one above -1 SD; log-linear in between.", "physiology", UNCERTAINTY, "7.8",
       source="Olofin et al. 2013 (PLoS One 8:e64636): pooled all-cause hazard ratio of severe wasting in "
              "children under five, 11.63 (95% CI 9.84-13.76); the same curve for older children and adults "
              "is an assumption",
       prior=lognormal(11.63, 0.25, 4.0, 30.0, "the pooled estimate, widened beyond its CI for ages the "
                                               "cohorts did not cover")),
    _p("starvation_spread", 0.5, "kg/m2", 0.1, 2.0, "Spread of deaths around the survival limit",
       "The monthly chance of dying of inanition is 1 / (1 + exp(distance above the survival limit / this)): "
       "one half at the limit, falling off over this many BMI units for an adult (the same share of the "
       "age's median BMI for a child).", "physiology", UNCERTAINTY, "7.8",
       source=_A + "bodies die around, not at, the limit: Henry 2001 (ENN Field Exchange 15) gives the "
              "limit's spread between people, a CV of 8.7% for men (about 1.1 BMI units); the default "
              "0.5, a logistic sd of 0.9 units, is the value used since before issue 12",
       prior=uniform(0.25, 1.0, "a logistic sd of 0.45 to 1.8 BMI units, around Henry 2001's spread of the "
                                "limit")),
    _p("famine_epidemic", 1.0, "x share starving", 0.0, 5.0, "Famine epidemics",
       "Other-cause deaths in a commune (or town) rise by this times the share of its people starving "
       "or worse last month (typhus, relapsing fever, dysentery spread among the starving).",
       "physiology", UNCERTAINTY, "7.8",
       source="Mokyr & Ó Gráda 2002 (Explorations in Economic History 39): most famine deaths came from "
              "infectious disease that spread with the starving; the strength is an assumption",
       prior=uniform(0.0, 4.0, "from no contagion to deaths of every cause quadrupled where all starve")),
    _p("elderly_reserve", 1.5, "kg/m2", 0.0, 3.0, "Smaller reserves of the old",
       "BMI units by which the survival limit is higher at 60 and over.", "physiology", UNCERTAINTY, "7.8",
       source="assumption (the rule before issue 12): older adults carry less lean tissue at the same BMI "
              "(Janssen et al. 2000, J Appl Physiol 89:81, muscle mass falls from the fifth decade)",
       prior=uniform(0.0, 3.0, "no difference up to three BMI units")),
    _p("child_play_cut", 0.917, "share", 0.0, 1.0, "Children first play less",
       "Share of a hungry child's activity above a light day (BMR x (PAL - 1.45)) it gives up before its "
       "growth or tissue pays for a deficit (0: off).", "physiology", UNCERTAINTY, "7.8",
       source="Torun 1990 (in Schurch & Scrimshaw eds, Activity, energy expenditure and energy requirements of "
              "infants and children, IDECG/UNU, archive.unu.edu/unupress/food2/UID09E/uid09e16.htm): low or "
              "restricted intakes cut children's activity within days, keeping energy balance and growth; how much "
              "of the play above a light day goes is an assumption",
       prior=uniform(0.5, 1.0, "from half of the play above a light day to all of it")),
    _p("urban_mortality", 0.77, "x rural schedule", 0.4, 1.2, "Town mortality",
       "Multiplier on the age schedule of other-cause deaths in the towns (better water, doctors).",
       "physiology", UNCERTAINTY, "7.8",
       source="registered death rates of 1958, cities 9.22 and the countryside 12.50 per 1000 (Xin Yi & Ge "
              "Ling 2008, Zhonggong dangshi yanjiu no. 3, at http://w.hybsl.cn/article/13/54763), a ratio of "
              "0.74; Lardy 1987 (Cambridge History of China vol. 14, ch. 8 'The Chinese economy under stress, "
              "1958-1965', read in a copy at https://blog.wenxuecity.com/myblog/59360/201205/11349.html) gives "
              "'county' death rates (villages and small towns) 30 to 60 percent above municipal ones in normal "
              "years, a town/country ratio of 0.63-0.77: the default 0.77 is at the top of that range, inside "
              "the prior (crude rates, not standardised for age); the 1957 rates, cities 8.47 and counties "
              "11.07 (SSB yearbooks), are recalled, not verified",
       prior=uniform(0.5, 1.0, "towns no worse than the villages, at most twice as healthy")),
    _p("fertility", 1.0, "x standard schedule", 0.0, 2.0, "Fertility",
       "Multiplier on the age schedule of births to well-fed women.", "physiology", UNCERTAINTY, "7.8",
       source="Coale 1984 and Ashton et al. 1984: total fertility about 6 in 1957; the multiplier maps "
              "the schedule onto it",
       prior=uniform(0.8, 1.2, "a fifth either side of the schedule")),
    _p("amenorrhoea_bmi", 18.0, "kg/m2", 0.0, 21.0, "Famine amenorrhoea limit",
       "Below this BMI a woman does not ovulate (cycles return in full 1.5 units above it; 0 switches "
       "famine amenorrhoea off).", "physiology", UNCERTAINTY, "7.8",
       source="Frisch & McArthur 1974 (Science 185:949): cycles stop with a loss of 10-15% of normal weight "
              "for height, about BMI 18-19 from 21",
       prior=uniform(16.5, 19.5, "a loss of 7-21% of a BMI of 21")),
    _p("conception_postponement", 0.5, "share", 0.0, 1.0, "Conceptions postponed under hunger",
       "Share of conceptions avoided by a woman eating half her need or less (less for smaller "
       "shortfalls): spouses apart, loss of libido, deliberate delay.", "physiology", UNCERTAINTY, "7.8",
       source="Bongaarts 1980 (Science 208:564): famine cuts births through amenorrhoea, reduced coitus and "
              "spousal separation; the size of the behavioural part is an assumption",
       prior=uniform(0.0, 1.0, "nothing to every conception")),
    _p("breastfeeding_months", 18.0, "months", 6.0, 36.0, "Breastfeeding",
       "Months a mother breastfeeds; it keeps her infecund after a birth for 1.753 exp(0.1396 B - 0.001872 "
       "B^2) months (12 for B = 18).", "physiology", UNCERTAINTY, "7.8",
       source="Bongaarts & Potter 1983 (Fertility, Biology and Behavior) for the infecund months; the "
              "duration in rural China is an assumption",
       prior=uniform(12.0, 30.0, "a year to two and a half")),
    _p("breastfeeding", True, "switch", None, None, "Infants at the breast",
       "Infants under the exclusive breastfeeding age live on the milk of their household's nursing "
       "women, who need 505 kcal/day more per infant fed; off, infants eat from the household pot like "
       "anyone and their mothers need no more.", "physiology", LEVER, "7.8",
       source="FAO/WHO/UNU 2004 (Human energy requirements, ch. 7): 505 kcal/day for a well-nourished "
              "woman in the first six months; Prentice 1994 (Eur J Clin Nutr 48 suppl. 3: lactation is "
              "protected until maternal malnutrition is severe)"),
    _p("exclusive_breastfeeding_months", 6.0, "months", 0.0, 12.0, "Months at the breast only",
       "Infants younger than this live on their mother's milk alone (rounded up to whole months; at most "
       "the post-partum infecundity plus one).", "physiology", UNCERTAINTY, "7.8",
       source=_A + "the WHO recommends six months; in the rural China of the 1950s breastfeeding lasted long "
              "(breastfeeding_months) but when gruel began is not recorded here",
       prior=uniform(3.0, 8.0, "from rice gruel at three months to milk alone for two-thirds of a year")),
    _p("lactation_protected_bmi", 17.0, "kg/m2", 11.0, 21.0, "Milk protected down to BMI",
       "Above this BMI a nursing woman's milk supply is full; below it the supply falls linearly to "
       "nothing at her survival limit (bmi_limit_female).", "physiology", UNCERTAINTY, "7.8",
       source="Prentice 1994 (Body mass index and lactation performance, Eur J Clin Nutr 48 suppl. 3, read "
              "at archive.unu.edu/unupress/food2/UID10E/uid10e0m.htm): poorly nourished mothers keep their "
              "milk output (Prentice et al. 1983, Hum Nutr Clin Nutr 37:53: Gambian mothers fed 2,291 instead "
              "of 1,568 kcal/day made no more milk); in its discussion Kusin: only below a BMI of 17 is there "
              "a quantifiable effect. The linear fall to the survival limit is an assumption",
       prior=uniform(16.0, 18.5, "from WHO's severe thinness (16) to the normal range's floor (18.5)")),
    _p("birth_weight_shortfall", 0.15, "share per shortfall", 0.0, 0.5, "Birth weight lost to hunger",
       "Share of birth weight lost per unit of the mother's intake shortfall (1 - intake/need) in her "
       "last month of pregnancy.", "physiology", UNCERTAINTY, "7.8",
       source="Dutch hunger winter: only late-pregnancy exposure lowered birth size (Stein et al. 2004, IJE "
              "33:831); rations of 400-800 kcal cut birth weight by about 9% (Stein & Susser 1975, as "
              "summarised), i.e. 0.15 per unit of a 0.6 shortfall",
       prior=uniform(0.05, 0.3, "a third to twice the Dutch estimate")),
    _p("death_registration", 0.503, "share", 0.3, 1.0, "Deaths registered",
       "Share of deaths entered in the registers in normal times (Banister: about 60% in the 1950s).",
       "registration", UNCERTAINTY, "7.8",
       source="Banister 1984 (PDR 10(2)) and 1987: under-registration of deaths about 34-46% "
              "in 1953-60, i.e. 54-66% registered",
       prior=uniform(0.5, 0.8, "Banister's range, widened towards better registration")),
    _p("death_concealment", 1.0, "per purge risk", 0.0, 5.0, "Famine deaths concealed",
       "Share of his commune's starvation deaths a cadre of average risk aversion conceals, per unit of "
       "the purge risk a low reporter faces (at most all).", "registration", UNCERTAINTY, "7.8",
       source="assumption: cadres hid famine deaths that would brand them rightists (Yang Jisheng 2012; "
              "Dikötter 2010); registered deaths rose again in 1961-62 as registers were corrected "
              "(Banister 1987); the strength is not recorded",
       prior=uniform(0.0, 2.0, "nothing concealed to all of them at the post-Lushan purge risk")),
    _p("death_backlog_release", 0.1, "share per month", 0.0, 1.0, "Concealed deaths registered later",
       "Once the purge risk has lifted, share of the concealed deaths cadres register each month.",
       "registration", UNCERTAINTY, "7.8",
       source="assumption: the registers were corrected over 1961-64 (Banister 1987; the 1964 census)",
       prior=uniform(0.02, 0.5, "corrected within a few months to within about four years")),

    # ---- 7.9 the state ----------------------------------------------------------------------
    _p("urban_share", 0.153, "share of population", 0.0, 0.5, "Urban share at the start",
       "Town residents with a state ration, as a share of everyone (99 M of 646 M in 1957).",
       "state", SETUP, "7.9"),
    _p("urban_ration", 430.0, "kg/person/year", 100.0, 600.0, "Urban grain demand",
       "Grain the state supplies per town resident per year (food, industry, army).", "state", LEVER, "7.9"),
    _p("town_other_food", 0.114, "share of need", 0.0, 1.0, "Town food outside the grain ration",
       "Share of a town resident's full-ration energy that comes from food the grain ration does not "
       "cover and the centre does not cut (vegetables, oil, meat, free markets, odd jobs).",
       "towns", UNCERTAINTY, "7.10",
       source="assumption: grain was most but not all of urban diets; no source for the 1950s share here",
       prior=uniform(0.1, 0.5, "a tenth to a half of the energy of a full urban diet")),
    _p("exports", True, "switch", None, None, "Grain exports",
       "The state exports grain as it did (2.7 Mt 1958, 4.2 Mt 1959, about 2.7 Mt 1960).", "state", LEVER, "7.9"),
    _p("accept_aid", False, "switch", None, None, "Accept aid early",
       "The state buys and accepts grain from abroad from late 1959 instead of 1961.", "state", LEVER, "7.9"),
    _p("central_stock_months", 6.44, "months of urban demand", 0.0, 24.0, "Central stocks at the start",
       "State granary stocks in January 1957, in months of urban demand.", "state", UNCERTAINTY, "7.9",
       source="Li Xiannian, April 1959: state stocks could not be held above 36 billion jin "
              "(18 Mt), about five months of urban demand",
       prior=uniform(4.0, 10.0, "from four to ten months of urban demand")),
    _p("retreat_rule", "endogenous", "rule", None, None, "Retreat trigger",
       "endogenous: the centre decides (evidence of failure against the political cost); calendar: on the "
       "historical date; never.",
       "state", LEVER, "7.9", choices=("endogenous", "calendar", "never")),
    _p("retreat_threshold", 0.47, "share of normal stocks", 0.0, 1.0, "Stocks that trigger the retreat",
       "Stocks, as a share of what the centre holds in that month of a normal year, that count as evidence 1 "
       "of failure (weighed against the political cost).",
       "state", UNCERTAINTY, "7.9",
       source="stylized fact 17: the retreat came when the stocks of 82 cities were below a "
              "third of normal (Sept 1960)",
       prior=uniform(0.1, 0.6, "from a tenth to most of normal stocks")),
    _p("famine_recognition", 4.33, "deaths per 1000 per year", 0.0, 200.0, "Deaths that force the centre to see",
       "Starvation deaths over the past year, among villagers, above those of a normal year, that weigh on "
       "the centre as much as stocks at the retreat threshold (0: deaths are not heeded).",
       "state", UNCERTAINTY, "7.9",
       source=_A + "the centre heeded deaths only once they were many; no record of a "
              "threshold",
       prior=uniform(2.0, 30.0, "from a few to thirty more starvation deaths per 1000 a year")),
    # the retreat as a decision (centre.py)
    _p("political_cost", 1.0, "x evidence", 0.0, 10.0, "Political cost of retreating",
       "Evidence of failure (1: stocks at the retreat threshold or deaths at the recognition rate) "
       "the centre needs before it admits failure and retreats, outside the Lushan campaign.",
       "centre", UNCERTAINTY, "7.9",
       source="assumption: in normal times a signal at its threshold suffices (the threshold parameters "
              "carry the scale)",
       prior=lognormal(1.0, 0.4, 0.25, 4.0, "a quarter to four times the evidence at the thresholds")),
    _p("political_cost_lushan", 1.63, "x political cost", 0.0, 20.0, "Rise of the cost after Lushan",
       "How many times over Lushan (Aug 1959) raises the cost of admitting failure, at its height.",
       "centre", UNCERTAINTY, "7.9",
       source="assumption: after Peng Dehuai's purge no leader dared speak of famine until mid-1960 "
              "(MacFarquhar 1983; Yang Jisheng 2012); the size is not recorded",
       prior=uniform(0.0, 10.0, "from no effect to a tenfold cost")),
    _p("political_cost_launch", 1.44, "x political cost", 0.0, 20.0, "Rise of the cost at the Leap's launch",
       "How many times over the Leap's launch (Feb 1958) raises the cost of admitting failure, at its "
       "height: the Leap was launched by condemning the 1956 retreat, so retreating again soon after "
       "was a larger admission.", "centre", UNCERTAINTY, "7.9",
       source="assumption: at Nanning (Jan 1958) and the Party Congress of May 1958 Mao condemned the "
              "1956 'opposition to rash advance' and its authors criticised themselves (MacFarquhar "
              "1983; Teiwes & Sun 1999); the size is not recorded",
       prior=uniform(0.0, 10.0, "from no effect to a tenfold cost")),
    _p("political_cost_half_life", 4.0, "months", 0.5, 36.0, "Half-life of a commitment's cost",
       "Months in which a rise of the political cost (the Leap's launch, Lushan) halves as the "
       "campaign that raised it winds down.", "centre", UNCERTAINTY, "7.9",
       source="assumption: the anti-right-deviation campaign ran from autumn 1959 to the Beidaihe "
              "conference of summer 1960 (MacFarquhar 1983); the launch's commitment is taken to fade "
              "at the same pace",
       prior=uniform(2.0, 12.0, "the campaign spent in a season to a year")),
    _p("centre_learning", 0.7, "share", 0.0, 1.0, "How fast the centre learns from deliveries",
       "When a collection window closes, the centre moves its credibility of claims this share of the "
       "way towards the share of the quota actually delivered.", "centre", UNCERTAINTY, "7.9",
       source="assumption: the centre cut the 1958 claim from 375 to 250 Mt within a year (Wuchang, "
              "Zhengzhou, the August 1959 plenum; MacFarquhar 1983) once procurement fell short",
       prior=uniform(0.2, 1.0, "a fifth of the gap a season to all of it")),
    _p("reform_cost", 1.5, "x political cost", 1.0, 10.0, "Cost of the deeper reforms",
       "After the retreat, halls close and private plots return when the evidence of failure exceeds "
       "this times the political cost.", "centre", UNCERTAINTY, "7.9",
       source="assumption: dismantling the communes' institutions (halls, private plots, markets) was a "
              "larger admission than cutting quotas and came months after the Emergency Directive "
              "(MacFarquhar 1997)",
       prior=uniform(1.0, 4.0, "as large an admission as the retreat to four times larger")),
    # the towns first (state.py)
    _p("urban_priority", True, "switch", None, None, "Towns fed first",
       "The towns' ration comes first from central stocks: resales to villages only from stocks above the "
       "towns' needs until the next harvest (off: resales first, only a month's demand held back).",
       "state", LEVER, "7.9",
       source="urban bias of the rationing system (Lin & Yang 2000); grain moved into Beijing, Tianjin and "
              "Shanghai in mid-1960 (Yang Jisheng 2012)"),
    _p("emergency_squeeze", 1.0, "share of the gap", 0.0, 1.0, "Emergency squeeze",
       "Share of the gap between the towns' needs until the next harvest and what the centre holds or is "
       "owed that it levies on the communes at once (after the retreat only with squeeze_after_retreat).", "state", LEVER, "7.9",
       source="assumption: the centre raised procurement in 1959-60 to supply the cities (Bernstein 1984; "
              "Walker 1984); the share levied is not recorded"),
    _p("squeeze_after_retreat", True, "switch", None, None, "Towns still fed first after the retreat",
       "The retreat cuts the plan, not the towns' guarantee: while its stocks and the quotas owed cannot "
       "cover the towns until the next harvest, the centre goes on levying the gap after its retreat (off: "
       "the retreat ends the emergency levies; only sending residents down, imports and a cut ration are left).",
       "state", LEVER, "7.9",
       source="urban bias: the state fed the registered towns first throughout 1959-62, and the urban death "
              "rate rose far less than the rural one (Lin & Yang 2000); after the retreat it still procured "
              "36.55 Mt in 1961 while cutting the urban population and importing grain (national series, "
              "data/SOURCES.md; Walker 1984)"),
    _p("interprovincial_transfers", True, "switch", None, None, "Grain moved between provinces",
       "An emergency levy is taken wherever claims are, moving grain out of the provinces that claim "
       "surpluses (off: each province supplies its own towns).", "state", LEVER, "7.9",
       source="grain moved out of provinces claiming surpluses into Beijing, Tianjin and Shanghai in 1959-60 "
              "(Yang Jisheng 2012; Walker 1984)"),
    _p("send_down_rate", 0.01, "share per month", 0.0, 0.1, "Town residents sent down",
       "Share of registered town residents sent back to the villages each month once the centre has "
       "retreated and still cannot cover the towns until the next harvest (recruits first).",
       "state", LEVER, "7.9",
       source="about 20 M of some 130 M town residents sent down in 1961-63 (Yang Jisheng 2012), about 1% a "
              "month over two years"),
    _p("resale_share", 0.86, "share", 0.0, 1.0, "Resales to deficit communes",
       "Share of a deficit commune's shortfall the state sells back, after a delay.", "state", LEVER, "7.9"),
    _p("resale_delay", 3, "months", 0, 12, "Delay of resales",
       "Months between a commune's shortfall and the state's resale.", "state", UNCERTAINTY, "7.9",
       source=_A + "resales followed the next plan round",
       prior=uniform(1.0, 6.0, "one to six months")),
    _p("steel_usable", 0.3, "share", 0.0, 1.0, "Usable share of backyard steel",
       "Share of backyard-furnace output that is usable steel.", "state", UNCERTAINTY, "7.9",
       source="Dikötter 2010 and Yang Jisheng 2012: most backyard iron was unusable",
       prior=uniform(0.1, 0.5, "a tenth to half of the output")),
    # the towns' ration (state.py)
    _p("ration_full_months", 3.0, "months of urban demand", 0.5, 12.0, "Stocks that keep the full urban ration",
       "The towns' ration is full while central stocks hold this many months of their demand, and cut in "
       "proportion below it (by at most ration_max_cut).", "state", UNCERTAINTY, "7.9",
       source=_A + "towns' rations were cut when city stocks fell to days (June 1960) and by the directive "
              "of 7 Sep 1960; the trigger is not taken from a record",
       prior=uniform(1.0, 6.0, "cuts from the last month of stocks to half a year's before the harvest")),
    _p("ration_max_cut", 0.3, "share of the full ration", 0.0, 0.8, "Deepest cut of the urban ration",
       "The most the centre cuts the towns' grain ration when its stocks run out.", "state", UNCERTAINTY, "7.9",
       source=_A + "urban rations were cut in 1960 (the directive of 7 Sep 1960) but the towns stayed fed "
              "first and their death rate rose far less than the villages' (Lin & Yang 2000); the size of "
              "the cut is not taken from a record",
       prior=uniform(0.1, 0.5, "from a token cut to half the ration, beyond which the towns would starve too")),
    _p("resale_application_fill", 0.8, "share of need", 0.0, 1.0, "Food below which a commune asks for resales",
       "A commune whose grain until the next harvest falls below this share of its need applies for resales "
       "of the whole shortfall.", "state", UNCERTAINTY, "7.9",
       source=_A + "resales were applied for and came late and incomplete (the Bijie study); the share is "
              "not recorded",
       prior=uniform(0.5, 0.95, "communes apply once their food falls to from half to nearly all of their need")),
    _p("refugee_ration", 0.5, "share of a resident's ration", 0.0, 1.0, "Food of a refugee in the towns",
       "A refugee from the villages gets this share of a town resident's grain, and the centre supplies it.",
       "towns", UNCERTAINTY, "7.10",
       source=_A + "refugees had no ration entitlement and lived by begging and odd jobs (Dikötter 2010); the "
              "share is kept from before issue 12",
       prior=uniform(0.2, 0.8, "from a fifth to most of a resident's ration")),
]

PARAMS: dict[str, Param] = {p.name: p for p in _PARAM_LIST}
DEFAULTS: dict[str, Any] = {p.name: p.default for p in _PARAM_LIST}

# Scenario presets: overrides of the defaults. `baseline` is the historical run.
_POLICIES_OFF = {
    "honest_reporting": True, "quota_rule": "flexible", "lushan_purge": False,
    "dining_halls": False, "backyard_furnaces": False, "irrigation_campaigns": False,
    "industrial_recruitment": 0.0, "close_planting": False, "exit_right_kept": True,
    "anti_hiding_searches": False, "retreat_rule": "never", "long_hours": False,
    "abolish_private_plots": False,
}
SCENARIOS: dict[str, dict[str, Any]] = {
    "baseline": {},
    "honest_reporting": {"honest_reporting": True},
    "flexible_quotas": {"quota_rule": "flexible"},
    "no_lushan_purge": {"lushan_purge": False},
    "no_exports_accept_aid": {"exports": False, "accept_aid": True},
    "no_dining_halls": {"dining_halls": False},
    "no_backyard_furnaces": {"backyard_furnaces": False},
    "exit_right_kept": {"exit_right_kept": True},
    "no_long_hours": {"long_hours": False},
    "private_plots_kept": {"abolish_private_plots": False},
    "weather_only": _POLICIES_OFF,
    "policy_only": {"weather_scale": 0.0},
    # counterfactuals used by the validation of the stylized facts
    "no_labour_diversion": {"backyard_furnaces": False, "irrigation_campaigns": False,
                            "industrial_recruitment": 0.0},
    "normal_procurement": {"quota_rule": "flexible", "honest_reporting": True},
    "no_diversion_normal_procurement": {"backyard_furnaces": False, "irrigation_campaigns": False,
                                        "industrial_recruitment": 0.0, "quota_rule": "flexible",
                                        "honest_reporting": True},
    "equal_retention": {"equalise_retention": True},
    "lax_registration": {"registration_enforcement": 0.0},
    "strict_registration": {"registration_enforcement": 1.0},
    "no_kin_transfers": {"kin_transfers": 0.0},
    "equal_shares": {"ladle_bias": 0.0, "home_priority": 0.0},
    "no_famine_epidemic": {"famine_epidemic": 0.0},
    # capital and land (ODD 7.11)
    "sown_area_kept": {"area_plan_response": 0.0},
    "seed_protected": {"seed_protected": True},
    "no_tool_melting": {"tool_melting": False},
    "sound_irrigation": {"irrigation_sound_share": 1.0},
    "animals_spared": {"animal_slaughter_share": 0.0},
    "pigs_spared": {"pig_slaughter_share": 0.0},
    # the state as actors (issue 13)
    "early_retreat": {"political_cost": 0.1, "political_cost_lushan": 0.0, "political_cost_launch": 0.0},
    "no_launch_commitment": {"political_cost_launch": 0.0},
    "no_outbidding": {"peer_outbidding": 0.0},
    "no_urban_priority": {"urban_priority": False, "emergency_squeeze": 0.0},
    "retreat_ends_squeeze": {"squeeze_after_retreat": False},
    "moderate_leaders": {"moderate_leaders": True},
    "alike_provinces": {"province_fertility_sd": 0.0, "weather_province_share": 0.0, "province_urban_sd": 0.0},
    "no_interprovincial_transfers": {"interprovincial_transfers": False},
}

SCENARIO_TITLES: dict[str, str] = {
    "baseline": "Historical (baseline)",
    "honest_reporting": "Cadres report honestly",
    "flexible_quotas": "Quotas a share of the true harvest",
    "no_lushan_purge": "No purge after Lushan",
    "no_exports_accept_aid": "No exports, aid accepted",
    "no_dining_halls": "No dining halls",
    "no_backyard_furnaces": "No backyard furnaces",
    "exit_right_kept": "Exit right kept",
    "no_long_hours": "No coerced long hours",
    "private_plots_kept": "Private plots kept under the communes",
    "weather_only": "Weather only (policies off)",
    "policy_only": "Policy only (normal weather)",
    "no_labour_diversion": "No labour diversion",
    "normal_procurement": "Normal procurement",
    "no_diversion_normal_procurement": "No diversion, normal procurement",
    "equal_retention": "Retention equalised",
    "lax_registration": "Flight not blocked",
    "strict_registration": "Flight fully blocked",
    "no_kin_transfers": "No kin transfers",
    "equal_shares": "Food shared equally (halls and homes)",
    "no_famine_epidemic": "No famine epidemics",
    "sown_area_kept": "The 1959 plan keeps the grain area",
    "seed_protected": "Seed grain protected",
    "no_tool_melting": "No tools melted",
    "sound_irrigation": "Irrigation works built soundly",
    "animals_spared": "The hungry spare the draught animals",
    "pigs_spared": "The hungry spare the pigs",
    "early_retreat": "The centre admits the shortfall at its first sign",
    "no_launch_commitment": "The Leap launched without condemning the 1956 retreat",
    "no_outbidding": "Counties and provinces do not outbid their peers",
    "no_urban_priority": "Towns not fed first (no squeeze)",
    "retreat_ends_squeeze": "The retreat ends the levies for the towns",
    "moderate_leaders": "Every province led by a moderate",
    "alike_provinces": "Provinces alike in land, weather and towns",
    "no_interprovincial_transfers": "No grain moved between provinces",
}


def scenario(name: str) -> dict[str, Any]:
    """The overrides of a named preset, or a one-line error listing the names."""
    if name not in SCENARIOS:
        raise InputError("scenario", f"unknown scenario {excerpt(name)}; allowed: {', '.join(SCENARIOS)}")
    return dict(SCENARIOS[name])


def resolve(scenario_name: str = "baseline", **overrides: Any) -> dict[str, Any]:
    """Full, validated parameter set: defaults, then the preset, then explicit overrides."""
    values = dict(DEFAULTS)
    values.update(scenario(scenario_name))
    values.update(overrides)
    return validate(values)


# Resource caps (docs/reliability.md): one run's world and horizon. With Peasant agent objects
# (the dashboard, the default) a run at the caps builds in about 3 s and holds about 180 MiB more
# (measured by benchmarks/bench_reliability.py); headless (materialise_peasants=False) a run holds
# well under 200 bytes a peasant, so it may be larger (docs/performance.md: 1M peasants).
MAX_PLOTS = 40_000  # n_communes x commune_side^2: household plots on the grid
MAX_PEASANTS = 200_000  # plots x household_size: people at the start
MAX_PLOTS_HEADLESS = 250_000
MAX_PEASANTS_HEADLESS = 1_250_000
MAX_YEARS = 16  # end_year - start_year + 1 (192 months)


def check_caps(values: dict[str, Any]) -> None:
    """Refuse a world or horizon above the resource caps, naming the limit (one-line InputError)."""
    headless = not values.get("materialise_peasants", DEFAULTS["materialise_peasants"])
    max_plots = MAX_PLOTS_HEADLESS if headless else MAX_PLOTS
    max_peasants = MAX_PEASANTS_HEADLESS if headless else MAX_PEASANTS
    mode = " headless" if headless else " with peasant objects (materialise_peasants=false allows more)"
    n, side = values.get("n_communes", DEFAULTS["n_communes"]), values.get("commune_side", DEFAULTS["commune_side"])
    plots = n * side * side
    if plots > max_plots:
        raise InputError("n_communes", f"{n} communes of {side} x {side} plots make {plots:,} plots; "
                                       f"allowed: at most {max_plots:,} plots (n_communes x commune_side^2){mode}")
    peasants = plots * values.get("household_size", DEFAULTS["household_size"])
    if peasants > max_peasants:
        raise InputError("household_size", f"{plots:,} plots x {values.get('household_size', DEFAULTS['household_size']):g} "
                                           f"persons make {peasants:,.0f} peasants; allowed: at most {max_peasants:,} "
                                           f"(n_communes x commune_side^2 x household_size){mode}")
    years = values.get("end_year", DEFAULTS["end_year"]) - values.get("start_year", DEFAULTS["start_year"]) + 1
    if years > MAX_YEARS:
        raise InputError("end_year", f"a run of {years} years; allowed: at most {MAX_YEARS} years")


def field_name(name: Any) -> str:
    """A name as an error shows it (see ``errors.shown``)."""
    return shown(name)


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Check every name and value, and the resource caps; return a new dict with values coerced
    to their types."""
    out = {}
    for name, value in values.items():
        if not isinstance(name, str) or name not in PARAMS:
            raise InputError(field_name(name), "unknown parameter; see `greatleap params` for the list")
        out[name] = PARAMS[name].check(value)
    if "start_year" in out and "end_year" in out and out["end_year"] < out["start_year"]:
        raise InputError("end_year", f"got {out['end_year']}; must be >= start_year ({out['start_year']})")
    check_caps(out)
    return out


def table_markdown() -> str:
    """The parameter table of docs/ODD.md, generated so that it always matches this module."""
    rows = ["| name | default | unit | range | kind | mechanism (ODD) | meaning | source | prior |",
            "|---|---|---|---|---|---|---|---|---|"]
    for p in _PARAM_LIST:
        rng = p.allowed().replace("a number in ", "").replace("a whole number in ", "")
        prior = f"{p.prior.describe()}: {p.prior.reason}" if p.prior else ""
        rows.append(f"| `{p.name}` | {p.default!r} | {p.unit} | {rng} | {p.kind} | "
                    f"{p.mechanism} ({p.odd}) | {p.meaning} | {p.source} | {prior} |")
    return "\n".join(rows)
