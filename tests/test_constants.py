"""The constants ledger: every numeric module constant of a mechanism module says where it comes
from (``source:``), that it is the modeller's choice (``assumption:``) or that it is a unit, code or
layout (``definition:``), and docs/ODD.md's table of them is generated from the code."""

import re

from test_docs import ROOT, _generator  # the one loader of scripts/gen_odd_tables.py


def test_every_mechanism_constant_has_a_source_an_assumption_or_a_definition():
    missing = _generator().unsourced()
    assert not missing, ("module constants with no 'source:', 'assumption:' or 'definition:' comment "
                         "beside or just above them:\n" + "\n".join(missing))


def test_every_module_of_the_package_is_either_a_mechanism_or_listed_as_another_kind():
    gen = _generator()
    modules = {path.stem for path in (ROOT / "greatleap").glob("*.py")}
    assert not set(gen.MECHANISM_MODULES) & set(gen.OTHER_MODULES)
    unclassified = modules - set(gen.MECHANISM_MODULES) - set(gen.OTHER_MODULES)
    assert not unclassified, f"add to MECHANISM_MODULES or OTHER_MODULES in scripts/gen_odd_tables.py: {unclassified}"
    assert not (set(gen.MECHANISM_MODULES) | set(gen.OTHER_MODULES)) - modules, "a listed module no longer exists"


def test_the_ledger_flags_a_new_constant_without_a_comment_and_reads_each_kind_of_comment(tmp_path, monkeypatch):
    gen = _generator()
    (tmp_path / "greatleap").mkdir()
    (tmp_path / "greatleap" / "mech.py").write_text(
        "import numpy as np\n\n"
        "NEW_RATE = 0.3\n"
        "NAMED = 'not a number'\n"
        "lower_case = 2.0\n"
        "INLINE = 1.2  # what it is; source: Someone 1999\n"
        "# What it is, said above.\n"
        "# assumption: nobody measured it.\n"
        "ABOVE = np.array([0.1, 0.2])\n"
        "A, B = 1, 2  # definition: codes\n"
        "TABLE = np.zeros(3)  # assumption: a schedule\n"
        "TABLE[1:] = 0.5\n"
        "\n"
        "# a comment that names no origin\n"
        "UNTAGGED = 4.0  # an assumption without its colon\n")
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    rows = {r["name"]: r for r in gen.module_constants("mech")}
    assert set(rows) == {"NEW_RATE", "INLINE", "ABOVE", "A", "B", "TABLE", "TABLE[1:]", "UNTAGGED"}
    assert {name for name, r in rows.items() if not r["source"]} == {"NEW_RATE", "TABLE[1:]", "UNTAGGED"}
    assert rows["INLINE"]["meaning"] == "what it is" and rows["INLINE"]["source"] == "source: Someone 1999"
    assert rows["ABOVE"]["meaning"] == "What it is, said above." and rows["ABOVE"]["source"].startswith("assumption:")
    assert rows["A"]["value"] == "1" and rows["B"]["value"] == "2" and rows["B"]["source"] == "definition: codes"


def test_deleting_a_real_constants_comment_makes_it_unsourced(tmp_path, monkeypatch):
    gen = _generator()
    text = (ROOT / "greatleap" / "labour.py").read_text()
    comment = "# assumption: someone stays with the fields, the old and the children.\n"
    assert comment in text and "MAX_CAMPAIGN_SHARE = 0.9\n" in text
    (tmp_path / "greatleap").mkdir()
    (tmp_path / "greatleap" / "labour.py").write_text(text.replace(comment, ""))
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert [r["name"] for r in gen.module_constants("labour") if not r["source"]] == ["MAX_CAMPAIGN_SHARE"]


def test_the_odd_lists_every_constant_with_its_value_and_goes_stale_when_one_changes():
    gen = _generator()
    odd = (ROOT / "docs" / "ODD.md").read_text()
    block = re.search(r"<!-- constants:start -->\n(.*?)<!-- constants:end -->", odd, flags=re.S).group(1)
    assert block == gen.constants_table() + "\n"
    for row in gen.constants():
        assert f"| `{row['module']}` | `{row['name']}` | `{row['value']}` |" in block
    assert "| `labour` | `MAX_CAMPAIGN_SHARE` | `0.9` |" in block
    assert "| `calendar` | `Calendar.exports_mt` | `{ 1955: 2.0, 1956: 2.0, 1957: 2.0, 1958: 2.7, 1959: 4.2, 1960: 2.7}` |" \
        in block  # the calendar's fields are constants too
    stale = odd.replace("| `labour` | `MAX_CAMPAIGN_SHARE` | `0.9` |", "| `labour` | `MAX_CAMPAIGN_SHARE` | `0.8` |")
    assert stale != odd and gen.render(stale) == odd


