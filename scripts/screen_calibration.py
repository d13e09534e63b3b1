"""Which uncertainties move the four national series: a screen of a calibration's prior generation.

    python scripts/screen_calibration.py calibrations/all83 [--cell 0.18] [--distance 0.15]

Generation 1 of a calibration is a sample of the prior (epsilon infinite) with every tuning cell
of every particle stored. For each inferred parameter this prints the largest Spearman rank
correlation between its draws and any one cell, and its correlation with the distance to the
record; a parameter above either threshold is kept. With n particles an independent parameter's
correlation with one cell has a standard deviation of about 1/sqrt(n) (0.058 at n = 300), and its
largest over 19 cells rarely exceeds 0.15: the default thresholds sit just above that noise.
Ranks do not depend on the scale, so the logit-scale particles need no conversion.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
from scipy.stats import spearmanr

from greatleap.calibration.run import DB_NAME, db_url
from greatleap.params import PARAMS


def screen(folder: Path) -> pd.DataFrame:
    history = pyabc.History(db_url(folder), create=False, _id=1)
    params, _ = history.get_distribution(m=0, t=0)
    _, stats = history.get_weighted_sum_stats(t=0)
    cells = pd.DataFrame(stats)
    distance = history.get_weighted_distances(0).distance.to_numpy()
    rows = []
    for name in params.columns:
        rho = [abs(spearmanr(params[name], cells[c], nan_policy="omit").statistic) for c in cells.columns]
        best = int(np.nanargmax(rho))
        rows.append({"parameter": name, "cell_rho": rho[best], "cell": cells.columns[best],
                     "distance_rho": spearmanr(params[name], distance).statistic})
    return pd.DataFrame(rows).set_index("parameter").sort_values("cell_rho", ascending=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--cell", type=float, default=0.18, help="keep if |rho| with some cell is at least this")
    ap.add_argument("--distance", type=float, default=0.15, help="keep if |rho| with the distance is at least this")
    args = ap.parse_args(argv)
    if not (args.folder / DB_NAME).is_file():
        print(f"folder: {args.folder} holds no history.db; allowed: a folder `greatleap calibrate` wrote",
              file=sys.stderr)
        return 2
    table = screen(args.folder)
    table["kept"] = (table.cell_rho >= args.cell) | (table.distance_rho.abs() >= args.distance)
    print(table.round(3).to_string())
    kept = [n for n in PARAMS if n in table.index[table.kept]]  # declaration order
    print(f"\n{len(kept)} of {len(table)} kept:\ninfer = [\n" + "".join(f'    "{n}",\n' for n in kept) + "]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
