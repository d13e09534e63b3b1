"""The dashboard's map draws the provinces' boundaries (ODD 7.12), on the plot map and on the
commune map of a large world alike, and its legend names them."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_model

from greatleap.visualization import grid_view


@pytest.fixture(scope="module")
def two_provinces():
    m = small_model(seed=3, n_communes=8, communes_per_official=2, n_provinces=2, commune_side=5)
    m.step()
    return m


def _neighbour_provinces_differ(m, edge: np.ndarray, k: int) -> bool:
    """Every edge pixel has a pixel of another province just left of or below it (image rows)."""
    commune = np.asarray(m.grid.commune.data)
    ids = grid_view.upscale(np.where(commune >= 0, m.commune_province[np.clip(commune, 0, None)], -1), k)
    rows, cols = np.nonzero(edge)
    left = (cols > 0) & (ids[rows, np.maximum(cols - 1, 0)] != ids[rows, cols])
    above = (rows > 0) & (ids[np.maximum(rows - 1, 0), cols] != ids[rows, cols])
    return bool((left | above).all())


def test_the_edges_run_where_one_province_meets_another(two_provinces):
    m, k = two_provinces, 4
    edge = grid_view.province_edges(m, k)
    commune = np.asarray(m.grid.commune.data)
    assert edge.sum() > 0 and _neighbour_provinces_differ(m, edge, k)
    # communes 3 and 4 sit side by side (middle row) in different provinces
    assert m.commune_province[3] == 0 and m.commune_province[4] == 1
    one = small_model(seed=3, n_communes=8, communes_per_official=2, n_provinces=1, commune_side=5)
    assert not grid_view.province_edges(one, k).any()
    assert np.array_equal(np.asarray(one.grid.commune.data), commune)


@pytest.mark.parametrize("communes_map", [False, True])
def test_the_map_draws_them_black_and_white_on_both_maps(two_provinces, monkeypatch, communes_map):
    m = two_provinces
    if communes_map:  # the map of a large world: each commune one colour
        monkeypatch.setattr(grid_view, "MIN_PLOT_PX", 10_000)
    assert grid_view.aggregated(m) == communes_map
    rgb = grid_view.grid_rgb(m, "Hunger")
    w, h = np.asarray(m.grid.commune.data).shape
    k = rgb.shape[0] // h
    edge = grid_view.province_edges(m, k)
    band = (rgb == 0).all(axis=2) | (rgb == 255).all(axis=2)
    assert band[edge].mean() > 0.9  # the officials' and cadres' symbols may cover a few pixels
    assert (rgb == 255).all(axis=2)[edge].mean() > 0.3  # the white dashes
    assert not band[grid_view.near(edge, 8) ^ grid_view.near(edge, 5)].all()  # a band, not a flood


def test_the_legend_names_the_province_boundary():
    assert "province boundary" in grid_view.legend_html("Hunger")


def test_the_leaders_zeal_layer_colours_each_province_by_its_leader(two_provinces):
    m = two_provinces
    zeal = grid_view.layer_data(m, "Leader's zeal")
    commune = np.asarray(m.grid.commune.data)
    for c in range(m.communes.n):
        assert zeal[commune == c] == pytest.approx(m.leaders[m.commune_province[c]].zeal)
    assert grid_view.share_scale([m], "Leader's zeal", scale_key=7) == 1.0  # a fixed 0-1 scale
    drawn = m.leaders[0].zeal, m.leaders[1].zeal
    m.leaders[0].zeal, m.leaders[1].zeal = 0.0, 1.0
    rgb = grid_view.layer_rgb(m, "Leader's zeal", 1)[::-1].transpose(1, 0, 2)  # back to [x, y]
    m.leaders[0].zeal, m.leaders[1].zeal = drawn
    lut = grid_view.lut("BuPu")
    assert (rgb[commune == 0] == lut[0]).all() and (rgb[commune == 4] == lut[255]).all()
    assert "Leader's zeal" in grid_view.LAYERS and "<span>1</span>" in grid_view.legend_html("Leader's zeal", 1.0)
