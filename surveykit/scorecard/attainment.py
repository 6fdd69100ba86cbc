"""(a) Target attainment and the traffic-light matrix (unit × indicator), as in Thomassen (2016) Fig. 4.

Colours: green at or beyond the green threshold (the target unless bands say otherwise), yellow at or beyond
the yellow threshold, else red; black where the unit has no value. An indicator without a target is coloured
against the mean of the units (Thomassen's rule for B23: "scores on average or better"), and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from surveykit.jsonsafe import to_jsonable

from .spec import Indicator

COLOURS = ("green", "yellow", "red", "black")


def traffic_light(value: float | None, green: float, yellow: float | None = None, direction: str = "higher") -> str:
    """The colour of one value: 'green', 'yellow', 'red' or 'black' (no value).

    >>> traffic_light(46, green=45, yellow=40)
    'green'
    >>> traffic_light(12, green=10, yellow=15, direction="lower")
    'yellow'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "black"
    sign = 1.0 if direction == "higher" else -1.0
    if sign * (value - green) >= 0:
        return "green"
    if yellow is not None and sign * (value - yellow) >= 0:
        return "yellow"
    return "red"


@dataclass(frozen=True)
class Attainment:
    """``colours``: unit × indicator colour names; ``thresholds``: per indicator the green (and yellow)
    threshold and its basis ('target', 'bands' or 'mean of units'); ``counts``: per indicator the number of
    units of each colour; ``by_group``: units at target (green) per group and indicator, with n."""

    colours: pd.DataFrame
    values: pd.DataFrame
    thresholds: pd.DataFrame
    counts: pd.DataFrame
    by_group: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.counts

    def to_dict(self) -> dict:
        return to_jsonable({"colours": self.colours.reset_index().to_dict(orient="records"),
                            "thresholds": self.thresholds, "counts": self.counts, "by_group": self.by_group})


def target_attainment(table: pd.DataFrame, indicators: list[Indicator], group: pd.Series | None = None) -> Attainment:
    """Colour every unit × indicator cell and count units at target, overall and per group.

    ``table``: one row per unit (index = unit id), one column per indicator id. ``group``: the unit's group
    (e.g. county), aligned with ``table``'s index; ``None`` for no grouping.

    Example: ``target_attainment(offices[["B16", "B22"]], [b16, b22], offices["group"])``.
    """
    cols = [i for i in indicators if i.id in table.columns]
    colours, thresholds = {}, []
    for ind in cols:
        values = table[ind.id].astype(float)
        green = ind.green_threshold()
        yellow = ind.bands.yellow if ind.bands is not None else None
        basis = "bands" if ind.bands is not None else "target"
        if green is None:
            green, basis = float(values.mean()), "mean of units"
        thresholds.append({"indicator": ind.id, "green": green, "yellow": yellow, "basis": basis,
                           "direction": ind.direction, "n": int(values.notna().sum())})
        colours[ind.id] = [traffic_light(v, green, yellow, ind.direction) for v in values]
    colour_frame = pd.DataFrame(colours, index=table.index)
    counts = pd.DataFrame([{"indicator": c, **{k: int((colour_frame[c] == k).sum()) for k in COLOURS},
                            "n": len(colour_frame)} for c in colour_frame.columns])
    rows = []
    if group is not None:
        g = group.reindex(table.index)
        for name in sorted(g.dropna().unique()):
            members = colour_frame[g == name]
            for c in colour_frame.columns:
                with_value = int((members[c] != "black").sum())
                at = int((members[c] == "green").sum())
                rows.append({"group": name, "indicator": c, "n_units": len(members), "n_with_value": with_value,
                             "n_at_target": at, "share_at_target": at / with_value if with_value else float("nan")})
    by_group = pd.DataFrame(rows, columns=["group", "indicator", "n_units", "n_with_value", "n_at_target",
                                           "share_at_target"])
    return Attainment(colour_frame, table[[i.id for i in cols]], pd.DataFrame(thresholds), counts, by_group)
