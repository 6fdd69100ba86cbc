"""Writes data.csv for tests/data/inference/questionnaire.yaml: a seeded synthetic staff survey.

240 respondents in 4 departments, sampled out of proportion to the (made-up) headcounts in
population.csv, so that weighting changes the estimates; items depend on a department effect, so the
ICC by department is clearly above zero. Run from the repository: python tests/data/inference/make_data.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def main() -> None:
    rng = np.random.default_rng(20261201)
    # respondents per department x gender (rows: dept 1-4; columns: gender 1, 2)
    cells = {(1, 1): 40, (1, 2): 30, (2, 1): 20, (2, 2): 45, (3, 1): 35, (3, 2): 15, (4, 1): 25, (4, 2): 30}
    dept_effect = {1: 0.5, 2: -0.3, 3: 0.0, 4: -0.6}
    rows = []
    for (dept, gender), n in cells.items():
        for _ in range(n):
            latent = dept_effect[dept] + 0.3 * (gender == 2) + rng.normal()
            strain = -0.4 * dept_effect[dept] + rng.normal()
            items = [latent + rng.normal(scale=0.8) for _ in range(3)] + [strain + rng.normal(scale=0.8)
                                                                          for _ in range(3)]
            rows.append([int(np.clip(np.round(3 + v), 1, 5)) for v in items] + [gender, dept])
    frame = pd.DataFrame(rows, columns=["q1", "q2", "q3", "q4", "q5", "q6", "gender", "dept"])
    frame = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    frame.insert(0, "rid", np.arange(1, len(frame) + 1))
    frame.to_csv(HERE / "data.csv", index=False)


if __name__ == "__main__":
    main()
