"""Generate the SYNTHETIC scorecard data that the seed documents do not print. Seeded: rerunning gives the
same files. Run from the repository root:  python questionnaires/scorecards/make_synthetic.py

1. oslo2012/audit_synthetic.csv: 300 audited cases (3 offices x 100) with rubric scores 0/1/2 on four
   criteria. Each office's score counts per criterion equal the printed distributions (003 Figs 9, 11, 13),
   so means and shares computed from these rows equal the printed ones; the case-level pairing is invented,
   arranged so that the within-office correlations of programme quality with the other three criteria come
   within 0.01 of 003 Fig. 7 (the nearest values 100 cases with those counts allow). A second coder's scores for every 5th case are invented (about 15 % of the
   codes moved to a neighbouring value) so that Cohen's kappa can be shown; the study reports no second coder.
2. thomassen2016/registrations_synthetic.csv: time-stamped B22 registrations for 21 offices over the 2015
   counting calendar (000 Fig. 19), with the bunching before each counting deadline that 000 Fig. 18 shows
   (rate x 2.5 in the last 7 days), fewer registrations in the summer holiday (weeks 28-31), none at weekends.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
CRITERIA = ["work_ability", "follow_up", "plan_quality", "programme_quality"]
# counts of scores 0, 1, 2 per criterion (003 Figs 9, 11, 13; lines 2565-2577, 2860-2872, 3209-3221)
PRINTED = {
    "NAV Nordstrand": {"work_ability": (60, 26, 14), "follow_up": (38, 35, 27), "plan_quality": (47, 28, 25),
                       "programme_quality": (45, 31, 24)},
    "NAV Søndre Nordstrand": {"work_ability": (34, 40, 26), "follow_up": (14, 43, 43), "plan_quality": (23, 30, 47),
                              "programme_quality": (32, 29, 39)},
    "NAV Østensjø": {"work_ability": (31, 29, 40), "follow_up": (47, 32, 21), "plan_quality": (34, 31, 35),
                     "programme_quality": (36, 26, 38)},
}
# r of programme quality with the others (003 Fig. 7, lines 2449-2457)
TARGET_R = {"NAV Nordstrand": {"work_ability": 0.06, "follow_up": 0.40, "plan_quality": 0.54},
            "NAV Søndre Nordstrand": {"work_ability": 0.16, "follow_up": -0.07, "plan_quality": 0.45},
            "NAV Østensjø": {"work_ability": 0.20, "follow_up": 0.20, "plan_quality": 0.57}}
CODES = {"NAV Nordstrand": "NOR", "NAV Søndre Nordstrand": "SNO", "NAV Østensjø": "OST"}


def scores_from_counts(counts, rng):
    v = np.repeat([0, 1, 2], counts)
    return rng.permutation(v)


def match_correlation(reference, values, target, rng, tol=0.0025, max_iter=20_000):
    """Swap pairs of values (keeping their counts) while that brings r(reference, values) closer to target;
    r moves in steps of about 0.015 with 100 cases, so the result is the nearest reachable value (checked
    to be within 0.01)."""
    v = values.copy()
    r = np.corrcoef(reference, v)[0, 1]
    for _ in range(max_iter):
        if abs(r - target) < tol:
            return v
        i, j = rng.integers(0, len(v), 2)
        if v[i] == v[j]:
            continue
        v[i], v[j] = v[j], v[i]
        r_new = np.corrcoef(reference, v)[0, 1]
        if abs(r_new - target) < abs(r - target):
            r = r_new
        else:
            v[i], v[j] = v[j], v[i]
    if abs(r - target) > 0.01:
        raise RuntimeError(f"could not reach r = {target} (got {r:.4f})")
    return v


def make_audit(rng):
    rows = []
    for office, counts in PRINTED.items():
        ref = scores_from_counts(counts["programme_quality"], rng)
        cols = {"programme_quality": ref}
        for c in ("work_ability", "follow_up", "plan_quality"):
            cols[c] = match_correlation(ref, scores_from_counts(counts[c], rng), TARGET_R[office][c], rng)
        for k in range(100):
            row = {"office": office, "case": f"{CODES[office]}-{k + 1:03d}", "order": k + 1}
            row.update({c: int(cols[c][k]) for c in CRITERIA})
            for c in CRITERIA:
                second = ""
                if k % 5 == 0:
                    s = int(cols[c][k])
                    if rng.random() < 0.15:
                        s = 1 if s != 1 else int(rng.choice([0, 2]))
                    second = s
                row[c + "_coder2"] = second
            rows.append(row)
    path = HERE / "oslo2012" / "audit_synthetic.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


CALENDAR_2015 = [("2014-11-25", "2014-12-15"), ("2014-12-16", "2015-01-26"), ("2015-01-27", "2015-02-23"),
                 ("2015-02-24", "2015-03-23"), ("2015-03-24", "2015-04-27"), ("2015-04-28", "2015-05-25"),
                 ("2015-05-26", "2015-06-29"), ("2015-06-30", "2015-07-27"), ("2015-07-28", "2015-08-24"),
                 ("2015-08-25", "2015-09-28"), ("2015-09-29", "2015-10-26"), ("2015-10-27", "2015-11-23"),
                 ("2015-11-24", "2015-12-14")]


def make_registrations(rng):
    offices = pd.read_csv(HERE / "thomassen2016" / "offices.csv")
    akershus = offices.loc[offices["county"] == "Akershus", "office"].tolist()
    holiday = (pd.Timestamp("2015-07-06"), pd.Timestamp("2015-08-02"))  # ISO weeks 28-31 of 2015
    rows = []
    for office in akershus:
        base = rng.uniform(0.8, 2.0)
        for first, last in CALENDAR_2015:
            days = pd.date_range(first, last, freq="D")
            for day in days:
                if day.day_of_week >= 5:
                    continue
                rate = base * (2.5 if (pd.Timestamp(last) - day).days < 7 else 1.0)
                if holiday[0] <= day <= holiday[1]:
                    rate *= 0.2
                for _ in range(rng.poisson(rate)):
                    rows.append((office, day.date().isoformat()))
    path = HERE / "thomassen2016" / "registrations_synthetic.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["office", "date"])
        w.writerows(rows)
    return path, len(rows)


if __name__ == "__main__":
    rng = np.random.default_rng(20120301)
    print(make_audit(rng))
    print(*make_registrations(np.random.default_rng(20151214)))
