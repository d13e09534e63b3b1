"""The grain ledger: every kilogram produced ends in a stock, a mouth, seed, a loss or an export.

Each month: change in all stocks = produced + imported - eaten - seed sown - lost - exported.
Procurement, resales, kin gifts, seizures and hall hand-overs only move grain between stocks.
``check`` raises if the balance is off by more than a gram per person, or a stock is negative.
"""

from __future__ import annotations

import numpy as np

FLOWS = ("produced", "imported", "eaten", "seed", "lost", "exported")


class LedgerError(AssertionError):
    pass


class GrainLedger:
    def __init__(self):
        self.flows = dict.fromkeys(FLOWS, 0.0)
        self.before = 0.0
        self.error = 0.0

    @staticmethod
    def stocks(model) -> dict[str, float]:
        hh, com = model.households, model.communes
        return {
            "household_stock": float(hh.stock.sum()),
            "hidden": float(hh.hidden.sum()),
            "granary": float(com.granary.sum()),
            "seed_stock": float(com.seed.sum()),
            "central": float(model.state.stock),
        }

    def open_month(self, model) -> None:
        self.flows = dict.fromkeys(FLOWS, 0.0)
        self.before = sum(self.stocks(model).values())

    def add(self, flow: str, kg) -> None:
        self.flows[flow] += float(np.sum(kg))

    def check(self, model) -> float:
        stocks = self.stocks(model)
        negative = [k for k, v in stocks.items() if v < -1e-6]
        arrays = (model.households.stock, model.households.hidden, model.communes.granary,
                  model.communes.seed)
        if negative or any((a < -1e-6).any() for a in arrays):
            raise LedgerError(f"negative grain stock in {negative or 'a household or commune'}")
        f = self.flows
        expected = self.before + f["produced"] + f["imported"] - f["eaten"] - f["seed"] - f["lost"] - f["exported"]
        self.error = sum(stocks.values()) - expected
        tolerance = 1e-3 * max(1.0, model.rural_population()) + 1e-9 * abs(expected)
        if abs(self.error) > tolerance:
            raise LedgerError(f"grain ledger off by {self.error:.3f} kg in {model.date_label()}")
        return self.error
