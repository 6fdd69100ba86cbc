"""Generate the SYNTHETIC scorecard of the 25 offices of the mrs-participation example (a fictional county,
questionnaires/examples/mrs-participation/units.csv), for the survey <-> scorecard link (analysis h).
Seeded: rerunning gives the same file. Run from the repository root:

    python questionnaires/scorecards/make_mrs_offices.py

Nothing here is real. B16 (transition to work, %) is made to rise with the office's mean agreement on the
survey's goal-participation items (goals_involved, goals_influence, goals_own_targets in wave2024.csv; answers
1-5, anything else ignored) plus noise, so that the example shows a link of moderate size; B22 (employer
assistance, count per month) follows the office's headcount; B53 (job matches, %) is noise around 20.
The county office (4690) has no scorecard row: offices are the units under the four areas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
EXAMPLE = HERE.parent / "examples" / "mrs-participation"
ITEMS = ["goals_involved", "goals_influence", "goals_own_targets"]


def main() -> None:
    rng = np.random.default_rng(20241)
    units = pd.read_csv(EXAMPLE / "units.csv", dtype={"code": str, "parent": str})
    areas = set(units.loc[units["parent"] == "4600", "code"]) - {"4690"}
    offices = units[units["parent"].isin(areas)].reset_index(drop=True)
    wave = pd.read_csv(EXAMPLE / "wave2024.csv", dtype={"unit": str})
    items = wave[ITEMS].apply(pd.to_numeric, errors="coerce").where(lambda v: (v >= 1) & (v <= 5))
    office_mean = items.mean(axis=1).groupby(wave["unit"]).mean()
    m = office_mean.reindex(offices["code"]).to_numpy()
    z = (m - np.nanmean(m)) / np.nanstd(m)
    z = np.where(np.isnan(z), 0.0, z)
    b16 = np.clip(40 + 4.0 * z + rng.normal(0, 2.5, len(offices)), 0, 100)
    b22 = rng.poisson(offices["headcount"].to_numpy(dtype=float) * 0.6 + 3)
    b53 = np.clip(20 + rng.normal(0, 5, len(offices)), 0, 100)
    out = pd.DataFrame({"office": offices["code"], "B16": b16.round(1), "B22": b22, "B53": b53.round(1)})
    out.to_csv(HERE / "mrs-offices" / "offices_synthetic.csv", index=False)
    print(f"{len(out)} offices written")


if __name__ == "__main__":
    main()
