"""Synthetic employee-survey cycle at organisation scale for the benchmark (issue 16 item 8).

    python benchmarks/hr_cycle_data.py                       # 1,000,000 respondents x 2 waves, 1,000 offices
    python benchmarks/hr_cycle_data.py --n 20000 --units 1000 --areas 50

Writes into ``benchmarks/data/hr_n<N>_u<UNITS>/`` (git-ignored):

* ``units.csv``: one root (code 1), ``--areas`` areas (codes 100, 101, ...) and ``--units`` offices
  (codes 10000, 10001, ...; office ``i`` is in area ``i * areas // units``), with headcounts on the offices;
* ``wave2024.csv`` and ``wave2025.csv``: ``--n`` respondents each, the columns of
  questionnaires/examples/mrs-participation.yaml, numeric respondent ids;
* ``mrs-participation.yaml``: the bundled questionnaire with the generated office codes as the codes of
  its ``unit`` background question (the spec validates respondents' unit codes against them), the area
  recode mapping every office to its area, ``organisation`` pointing at ``units.csv`` and ``waves`` at
  the 2024 wave; the sample file is the 2025 wave. Everything else (items, indices, plan, drivers with
  1,000 bootstrap resamples, engagement, eNPS) is the bundled questionnaire's.

The data model is the bundled example's (its make_data.py: five correlated dimensions with area and
office effects, leaders higher, engagement driven by the dimensions, eNPS from engagement, form items by
role, 3 % missing answers, ~15 % comments), drawn for all respondents at once (numpy, no per-row or
per-unit Python loops). Office sizes are log-normal (a few large offices, many small ones) with about
2 % of offices having fewer than 5 respondents, so hiding small units across the tree is exercised. The
change built in: feedback on results +0.4 (latent) in the first area's offices in 2025.

Seeded: the same files every run for the same arguments.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
BUNDLED = ROOT / "questionnaires" / "examples" / "mrs-participation.yaml"
SEED = 16_8
WAVES = (2024, 2025)


def _example_model():
    """The bundled example's constants (items, dimensions, weights, comments): one data model, not two."""
    path = BUNDLED.parent / "mrs-participation" / "make_data.py"
    spec = importlib.util.spec_from_file_location("_mrs_make_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


M = _example_model()


def folder(n: int, units: int) -> Path:
    return DATA / f"hr_n{n}_u{units}"


# ------------------------------------------------------------------------------------------ organisation
def organisation(rng, n: int, n_units: int, n_areas: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Units table, each office's area number and each office's expected share of respondents."""
    office_area = np.arange(n_units) * n_areas // n_units
    size = rng.lognormal(0.0, 0.8, n_units)
    tiny = rng.random(n_units) < 0.02                       # offices left with a handful of respondents
    size[tiny] = 0.0
    share = size / size.sum()
    rate = rng.uniform(0.40, 0.80, n_units)
    expected = share * n
    headcount = np.where(tiny, rng.integers(3, 10, n_units), np.ceil(expected / rate) + 5).astype(np.int64)
    codes = np.concatenate([[1], 100 + np.arange(n_areas), 10_000 + np.arange(n_units)])
    parents = np.concatenate([[-1], np.ones(n_areas, dtype=np.int64), 100 + office_area])
    names = (["Organisation"] + [f"Area {a + 1}" for a in range(n_areas)]
             + [f"Office {i + 1}" for i in range(n_units)])
    table = pd.DataFrame({
        "code": codes, "name": names,
        "parent": pd.array(np.where(parents < 0, 0, parents), dtype="Int64"),
        "headcount": pd.array(np.concatenate([np.zeros(1 + n_areas, dtype=np.int64), headcount]), dtype="Int64"),
    })
    table.loc[0, "parent"] = pd.NA
    table.loc[: n_areas, "headcount"] = pd.NA                # rolled up from the offices
    return table, office_area, np.column_stack([share, headcount, rate])


def office_counts(rng, n: int, offices: np.ndarray) -> np.ndarray:
    """Respondents per office for one wave: tiny offices get 0-4, the rest share the remaining n."""
    share, headcount, rate = offices.T
    tiny = share == 0
    small = np.minimum(rng.binomial(headcount[tiny].astype(np.int64), rate[tiny]), 4)
    counts = np.zeros(len(share), dtype=np.int64)
    counts[tiny] = small
    counts[~tiny] = rng.multinomial(n - small.sum(), share[~tiny])
    return counts


# ------------------------------------------------------------------------------------------ one wave
def one_wave(rng, n: int, year: int, counts: np.ndarray, office_area: np.ndarray,
             area_fx: np.ndarray, unit_fx: np.ndarray) -> pd.DataFrame:
    dims = M.DIMENSIONS
    office = np.repeat(np.arange(len(counts)), counts)
    rng.shuffle(office)
    area = office_area[office]
    role = np.where(rng.random(n) < 1 / 12, 1, 2)
    corr = np.full((5, 5), 0.45) + 0.55 * np.eye(5)
    latent = rng.standard_normal((n, 5)) @ np.linalg.cholesky(corr).T * 0.7
    wave_noise = rng.normal(0, 0.05, (len(counts), 5))
    base = np.array([M.BASE_MEAN[d] for d in dims])
    bonus = np.array([M.LEADER_BONUS[d] for d in dims])
    scores = (base + area_fx[area] + unit_fx[office] + wave_noise[office]
              + bonus * (role == 1)[:, None] + latent)
    if year == WAVES[-1]:
        scores[:, dims.index("feedback")] += 0.4 * (area == 0)
    weights = np.array([M.DRIVER_WEIGHTS[d] for d in dims])
    engagement = 3.5 + (scores - base) @ weights + rng.normal(0, 0.45, n)

    def likert(centre):
        return np.clip(np.rint(centre + rng.normal(0, 0.55, n)), 1, 5)

    col = {d: k for k, d in enumerate(dims)}
    frame = {"respondent_id": np.arange(1, n + 1, dtype=np.int64), "role": role,
             "unit": 10_000 + office, "tenure": rng.choice([1, 2, 3, 4], n, p=[.12, .25, .23, .40])}
    for item, (d, off) in M.ITEMS.items():
        frame[item] = likert(scores[:, col[d]] + off)
    for item, off in M.ENGAGEMENT_ITEMS.items():
        frame[item] = likert(engagement + off)
    frame["recommend_workplace"] = np.clip(np.rint(7.8 + 2.0 * (engagement - 3.5) + rng.normal(0, 1.3, n)), 0, 10)
    relation = rng.normal(0, 0.6, n)
    for items, who in ((M.LEADER_ITEMS, 1), (M.EMPLOYEE_ITEMS, 2)):
        for item, (d, off) in items.items():
            frame[item] = np.where(role == who, likert(0.5 * scores[:, col[d]] + 0.5 * M.BASE_MEAN[d] + off
                                                       + relation), np.nan)
    answers = [*M.ITEMS, *M.ENGAGEMENT_ITEMS, "recommend_workplace"]
    for item in answers:
        frame[item][rng.random(n) < 0.03] = np.nan
    comments = np.array(M.COMMENTS, dtype=object)
    frame["comment_improve"] = np.where(rng.random(n) < 0.15, comments[rng.integers(0, len(comments), n)], "")
    data = pd.DataFrame(frame)
    for name in data.columns:
        if data[name].dtype == np.float64:
            data[name] = data[name].astype("Int8")
    return data


# ------------------------------------------------------------------------------------------ questionnaire
def questionnaire(units: pd.DataFrame, n_areas: int) -> dict:
    # libyaml, as surveykit reads it (PyYAML's pure-Python parser rejects "?" in a flow mapping)
    spec = yaml.load(BUNDLED.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    offices = units.iloc[1 + n_areas:]
    spec["meta"]["id"] = "mrs-participation-bench"
    spec["organisation"] = {"units": "units.csv", "unit_variable": "unit", "level": 1}
    spec["waves"]["current"] = str(WAVES[-1])
    spec["waves"]["previous"] = [{"label": str(y), "file": f"wave{y}.csv"} for y in WAVES[:-1]]
    unit = next(b for b in spec["background"] if b["id"] == "unit")
    unit["codes"] = dict(zip(offices["code"].tolist(), offices["name"].tolist()))
    area = next(r for r in spec["recodes"] if r["id"] == "area")
    area["map"] = dict(zip(offices["code"].tolist(), offices["parent"].astype(int).tolist()))
    area["codes"] = {int(c): str(nm) for c, nm in zip(units["code"].iloc[1:1 + n_areas], units["name"].iloc[1:1 + n_areas])}
    if "weights" in spec["analysis"]:  # weighted to each office's headcount, as the bundled example is
        spec["analysis"]["weights"]["population"] = "population.csv"
    spec["sample"]["file"] = f"wave{WAVES[-1]}.csv"
    spec["sample"]["description"] = {lang: "Synthetic benchmark data (benchmarks/hr_cycle_data.py)" for lang in ("nb", "en")}
    return spec


def population(units: pd.DataFrame, n_areas: int) -> pd.DataFrame:
    """Each office's headcount: the population the answers are weighted to (``analysis.weights``)."""
    offices = units.iloc[1 + n_areas:]
    return pd.DataFrame({"unit": offices["code"].to_numpy(), "count": offices["headcount"].to_numpy()})


def generate(n: int, n_units: int, n_areas: int, out: Path | None = None) -> Path:
    """Write units, both waves and the questionnaire variant; return the questionnaire's path."""
    out = out or folder(n, n_units)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([SEED, n, n_units, n_areas])
    units, office_area, offices = organisation(rng, n, n_units, n_areas)
    area_fx = rng.normal(0, 0.10, (n_areas, 5))
    unit_fx = rng.normal(0, 0.20, (n_units, 5))
    units.to_csv(out / "units.csv", index=False)
    population(units, n_areas).to_csv(out / "population.csv", index=False)
    for year in WAVES:
        data = one_wave(rng, n, year, office_counts(rng, n, offices), office_area, area_fx, unit_fx)
        tmp = out / f"wave{year}.tmp.csv"
        data.to_csv(tmp, index=False, encoding="utf-8")
        tmp.rename(out / f"wave{year}.csv")
    path = out / "mrs-participation.yaml"
    text = yaml.safe_dump(questionnaire(units, n_areas), allow_unicode=True, sort_keys=False, width=120)
    path.write_text("# Generated by benchmarks/hr_cycle_data.py; do not edit.\n" + text, encoding="utf-8")
    return path


def ensure(n: int, n_units: int, n_areas: int) -> Path:
    """The questionnaire variant for these sizes, generated once (reused while its files exist)."""
    out = folder(n, n_units)
    path = out / "mrs-participation.yaml"
    if not (path.exists() and (out / "population.csv").exists() and all((out / f"wave{y}.csv").exists() for y in WAVES)):
        print(f"generating {n:,} respondents x {len(WAVES)} waves, {n_units:,} offices into "
              f"{out.relative_to(ROOT)} (once) ...", flush=True)
        generate(n, n_units, n_areas, out)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents per wave")
    parser.add_argument("--units", type=int, default=1_000, help="offices")
    parser.add_argument("--areas", type=int, default=50, help="areas between the root and the offices")
    args = parser.parse_args(argv)
    print(generate(args.n, args.units, args.areas).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
