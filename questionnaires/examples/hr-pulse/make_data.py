"""Synthetic answers for questionnaires/examples/hr-pulse.yaml: 160 employees, seeded (numpy, seed 2026).

    python questionnaires/examples/hr-pulse/make_data.py      # writes hr-pulse/responses.csv beside it

Model: two correlated latent traits per respondent (work: leadership and conditions; engagement), shifted
by department and tenure; each answer is its trait plus noise, cut into the 1-5 scale. "I often think
about leaving" is driven by engagement with the opposite sign (agreeing = low engagement). About 6% of
the leadership and resources answers are "Don't know" (9) and about 2% of all answers are left empty.
Legal has 3 people, below the minimum group size of 5.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 2026
DEPARTMENTS = [1] * 60 + [2] * 52 + [3] * 45 + [4] * 3  # Sales, Operations, Customer service, Legal
ITEMS = ["clear_goals", "feedback", "manager_support", "recognition", "workload", "resources", "cooperation",
         "voice", "proud", "recommend", "leaving", "future"]
# (trait, loading): trait 0 = work, 1 = engagement; "leaving" loads negatively on engagement
LOADINGS = {"clear_goals": (0, 0.6), "feedback": (0, 0.8), "manager_support": (0, 0.8), "recognition": (0, 0.7),
            "workload": (0, 0.6), "resources": (0, 0.6), "cooperation": (0, 0.5), "voice": (0, 0.6),
            "proud": (1, 0.8), "recommend": (1, 0.8), "leaving": (1, -0.8), "future": (1, 0.7)}
DONT_KNOW = {"feedback", "manager_support", "recognition", "resources"}
DEPARTMENT_SHIFT = {1: 0.4, 2: -0.3, 3: 0.0, 4: 0.2}
TENURE_SHIFT = {1: 0.3, 2: 0.0, 3: -0.2}
COMMENTS = ["More flexible hours would help", "Good team", "Too many meetings",
            "The new system is slow", "Thanks for asking"]


def draw(n_seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(n_seed)
    departments = rng.permutation(DEPARTMENTS)
    n = len(departments)
    tenure = rng.choice([1, 2, 3], size=n, p=[0.3, 0.4, 0.3])
    age = np.clip(np.round(rng.normal(42, 10, size=n)), 20, 66).astype(int)
    age[tenure == 1] = np.clip(age[tenure == 1] - 6, 20, 66)
    shift = np.array([DEPARTMENT_SHIFT[d] for d in departments]) + np.array([TENURE_SHIFT[t] for t in tenure])
    traits = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=n) + shift[:, None]
    rows = []
    for i in range(n):
        row = {"respondent": f"R{i + 1:03d}", "department": int(departments[i]), "tenure": int(tenure[i]),
               "age": int(age[i])}
        for item in ITEMS:
            trait, loading = LOADINGS[item]
            latent = 0.4 + loading * traits[i, trait] + rng.normal(0, 0.7)
            answer = int(np.digitize(latent, [-1.2, -0.4, 0.3, 1.0]) + 1)
            u = rng.random()
            if item in DONT_KNOW and u < 0.06:
                row[item] = 9
            elif u > 0.98:
                row[item] = ""
            else:
                row[item] = answer
        row["comment"] = COMMENTS[rng.integers(len(COMMENTS))] if rng.random() < 0.2 else ""
        rows.append(row)
    return rows


def main() -> Path:
    out = Path(__file__).with_name("responses.csv")
    rows = draw()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["respondent", *ITEMS, "department", "tenure", "age", "comment"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out


if __name__ == "__main__":
    print(main())
