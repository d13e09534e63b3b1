"""The live map, drawn straight from the model's numpy layers into a PNG.

Each household plot is a k x k block of pixels. Matplotlib took ~100 ms a frame for this map;
numpy + Pillow take a few ms, which leaves the step budget to the model. The legend and colour
bar are HTML (see `legend_html`), built from the same colours.

Palettes: hunger uses ColorBrewer YlOrBr and the heatmaps YlGn, cividis and Purples: sequential,
readable with the common colour-vision deficiencies. Communes are told apart by dark boundary
lines and a frame in Paul Tol's muted palette (its pale sand/olive dropped: they vanish on YlOrBr).
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from matplotlib import colormaps
from PIL import Image

# label in the layer switch -> (property layer, colour map, what the colour bar measures)
LAYERS = {
    "Hunger": ("hunger", "YlOrBr", "Hunger of the household"),
    "Standing crop": ("standing_crop", "YlGn", "Standing crop (kg per plot)"),
    "Fertility": ("fertility", "cividis", "Fertility of the plot"),
    "Hidden grain": ("hidden_grain", "Purples", "Hidden grain (kg per plot)"),
    "Draught animals": ("draught_animals", "Oranges", "Draught animals against the commune's 1957 herd"),
    "Damaged land": ("damaged_land", "Reds", "Share of the commune's land waterlogged or salinised"),
    "Leader's zeal": ("leader_zeal", "BuPu", "Zeal of the province's leader (0-1, ODD 7.12)"),
}
FIXED_TOP = {"hunger": 3.0, "leader_zeal": 1.0}  # layers on a fixed scale, not the largest value seen
HUNGER_TICKS = ["fed", "hungry", "severely hungry", "starving"]
COMMUNE_COLOURS = ["#332288", "#88CCEE", "#44AA99", "#117733", "#CC6677", "#882255", "#AA4499"]
BOUNDARY, DIED_OUT, DEATH_DOT = (34, 34, 34), (0, 0, 0), (20, 20, 20)
PROVINCE_LINE = (255, 255, 255)  # white dashes on a black band: read on every palette
TARGET_PX = 420  # the map's longer side, in pixels


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def lut(cmap: str) -> np.ndarray:
    return (colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)


class ScaleMemory:
    """Keeps a heatmap's top colour fixed or growing during a run, so a colour keeps its meaning
    from month to month instead of being stretched to each month's maximum. Runs compared side by
    side share one key, hence one scale."""

    def __init__(self):
        self.top: dict[tuple[int, str], float] = {}

    def vmax(self, scale_key: int, layer: str, data: np.ndarray) -> float:
        key = (scale_key, layer)
        top = max(self.top.get(key, 0.0), float(np.nanmax(data)) if data.size else 0.0, 1e-9)
        if len(self.top) > 64:  # forget models of closed tabs
            self.top.clear()
        self.top[key] = top
        return top


SCALES = ScaleMemory()


def upscale(a: np.ndarray, k: int) -> np.ndarray:
    """[x, y] layer -> image rows (y up, as on a map) with each plot a k x k block."""
    return np.repeat(np.repeat(a.T[::-1], k, axis=0), k, axis=1)


def near(mask: np.ndarray, r: int) -> np.ndarray:
    """Pixels within r (Chebyshev distance) of a True pixel."""
    out = mask.copy()
    for _ in range(r):
        grown = out.copy()
        grown[1:] |= out[:-1]
        grown[:-1] |= out[1:]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


def layer_data(model, layer_label: str) -> np.ndarray:
    layer = LAYERS[layer_label][0]
    if layer == "leader_zeal":  # drawn from the provinces, not a grid layer
        commune = np.asarray(model.grid.commune.data)
        zeal = np.array([leader.zeal for leader in model.leaders])[model.commune_province]
        return np.where(commune >= 0, zeal[np.clip(commune, 0, None)], 0.0)
    return np.asarray(getattr(model.grid, layer).data, dtype=float)


def share_scale(models, layer_label: str, scale_key: int) -> float | None:
    """Let every map drawn under `scale_key` use the top colour of the largest value among them."""
    if LAYERS[layer_label][0] in FIXED_TOP:
        return None if layer_label == "Hunger" else FIXED_TOP[LAYERS[layer_label][0]]
    return max(SCALES.vmax(scale_key, LAYERS[layer_label][0], layer_data(m, layer_label)) for m in models)


def layer_rgb(model, layer_label: str, k: int, scale_key: int | None = None) -> np.ndarray:
    layer, cmap, _ = LAYERS[layer_label]
    data = layer_data(model, layer_label)
    vmax = FIXED_TOP.get(layer) or SCALES.vmax(id(model) if scale_key is None else scale_key, layer, data)
    idx = np.clip(np.nan_to_num(data) / vmax * 255, 0, 255).astype(np.uint8)
    rgb = lut(cmap)[upscale(idx, k)]
    if layer == "hunger":  # a household with nobody left is black
        gone = (np.asarray(model.grid.alive.data) <= 0) & (np.asarray(model.grid.deaths.data) > 0)
        rgb[upscale(gone, k)] = DIED_OUT
    return rgb


def commune_edges(commune: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The upscaled commune ids, and where one commune meets another (or the map's border)."""
    ids = upscale(commune, k)
    edge = np.zeros(ids.shape, bool)
    edge[:, 1:] |= ids[:, 1:] != ids[:, :-1]
    edge[1:, :] |= ids[1:, :] != ids[:-1, :]
    edge[[0, -1], :] = True
    edge[:, [0, -1]] = True
    return ids, edge


