"""Inspect any agent: a click on the map names the plot under it, and this module describes,
from the model's Mesa agents, the household's people (``FamineModel.peasant`` makes a person's
Peasant agent on demand), the commune's cadre and the official over it."""

from __future__ import annotations

import html

import numpy as np

from greatleap.labour import TASKS


def cell_at(model, fx: float, fy: float) -> tuple[int, int]:
    """The grid cell under a click at (fx, fy), fractions of the map image (y down, map y up)."""
    w, h = np.asarray(model.grid.commune.data).shape
    x = min(max(int(fx * w), 0), w - 1)
    y = h - 1 - min(max(int(fy * h), 0), h - 1)
    return x, y


def _row(cells) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"


def describe(model, x: int, y: int, limit: int = 12) -> str:
    """HTML describing the agents at plot (x, y)."""
    parts = [f"<b>Plot ({x}, {y})</b>"]
    hh = model.households
    found = np.nonzero((np.asarray(hh.x) == x) & (np.asarray(hh.y) == y))[0]
    if found.size:
        h = int(found[0])
        people = np.nonzero((np.asarray(model.people.household) == h) & np.asarray(model.people.alive, bool))[0]
        parts.append(f"Household {h}, commune {int(model.grid.commune.data[x, y])}: {people.size} people alive; "
                     f"hidden grain {float(hh.hidden[h]):,.0f} kg")
        rows = []
        for i in people[:limit]:
            p = model.peasant(int(i))  # the person's Mesa agent
            rows.append(_row([int(p.index), f"{p.age:.0f}", "F" if p.female else "M", f"{p.bmi:.1f}",
                              p.hunger_state, TASKS[int(p.labour)] if 0 <= int(p.labour) < len(TASKS) else "-",
                              f"{p.kcal:,.0f}"]))
        if rows:
            parts.append('<table class="gl-inspect-people"><tr><th>person</th><th>age</th><th>sex</th>'
                         "<th>body mass index</th><th>hunger</th><th>task</th><th>kcal/day</th></tr>"
                         + "".join(rows) + "</table>")
        if people.size > limit:
            parts.append(f"... and {people.size - limit} more")
    else:
        parts.append("No household on this plot.")
    for cls_name, agents in model.agents_by_type.items():
        name = cls_name.__name__
        for a in agents:
            if name in ("Cadre", "Official") and getattr(a, "cell", None) is not None and a.cell.coordinate == (x, y):
                if name == "Cadre":
                    parts.append(f"<b>Cadre</b> of commune {a.commune}: ambition {a.ambition:.2f}, risk aversion "
                                 f"{a.risk_aversion:.2f}, loyalty {a.loyalty:.2f}; last report {a.last_markup:+.0%} "
                                 f"against the truth; criticised {a.criticised_count} times; holders of this post "
                                 f"purged so far {a.purged_count}")
                else:
                    parts.append(f"<b>Official</b> over communes {', '.join(map(str, a.communes))}: career stake "
                                 f"{a.career_stake:.2f}")
    return '<div class="gl-inspect">' + "<br>".join(parts) + "</div>"