def test_the_named_literals_are_the_values_the_code_used_before():
    """Naming a literal changes nothing: the constants hold the values the functions held."""
    from greatleap import agents, labour, production, provinces, world

    assert labour.MAX_CAMPAIGN_SHARE == 0.9
    assert (production.WEATHER_FLOOR, production.WEATHER_CEILING, production.LABOUR_FLOOR,
            production.LABOUR_CEILING) == (0.3, 1.5, 0.05, 1.1)
    assert production.SUMMER_SHARE == 0.3 and world.POPULATION_GROWTH == 0.02
    assert (agents.AMBITION_BETA, agents.RISK_AVERSION_BETA, agents.LOYALTY_BETA, agents.CAREER_STAKE_BETA,
            agents.REPLACEMENT_BETA, provinces.ZEAL_BETA, provinces.LEADER_LOYALTY_BETA) == (
        (2, 3), (2, 2), (3, 2), (2, 2), (2, 2), (2, 2), (3, 2))
    assert (world.COMMUNE_FERTILITY_BOUNDS, world.PLOT_FERTILITY_BOUNDS) == ((0.4, 1.8), (0.2, 2.0))
    assert (world.ADULT_BMI_SD, world.ADULT_BMI_BOUNDS, world.CHILD_BMI_Z_SD, world.CHILD_BMI_Z_BOUNDS) == (
        1.2, (17.0, 24.0), 0.8, (-2.0, 2.0))
    from greatleap import physiology

    assert (physiology.DEATH_RATE_INFANT, physiology.DEATH_RATE_1_4, physiology.DEATH_RATE_5_9,
            physiology.DEATH_RATE_10_39, physiology.DEATH_RATE_40_59, physiology.DEATH_RATE_60_79,
            physiology.DEATH_RATE_80_UP) == (0.13, 0.022, 0.005, 0.004, (0.006, 0.02), (0.025, 0.10), 0.20)


# The assumptions promoted to declared uncertainties with priors (issue 15): the module constant
# each replaces and the value it held, so that their defaults keep every run as it was.
PROMOTED = {"catch_up": ("dining.CATCH_UP", 1.15), "overeating": ("dining.OVEREATING", 1.2),
            "max_intake_ratio": ("dining.MAX_INTAKE_RATIO", 1.3),
            "ration_full_months": ("state.RATION_FULL_MONTHS", 3.0), "ration_max_cut": ("state.RATION_MAX_CUT", 0.3),
            "store_months_at_start": ("model.STORE_MONTHS_AT_START", 6.5),
            "collective_plots_share": ("coping.COLLECTIVE_PLOTS_SHARE", 0.6),
            "forage_depletion": ("coping.FORAGE_DEPLETION", 3.0), "green_efficiency": ("coping.GREEN_EFFICIENCY", 0.7),
            "green_max_share": ("coping.GREEN_MAX_SHARE", 0.04), "green_hunger": ("coping.GREEN_HUNGER", 0.2),
            "kin_reserve_months": ("coping.KIN_RESERVE_MONTHS", 4.0), "long_hours_factor": ("labour.LONG_HOURS", 1.15),
            "retention_base": ("agents.RETENTION_BASE", 0.5), "retention_per_loyalty": ("agents.RETENTION_PER_LOYALTY", 0.5),
            "retention_min": ("agents.RETENTION_MIN", 0.2), "retention_fear": ("agents.RETENTION_FEAR", 1.5),
            "search_zeal_base": ("procurement.SEARCH_ZEAL_BASE", 0.5), "search_fear": ("procurement.SEARCH_FEAR", 2.0),
            "starvation_spread": ("physiology.STARVATION_SPREAD", 0.5),  # the constant held 0.5 / HEALTHY_BMI
            "mobilisation_base": ("agents.MOBILISATION_BASE", 0.7),
            "mobilisation_per_ambition": ("agents.MOBILISATION_PER_AMBITION", 0.6),
            "area_labour_response": ("production.AREA_LABOUR_RESPONSE", 0.5),
            "summer_relief": ("procurement.SUMMER_RELIEF", 0.6),
            "resale_application_fill": ("state.RESALE_APPLICATION_FILL", 0.8),
            "seed_rate": ("production.SEED_RATE", 0.06),
            "stopped_before_registration": ("coping.STOPPED_BEFORE_REGISTRATION", 0.1),
            "purge_intensity_base": ("provinces.PURGE_INTENSITY_BASE", 0.5),
            "max_quota_rate": ("procurement.MAX_QUOTA_RATE", 0.8), "refugee_ration": ("towns.REFUGEE_RATION", 0.5),
            # labour.FORAGE_PROPENSITY = [0.0, 0.03, 0.3, 0.5] by hunger state (fed, hungry, starving,
            # severely wasted; the last was never used: the severely wasted cannot work)
            "forage_hungry": ("labour.FORAGE_PROPENSITY", 0.03), "forage_starving": ("labour.FORAGE_PROPENSITY", 0.3)}


def test_the_promoted_assumptions_default_to_the_constants_they_replace_and_are_declared_once():
    import importlib

    from greatleap.params import PARAMS, UNCERTAINTY

    for name, (constant, value) in PROMOTED.items():
        p = PARAMS[name]
        assert p.default == value and p.kind == UNCERTAINTY and p.prior is not None
        assert p.source.startswith("assumption: ")
        module, attribute = constant.split(".")
        assert not hasattr(importlib.import_module(f"greatleap.{module}"), attribute), f"{constant} is declared twice"
        assert f"`{attribute}`" not in (ROOT / "docs" / "ODD.md").read_text(), f"{constant} is still in the ODD's ledger"