def draw_communes(rgb: np.ndarray, commune: np.ndarray, k: int) -> None:
    ids, edge = commune_edges(commune, k)
    line = near(edge, 1)
    frame = near(edge, 4) & ~near(edge, 1) & (ids >= 0)
    palette = np.array([hex_rgb(c) for c in COMMUNE_COLOURS], np.uint8)
    order = np.searchsorted(np.unique(commune), ids)  # commune rank, so colours follow layout
    rgb[frame] = palette[order[frame] % len(palette)]
    rgb[line] = BOUNDARY


def province_edges(model, k: int) -> np.ndarray:
    """Pixels where one province meets another (ODD 7.12); none in a world of one province."""
    commune = np.asarray(model.grid.commune.data)
    province = np.asarray(model.commune_province)[np.clip(commune, 0, None)]
    ids = upscale(np.where(commune >= 0, province, -1), k)
    edge = np.zeros(ids.shape, bool)
    edge[:, 1:] |= (ids[:, 1:] != ids[:, :-1]) & (ids[:, 1:] >= 0) & (ids[:, :-1] >= 0)
    edge[1:, :] |= (ids[1:, :] != ids[:-1, :]) & (ids[1:, :] >= 0) & (ids[:-1, :] >= 0)
    return edge


def draw_provinces(rgb: np.ndarray, model, k: int) -> None:
    edge = province_edges(model, k)
    if not edge.any():
        return
    # wider than a commune boundary and dashed, as maps draw administrative borders
    rgb[near(edge, 3)] = DIED_OUT
    yy, xx = np.indices(edge.shape)
    rgb[near(edge, 1) & ((xx + yy) // 8 % 2 == 0)] = PROVINCE_LINE


def draw_deaths(rgb: np.ndarray, deaths: np.ndarray, k: int) -> None:
    """A dot in the middle of each plot that has lost people; its radius grows with the count."""
    radius = np.where(deaths > 0, np.clip(0.6 + 0.55 * np.sqrt(deaths), 1.0, k / 2 - 1.2), 0.0)
    r = upscale(radius, k)
    yy, xx = np.indices(r.shape)
    c = (k - 1) / 2
    d2 = (xx % k - c) ** 2 + (yy % k - c) ** 2
    rgb[(r > 0) & (d2 <= r ** 2)] = DEATH_DOT


@lru_cache(maxsize=64)
def stamp_masks(size: int, shape: str, fx: float, fy: float) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(outline mask, fill mask, dx, dy) of a marker whose centre has fractional part (fx, fy):
    the same few shapes are drawn a hundred times a frame, so each is computed once."""
    half = size / 2
    y0, x0 = int(np.floor(fy - half)), int(np.floor(fx - half))
    yy, xx = np.mgrid[y0:int(np.floor(fy + half)) + 1, x0:int(np.floor(fx + half)) + 1]
    u, v = (xx - fx) / half, (yy - fy) / half  # -1..1
    if shape == "triangle":  # apex up
        inside = (v <= 1) & (np.abs(u) <= (v + 1) / 2)
        core = (v <= 0.7) & (np.abs(u) <= (v + 1) / 2 - 0.28)
    else:
        inside = np.abs(u) + np.abs(v) <= 1
        core = np.abs(u) + np.abs(v) <= 0.6
    return inside, core, x0, y0


def stamp(rgb: np.ndarray, cx: float, cy: float, size: int, shape: str, fill, outline) -> None:
    """Draw a triangle (cadre) or diamond (official) of `size` pixels centred at (cx, cy)."""
    ix, iy = int(np.floor(cx)), int(np.floor(cy))
    inside, core, dx, dy = stamp_masks(size, shape, round(cx - ix, 3), round(cy - iy, 3))
    x0, y0 = ix + dx, iy + dy
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + inside.shape[1], rgb.shape[1]), min(y0 + inside.shape[0], rgb.shape[0])
    if cx1 <= cx0 or cy1 <= cy0:
        return
    sub = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
    view = rgb[cy0:cy1, cx0:cx1]
    view[inside[sub]] = outline
    view[core[sub]] = fill


def leaders(model) -> dict[str, list[tuple[int, int]]]:
    """Cell coordinates of cadres and officials (looked up by class name: no agent import)."""
    out = {"Cadre": [], "Official": []}
    for cls, agents in model.agents_by_type.items():
        if cls.__name__ in out:
            out[cls.__name__] += [a.cell.coordinate for a in agents if getattr(a, "cell", None) is not None]
    return out


MIN_PLOT_PX = 6  # below this a plot's colour, frame and death dot no longer read: draw communes


def aggregated(model) -> bool:
    """Whether the map shows communes (averaged) instead of household plots."""
    w, h = np.asarray(model.grid.commune.data).shape
    return TARGET_PX // max(w, h) < MIN_PLOT_PX


def commune_mean(data: np.ndarray, commune: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """Each cell set to its commune's mean (weighted, e.g. hunger by the people living there)."""
    ids = np.where(commune >= 0, commune, 0).ravel()
    wts = np.ones(ids.size) if weight is None else weight.ravel().astype(float)
    vals = np.nan_to_num(data.ravel()) * wts
    total, norm = np.bincount(ids, vals), np.bincount(ids, wts)
    mean = np.divide(total, norm, out=np.zeros_like(total), where=norm > 0)
    return np.where(commune >= 0, mean[ids].reshape(commune.shape), 0.0)


def communes_rgb(model, layer_label: str, k: int, scale_key: int | None) -> np.ndarray:
    """The map of a large world: each commune one colour (its mean), one dot for its deaths
    (radius grows with deaths per plot), black where everyone died, thin boundary lines."""
    grid = model.grid
    layer, cmap, _ = LAYERS[layer_label]
    commune = np.asarray(grid.commune.data)
    alive = np.asarray(grid.alive.data, dtype=float)
    data = layer_data(model, layer_label)
    mean = commune_mean(data, commune, alive if layer == "hunger" else None)
    vmax = FIXED_TOP.get(layer) or SCALES.vmax(id(model) if scale_key is None else scale_key, layer, data)
    idx = np.clip(mean / vmax * 255, 0, 255).astype(np.uint8)
    rgb = lut(cmap)[upscale(idx, k)]
    people = commune_mean(alive, commune)
    deaths = commune_mean(np.asarray(grid.deaths.data, dtype=float), commune)
    if layer == "hunger":
        rgb[upscale((people <= 0) & (deaths > 0) & (commune >= 0), k)] = DIED_OUT
    _, edge = commune_edges(commune, k)
    rgb[edge] = BOUNDARY
    # one dot per commune, at its centre (centres and sizes from counts: no per-commune scans)
    inside = commune >= 0
    cid = commune[inside]
    xs, ys = np.nonzero(inside)
    n = np.bincount(cid)
    ok = n > 0
    cx = np.divide(np.bincount(cid, xs), n, out=np.zeros(n.size), where=ok)
    cy = np.divide(np.bincount(cid, ys), n, out=np.zeros(n.size), where=ok)
    per_plot = np.divide(np.bincount(cid, np.asarray(grid.deaths.data, dtype=float)[inside]), n,
                         out=np.zeros(n.size), where=ok)
    top = commune.shape[1]
    for c in np.nonzero(ok & (per_plot > 0))[0]:
        px, py = (cx[c] + 0.5) * k - 0.5, (top - cy[c] - 0.5) * k - 0.5
        radius = float(np.clip(1.0 + 2.5 * np.sqrt(per_plot[c]), 1.0, np.sqrt(n[c]) * k / 2 - 2))
        y0, x0 = max(int(py - radius) - 1, 0), max(int(px - radius) - 1, 0)
        yy, xx = np.mgrid[y0:int(py + radius) + 2, x0:int(px + radius) + 2]
        disc = (xx - px) ** 2 + (yy - py) ** 2 <= radius ** 2
        rgb[y0:y0 + disc.shape[0], x0:x0 + disc.shape[1]][disc[:rgb.shape[0] - y0, :rgb.shape[1] - x0]] = DEATH_DOT
    return rgb


def grid_rgb(model, layer_label: str = "Hunger", scale_key: int | None = None) -> np.ndarray:
    grid = model.grid
    w, h = np.asarray(grid.commune.data).shape
    if aggregated(model):
        k = max(2, TARGET_PX // max(w, h))
        rgb = communes_rgb(model, layer_label, k, scale_key)
    else:
        k = max(4, TARGET_PX // max(w, h))
        rgb = layer_rgb(model, layer_label, k, scale_key)
        draw_communes(rgb, np.asarray(grid.commune.data), k)
        draw_deaths(rgb, np.asarray(grid.deaths.data, dtype=float), k)
    draw_provinces(rgb, model, k)
    size = max(7, int(k * 1.5))
    for (x, y) in leaders(model)["Cadre"]:
        stamp(rgb, x * k + (k - 1) / 2, (h - 1 - y) * k + (k - 1) / 2, size, "triangle", (255, 255, 255), (0, 0, 0))
    for (x, y) in leaders(model)["Official"]:
        stamp(rgb, x * k + (k - 1) / 2, (h - 1 - y) * k + (k - 1) / 2, size + 3, "diamond", (0, 0, 0), (255, 255, 255))
    return rgb


def grid_png(model, layer_label: str = "Hunger", scale_key: int | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(grid_rgb(model, layer_label, scale_key)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def colour_bar_css(layer_label: str) -> str:
    colours = lut(LAYERS[layer_label][1])[::32].tolist() + [lut(LAYERS[layer_label][1])[-1].tolist()]
    stops = ", ".join(f"rgb({r},{g},{b})" for r, g, b in colours)
    return f"linear-gradient(to right, {stops})"


def legend_html(layer_label: str, top: float | None = None) -> str:
    """Colour bar and symbol key under the map (HTML, so it is crisp and readable by tests)."""
    title = LAYERS[layer_label][2]
    if layer_label == "Hunger":
        ticks = "".join(f"<span>{t}</span>" for t in HUNGER_TICKS)
    else:
        ticks = f"<span>0</span><span>{top:,.0f}</span>" if top is not None else "<span>low</span><span>high</span>"
    frame = COMMUNE_COLOURS[0]
    key = [
        '<svg width="14" height="14"><circle cx="7" cy="7" r="3.5" fill="#141414"/></svg> deaths on the plot (bigger dot = more)',
        '<svg width="14" height="14"><rect width="14" height="14" fill="#000"/></svg> household died out',
        '<svg width="14" height="14"><polygon points="7,1 13,13 1,13" fill="#fff" stroke="#000" stroke-width="2"/></svg> commune cadre',
        '<svg width="14" height="14"><polygon points="7,0 14,7 7,14 0,7" fill="#000" stroke="#fff"/></svg> official',
        f'<svg width="14" height="14"><rect x="1" y="1" width="12" height="12" fill="none" stroke="{frame}" '
        'stroke-width="2.5"/></svg> commune (frame colour; dark lines are boundaries)',
        '<svg width="14" height="14"><rect y="3" width="14" height="8" fill="#000"/><path d="M0 7H4M8 7H12" '
        'stroke="#fff" stroke-width="3"/></svg> province boundary',
    ]
    return (f'<div class="gl-legend" style="font-size:12px;max-width:{TARGET_PX}px">'
            f"<div><b>{title}</b></div>"
            f'<div style="height:10px;background:{colour_bar_css(layer_label)};border:1px solid #999"></div>'
            f'<div style="display:flex;justify-content:space-between">{ticks}</div>'
            + "".join(f'<div style="display:flex;gap:6px;align-items:center">{item}</div>' for item in key)
            + "</div>")
