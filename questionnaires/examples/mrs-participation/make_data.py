"""Synthetic responses for questionnaires/examples/mrs-participation.yaml: three waves, 2022-2024.

    python questionnaires/examples/mrs-participation/make_data.py      # writes wave2022.csv ... wave2024.csv

Seeded (numpy default_rng(SEED)): the same files every run. The organisation is units.csv beside this
script. What is built in (and what an analysis should find):

* response rate per unit and wave drawn uniformly from 40-80 % of its headcount (binomial), so the
  offices with 6-11 employees have fewer than 5 respondents in some waves;
* five correlated dimensions (r = .45 between persons' latent scores), each with fixed area and unit
  effects and a little wave-to-wave noise at unit level; leaders score higher than employees,
  most on participation in setting goals (+0.5);
* THE CHANGE: feedback on results rises by 0.4 on the latent scale (about 0.3 on the observed 1-5
  items, after rounding and the ends of the scale) in Område Fjord (4620) in 2024 only;
  nothing else changes systematically between waves;
* engagement (three items and a 0-10 recommend item) depends on the dimensions with weights
  participation .10, understanding .25, feedback .20, routines .10, room to act .20 (the drivers);
* each form's items also share a form factor (leaders' relation to the county office; employees' view
  of their leader's work with goals), so the form indices hang together;
* about 3 % of item answers missing at random; leader-form items (lf_*) only for leaders, employee-form
  items (ef_*) only for employees; ~15 % write a comment drawn from a small pool of invented texts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 16_2024
HERE = Path(__file__).resolve().parent
WAVES = (2022, 2023, 2024)
CHANGE = {"wave": 2024, "area": "4620", "dimension": "feedback", "shift": 0.4}

DIMENSIONS = ("participation", "understanding", "feedback", "routines", "room")
BASE_MEAN = {"participation": 2.7, "understanding": 3.6, "feedback": 3.3, "routines": 3.0, "room": 3.1}
LEADER_BONUS = {"participation": 0.5, "understanding": 0.3, "feedback": 0.3, "routines": 0.3, "room": 0.2}
DRIVER_WEIGHTS = {"participation": 0.10, "understanding": 0.25, "feedback": 0.20, "routines": 0.10, "room": 0.20}
ITEMS = {  # item id -> (dimension, offset from the dimension's mean)
    "goals_involved": ("participation", -0.1), "goals_influence": ("participation", -0.2),
    "goals_own_targets": ("participation", 0.2),
    "goals_understood": ("understanding", 0.3), "goals_meaningful": ("understanding", -0.2),
    "goals_accepted": ("understanding", 0.1), "goals_operationalised": ("understanding", -0.3),
    "feedback_regular": ("feedback", 0.2), "feedback_accessible": ("feedback", 0.0),
    "feedback_discussed": ("feedback", -0.2),
    "routines_fixed": ("routines", 0.2), "routines_best_practice": ("routines", -0.3),
    "routines_lead_to_action": ("routines", 0.0),
    "room_choose_means": ("room", 0.0), "room_local_adaptation": ("room", 0.3),
    "room_professional_judgement": ("room", -0.2),
}
LEADER_ITEMS = {"lf_county_involves_me": ("participation", -0.4), "lf_county_feedback_useful": ("feedback", 0.0),
                "lf_involve_staff_goals": ("participation", 0.9), "lf_room_from_county": ("room", -0.2)}
EMPLOYEE_ITEMS = {"ef_leader_explains_goals": ("understanding", 0.0), "ef_leader_shares_results": ("feedback", 0.2),
                  "ef_leader_asks_input": ("participation", 0.3)}
ENGAGEMENT_ITEMS = {"engaged_motivated": 0.3, "engaged_mrs_useful": -0.4, "engaged_proud": 0.1}
COMMENTS = [
    "Målene kommer ovenfra uten at vi blir spurt.",
    "Mer tid til å drøfte resultatene på teammøtene.",
    "Statistikken er vanskelig å finne og forstå.",
    "Vi trenger mål som passer for vårt kontor, ikke bare fylkets.",
    "God oppfølging fra leder, vi ser hva vi får til.",
    "For mange indikatorer, vanskelig å prioritere.",
    "Ønsker å lære mer av kontor som lykkes.",
    "Resultatmøtene har blitt bedre det siste året.",
    "Lite handlingsrom når alt styres av målekortet.",
    "Bra at vi selv kan velge tiltak.",
]


def read_units() -> pd.DataFrame:
    units = pd.read_csv(HERE / "units.csv", dtype={"code": str, "parent": str})
    return units[units["headcount"].notna()].copy()  # the units respondents belong to (leaves)


def organisation_effects(rng, units: pd.DataFrame) -> tuple[dict, dict]:
    areas = sorted(units["parent"].unique())
    area_fx = {a: {d: rng.normal(0, 0.10) for d in DIMENSIONS} for a in areas}
    unit_fx = {u: {d: rng.normal(0, 0.20) for d in DIMENSIONS} for u in units["code"]}
    return area_fx, unit_fx


def one_wave(rng, year: int, units: pd.DataFrame, area_fx: dict, unit_fx: dict) -> pd.DataFrame:
    corr = np.full((5, 5), 0.45) + 0.55 * np.eye(5)
    frames = []
    for code, parent, headcount in units[["code", "parent", "headcount"]].itertuples(index=False):
        headcount = int(headcount)
        n = rng.binomial(headcount, rng.uniform(0.40, 0.80))
        if n == 0:
            continue
        leaders = 1 + headcount // 12
        role = np.where(rng.random(n) < leaders / headcount, 1, 2)
        latent = rng.multivariate_normal(np.zeros(5), corr, size=n) * 0.7
        scores = {}
        for k, d in enumerate(DIMENSIONS):
            mean = BASE_MEAN[d] + area_fx[parent][d] + unit_fx[code][d] + rng.normal(0, 0.05)
            if year == CHANGE["wave"] and parent == CHANGE["area"] and d == CHANGE["dimension"]:
                mean += CHANGE["shift"]
            scores[d] = mean + LEADER_BONUS[d] * (role == 1) + latent[:, k]
        engagement = 3.5 + sum(w * (scores[d] - BASE_MEAN[d]) for d, w in DRIVER_WEIGHTS.items()) \
            + rng.normal(0, 0.45, n)
        frame = {"role": role, "unit": code, "tenure": rng.choice([1, 2, 3, 4], n, p=[.12, .25, .23, .40])}

        def likert(centre, size=n):
            return np.clip(np.rint(centre + rng.normal(0, 0.55, size)), 1, 5)

        for item, (d, off) in ITEMS.items():
            frame[item] = likert(scores[d] + off)
        for item, off in ENGAGEMENT_ITEMS.items():
            frame[item] = likert(engagement + off)
        frame["recommend_workplace"] = np.clip(np.rint(7.8 + 2.0 * (engagement - 3.5) + rng.normal(0, 1.3, n)), 0, 10)
        # a form-specific factor shared by each form's items: leaders' relation to the county office,
        # employees' view of their leader's work with goals
        relation = rng.normal(0, 0.6, n)
        for item, (d, off) in LEADER_ITEMS.items():
            frame[item] = np.where(role == 1, likert(0.5 * scores[d] + 0.5 * BASE_MEAN[d] + off + relation), np.nan)
        for item, (d, off) in EMPLOYEE_ITEMS.items():
            frame[item] = np.where(role == 2, likert(0.5 * scores[d] + 0.5 * BASE_MEAN[d] + off + relation), np.nan)
        writes = rng.random(n) < 0.15
        frame["comment_improve"] = np.where(writes, rng.choice(COMMENTS, n), "")
        frames.append(pd.DataFrame(frame))
    data = pd.concat(frames, ignore_index=True)
    answers = [c for c in data.columns if c in ITEMS or c in ENGAGEMENT_ITEMS or c == "recommend_workplace"]
    holes = rng.random((len(data), len(answers))) < 0.03
    data[answers] = data[answers].mask(holes)
    data = data.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)
    data.insert(0, "respondent_id", [f"{year}-{i + 1:05d}" for i in range(len(data))])
    for col in data.columns:
        if col not in ("respondent_id", "unit", "comment_improve"):
            data[col] = data[col].astype("Int64")
    return data


def main(out_dir: Path = HERE) -> None:
    rng = np.random.default_rng(SEED)
    units = read_units()
    area_fx, unit_fx = organisation_effects(rng, units)
    for year in WAVES:
        data = one_wave(rng, year, units, area_fx, unit_fx)
        path = Path(out_dir) / f"wave{year}.csv"
        data.to_csv(path, index=False, encoding="utf-8")
        print(f"{path.name}: {len(data)} respondents")


if __name__ == "__main__":
    main()
