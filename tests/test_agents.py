"""The agents: Peasants are Mesa agents on their household plots that read and write their slice
of the person arrays; the dead leave the model; cadres and officials are ordinary agents."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import small_model, step_through

from greatleap.agents import Cadre, Official, Peasant
from greatleap.population import HUNGER_STATES


def _peasants(m) -> list[Peasant]:
    return list(m.agents_by_type.get(Peasant, []))


def _living(m) -> set[int]:
    return set(np.flatnonzero(m.people.view("alive")).tolist())


def test_every_villager_is_a_peasant_agent_on_their_household_plot():
    m = small_model(seed=1)
    peasants = _peasants(m)
    assert {a.index for a in peasants} == _living(m)
    hh = m.households
    for agent in peasants[::37]:
        h = m.people.household[agent.index]
        assert agent.cell.coordinate == (int(hh.x[h]), int(hh.y[h]))
        assert agent in agent.cell.agents
        assert agent.commune == m.grid.commune.data[agent.cell.coordinate]


def test_a_peasant_reads_its_slice_of_the_person_arrays():
    m = small_model(seed=1)
    agent = m.peasant_agents[5]
    people = m.people
    assert agent.age == pytest.approx(float(people.age[5]))
    assert agent.female == bool(people.female[5])
    assert agent.household == int(people.household[5]) and agent.commune == int(people.commune[5])
    people.bmi[5] = 14.25
    people.hunger[5] = 2
    assert agent.bmi == pytest.approx(14.25)  # a view, not a copy taken at creation
    assert agent.hunger_state == HUNGER_STATES[2] == "starving"
    m.households.hidden[agent.household] = 12.5
    assert agent.hidden_grain == pytest.approx(12.5)


def test_writing_a_peasants_attribute_writes_the_person_array():
    m = small_model(seed=1)
    everyone_else = np.delete(m.people.view("bmi").copy(), 7)
    agent = m.peasant_agents[7]
    agent.bmi = 16.5
    assert m.people.bmi[agent.index] == pytest.approx(16.5)
    np.testing.assert_array_equal(np.delete(m.people.view("bmi"), 7), everyone_else)  # only its own slot
    agent.hunger = 3
    assert m.people.hunger[agent.index] == 3


def test_a_peasant_still_sees_its_slice_after_the_arrays_grow():
    m = small_model(seed=1)
    agent = m.peasant_agents[3]
    capacity = m.people.capacity
    m.people.add(age=np.zeros(capacity), female=np.zeros(capacity, dtype=bool), bmi=np.full(capacity, 20.0),
                 height=np.full(capacity, 0.5), household=np.zeros(capacity, dtype=int),
                 commune=np.zeros(capacity, dtype=int))
    assert m.people.capacity > capacity
    agent.bmi = 17.75
    assert m.people.bmi[3] == pytest.approx(17.75)


def test_dead_peasants_leave_the_grid_and_the_models_agent_set():
    m = small_model(seed=1)
    m.step()
    victims = np.flatnonzero(m.people.view("alive"))[:3]
    agents = [m.peasant_agents[int(i)] for i in victims]
    cells = [a.cell for a in agents]
    m.village.kill(victims, cause="baseline")
    for agent, cell in zip(agents, cells):
        assert agent not in m.agents
        assert agent not in cell.agents
        assert agent.index not in m.peasant_agents
    assert not m.people.alive[victims].any()


def test_over_a_run_the_peasant_agents_are_exactly_the_living_villagers():
    # births, deaths, flight, recruitment to the towns and the return of the sent-down; heavy
    # procurement through to the historical retreat makes people starve and flee
    m = small_model(seed=2, flight_propensity=0.3, registration_enforcement=0.0, industrial_recruitment=0.1,
                    procurement_share=0.6, retreat_rule="calendar")
    for ym in ((1958, 12), (1960, 6), (1962, 12)):
        step_through(m, ym)
        assert {a.index for a in _peasants(m)} == _living(m), ym
    frame = m.monthly_frame()
    assert frame["births"].sum() > 0 and frame["deaths_rural"].sum() > 0 and frame["fled"].sum() > 0


def test_without_materialised_peasants_no_objects_exist_but_any_can_be_had_on_demand():
    m = small_model(seed=1, materialise_peasants=False)
    assert _peasants(m) == []
    agent = m.peasant(10)
    assert isinstance(agent, Peasant) and agent.index == 10
    assert agent in m.agents and m.peasant(10) is agent
    h = m.people.household[10]
    assert agent.cell.coordinate == (int(m.households.x[h]), int(m.households.y[h]))
    agent.bmi = 15.0
    assert m.people.bmi[10] == pytest.approx(15.0)
    assert _peasants(m) == [agent]


@pytest.mark.parametrize("materialise", [True, False])
def test_asking_for_a_dead_villager_does_not_bring_them_back_onto_the_grid(materialise):
    m = small_model(seed=1, materialise_peasants=materialise)
    m.step()
    dead = int(np.flatnonzero(m.people.view("alive"))[0])
    m.village.kill(np.array([dead]), cause="baseline")
    try:
        agent = m.peasant(dead)
    except LookupError:  # refusing is one acceptable answer
        agent = None
    assert dead not in {a.index for a in _peasants(m)}
    if agent is not None:
        assert not agent.alive
        assert agent.cell is None or agent not in agent.cell.agents


def test_without_materialised_peasants_a_run_builds_none():
    m = small_model(seed=1, materialise_peasants=False, end_year=1958).run()
    assert _peasants(m) == []


def test_one_heterogeneous_cadre_per_commune_and_one_official_per_group():
    m = small_model(seed=1, n_communes=10, commune_side=3, communes_per_official=4)
    cadres, officials = list(m.agents_by_type[Cadre]), list(m.agents_by_type[Official])
    assert sorted(c.commune for c in cadres) == list(range(10))
    assert len(officials) == math.ceil(10 / 4)
    covered = sorted(c for o in officials for c in o.communes)
    assert covered == list(range(10))
    for c, cadre in enumerate(m.cadres):
        assert m.grid.commune.data[cadre.cell.coordinate] == c
        assert m.official_of[c].group == c // 4
    for trait in ("ambition", "risk_aversion", "loyalty"):
        values = [getattr(c, trait) for c in cadres]
        assert all(0 <= v <= 1 for v in values) and len(set(values)) == len(values)
    assert all(0 <= o.career_stake <= 1 for o in officials)


def test_the_grid_divides_into_square_communes_of_household_plots():
    m = small_model(seed=1, n_communes=5, commune_side=4)
    ids = m.grid.commune.data
    for c in range(5):
        xs, ys = np.nonzero(ids == c)
        assert len(xs) == 16 and np.ptp(xs) == 3 and np.ptp(ys) == 3
    assert len(m.households) == 5 * 16


@pytest.mark.parametrize("size", [3.0, 6.0])
def test_households_hold_household_size_people_on_average(size):
    m = small_model(seed=1, n_communes=9, household_size=size)
    assert abs(m.people.n / len(m.households) - size) < 0.15 * size
