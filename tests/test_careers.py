"""Career incentives and purges (ODD 7.4): officials rank cadres by report against target, the
lowest are criticised and purged, far more often after Lushan; replacements are more zealous."""

from __future__ import annotations

import numpy as np
from conftest import set_month, small_model

from greatleap import careers


def _purges(m, ym, reviews=150) -> int:
    set_month(m, ym)
    reports = np.linspace(0.5, 1.5, m.communes.n) * m.potential
    targets = m.potential.copy()
    return sum(careers.review_cadres(m, reports, targets)[1] for _ in range(reviews))


def test_after_lushan_low_reporters_are_purged_more_often_than_before():
    m = small_model(n_communes=16, commune_side=3, purge_prob_before=0.05, purge_prob_after=0.35)
    before, after = _purges(m, (1958, 10)), _purges(m, (1959, 10))
    assert after > 3 * before
    assert before > 0


def test_without_the_lushan_purge_the_risk_stays_at_its_earlier_level():
    m = small_model(n_communes=16, commune_side=3, lushan_purge=False, purge_prob_before=0.05,
                    purge_prob_after=0.35)
    set_month(m, (1958, 10))
    before = careers.purge_risk(m)
    set_month(m, (1959, 10))
    assert careers.purge_risk(m) == before == 0.05
    m.p["lushan_purge"] = True
    assert careers.purge_risk(m) == 0.35


def test_no_purges_before_the_leap_or_after_the_retreat():
    m = small_model()
    assert careers.purge_risk(set_month(m, (1957, 10))) == 0.0
    set_month(m, (1959, 10))
    assert careers.purge_risk(m) > 0
    m.state.retreated = True
    assert careers.purge_risk(m) == 0.0


def test_only_the_lowest_reporters_against_target_are_criticised():
    m = set_month(small_model(n_communes=16, commune_side=3, criticised_share=0.25), (1959, 10))
    rng = np.random.default_rng(0)
    reports = rng.uniform(0.5, 1.5, m.communes.n) * m.potential
    criticised, _ = careers.review_cadres(m, reports, m.potential.copy())
    assert criticised == 4  # one in four in each official's group of four
    score = reports / m.potential
    for official in m.officials:
        group = np.array(official.communes)
        hit = [c for c in group if m.cadres[c].criticised_count]
        assert hit == [int(group[np.argmin(score[group])])]


def test_purged_cadres_are_replaced_by_more_zealous_ones():
    m = small_model()
    cadre = m.cadres[0]
    rng = np.random.default_rng(1)
    draws = {}
    for zeal in (0.0, 0.4):
        ambition, loyalty = [], []
        for _ in range(400):
            cadre.replace_with_zealot(rng, zeal)
            ambition.append(cadre.ambition)
            loyalty.append(cadre.loyalty)
        draws[zeal] = (np.mean(ambition), np.mean(loyalty))
    assert draws[0.4][0] > draws[0.0][0] + 0.2
    assert draws[0.4][1] < draws[0.0][1] - 0.2
    assert cadre.purged_count == 800


def test_purges_after_lushan_make_the_cadre_corps_more_ambitious():
    m = small_model(n_communes=16, commune_side=3, purge_prob_after=1.0, replacement_zeal=0.5,
                    criticised_share=0.5)
    start = np.mean([c.ambition for c in m.cadres])
    set_month(m, (1959, 10))
    for _ in range(3):
        careers.review_cadres(m, m.potential * np.linspace(0.5, 1.5, m.communes.n), m.potential.copy())
    assert np.mean([c.ambition for c in m.cadres]) > start + 0.1
    assert sum(c.purged_count for c in m.cadres) > 0


def test_the_whole_run_purges_more_cadres_with_the_lushan_purge():
    totals = {}
    for on in (True, False):
        totals[on] = sum(small_model(seed=s, n_communes=16, commune_side=3, lushan_purge=on, end_year=1960,
                                     criticised_share=0.5, retreat_rule="calendar").run().summary()["cadres_purged"]
                         for s in range(6))
    assert totals[True] > 2 * totals[False]
