"""Survey weights: post-stratification and raking to population counts, trimming, Kish's effective n.

The algorithms are those of R's ``survey`` package (Lumley 2004, 2010), so the weights agree with
``weights(postStratify(...))``, ``weights(rake(...))`` and ``weights(trimWeights(...))``:

- post-stratification (Holt & Smith 1979): w_i = d_i N_c / sum_{j in c} d_j for the cell c of case i;
- raking, iterative proportional fitting (Deming & Stephan 1940): post-stratify on each margin in turn
  until the weighted table of all margin variables changes by less than ``tol`` x the total weight;
- trimming (``survey::trimWeights``): weights outside [lower, upper] are set to the bound and the amount
  cut (or added) is shared equally among the untrimmed weights, so the total is unchanged; ``strict``
  repeats until no weight is outside. With ``trim`` in :func:`rake`/:func:`post_stratify` the weights
  are trimmed and re-calibrated in turn until the calibrated weights lie within the bounds.

Population counts come as tidy tables: one column per variable of the margin or cell, plus a count
column (``count`` unless told otherwise). A category in the data that the population table lacks, a
population category with no respondents and missing values in a weighting variable are errors
(AnalysisError naming the variable and values), never silently dropped.

Each result keeps the calibration steps (cells, weights before and after) that
:mod:`surveykit.compare.weighted` needs for the linearisation variance of calibrated designs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem


@dataclass(frozen=True)
class CalibrationStep:
    """One post-stratification as ``survey`` records it for the variance (``design$postStrata``).

    ``kind`` is 'poststratify' (one step) or 'raking' (the margins of one raking, in order:
    ``codes[k]`` the category index of each case on margin k, ``weights_after[k]`` the weights right
    after post-stratifying on margin k in the last iteration).
    """

    kind: str
    codes: tuple[np.ndarray, ...]
    weights_before: tuple[np.ndarray, ...]
    weights_after: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class WeightingResult:
    """Result of :func:`post_stratify` or :func:`rake`.

    ``weights`` is aligned with the data's index. ``margins`` is tidy: variable (the margin's or cell's
    variables joined by ' x '), category, population count, respondents, weighted total before and after.
    """

    method: str
    weights: pd.Series
    n: int
    sum_weights: float
    n_eff: float
    deff: float
    min_weight: float
    max_weight: float
    iterations: int
    converged: bool
    max_margin_error: float  # max |weighted total - population count| over all margin categories
    # converged: every raking reached tol (always True for post-stratification)
    margins: pd.DataFrame
    trim: tuple[float, float] | None = None  # bounds as multiples of the mean weight
    trim_bounds: tuple[float, float] | None = None  # the same in weight units
    trim_rounds: int = 0
    n_at_bounds: int = 0
    within_bounds: bool | None = None  # with trim: whether the final weights lie within the bounds
    calibration: tuple[CalibrationStep, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """One-row overview (method, N, total, Kish n_eff and deff, range, convergence)."""
        return pd.DataFrame([{k: v for k, v in self.to_dict().items() if not isinstance(v, (list, dict))}])

    def to_dict(self) -> dict:
        from surveykit.jsonsafe import to_jsonable

        return to_jsonable({
            "method": self.method, "n": self.n, "sum_weights": self.sum_weights, "n_eff": self.n_eff,
            "deff": self.deff, "min_weight": self.min_weight, "max_weight": self.max_weight,
            "iterations": self.iterations, "converged": self.converged,
            "max_margin_error": self.max_margin_error, "trim": self.trim, "trim_bounds": self.trim_bounds,
            "trim_rounds": self.trim_rounds, "n_at_bounds": self.n_at_bounds,
            "within_bounds": self.within_bounds, "margins": self.margins,
            "notes": list(self.notes)})


def effective_sample_size(weights) -> float:
    """Kish's effective sample size n_eff = (sum w)^2 / sum w^2 (Kish 1965, Survey Sampling, 8.2).

    >>> round(effective_sample_size([1, 1, 2, 4]), 6)
    2.909091
    """
    w = np.asarray(weights, dtype="float64")
    return float(w.sum() ** 2 / np.square(w).sum())


def weighting_design_effect(weights) -> float:
    """Design effect due to unequal weights, n / n_eff = n sum w^2 / (sum w)^2 = 1 + CV(w)^2 (Kish 1965).

    >>> round(weighting_design_effect([1, 1, 2, 4]), 6)
    1.375
    """
    w = np.asarray(weights, dtype="float64")
    return float(w.size * np.square(w).sum() / w.sum() ** 2)


def trim_weights(weights, lower: float = -np.inf, upper: float = np.inf, strict: bool = False) -> np.ndarray:
    """Weights cut to [lower, upper], the amount cut shared equally by the untrimmed (``survey::trimWeights``).

    w'_i = min(upper, max(lower, w_i)); then every weight that was inside the bounds gets
    sum_i (w_i - w'_i) / #inside added, so the total is unchanged. The redistribution can push a weight
    over a bound again; ``strict=True`` repeats until none is outside (as trimWeights(strict=TRUE)).

    >>> trim_weights([1.0, 1.0, 1.0, 5.0], upper=3.0).round(4).tolist()
    [1.6667, 1.6667, 1.6667, 3.0]
    """
    w = np.asarray(weights, dtype="float64").copy()
    if not lower <= upper:
        raise AnalysisError("Weight trimming bounds are reversed",
                            [Problem("lower bound above upper bound", values=(str(lower), str(upper)))])
    for _ in range(10_000):
        outside = (w < lower) | (w > upper)
        if not outside.any():
            break
        if outside.all():
            raise AnalysisError("Every weight lies outside the trimming bounds",
                                [Problem("widen the bounds", values=(str(lower), str(upper)))])
        trimmed = np.clip(w, lower, upper)
        cut = w - trimmed
        trimmed[~outside] += cut.sum() / (~outside).sum()
        w = trimmed
        if not strict:
            break
    return w


def _category_keys(values: pd.Series) -> pd.Series:
    """Category labels comparable between a data file and a population file (1, 1.0 and '1' agree)."""
    def key(v):
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v).strip()
    return values.map(key)


def _joined_keys(table: pd.DataFrame) -> pd.Series:
    """One key per row: its columns' category keys joined by ' | ' (a plain loop: DataFrame.agg(axis=1)
    costs ~0.1 s per 1,000 rows)."""
    parts = [_category_keys(table[c]).tolist() for c in table.columns]
    return pd.Series([" | ".join(row) for row in zip(*parts)], index=table.index)


def _count_column(population: pd.DataFrame, count: str | None, where: str) -> str:
    if count is not None and count in population.columns:
        return count
    if count is None and "count" in population.columns:
        return "count"
    numeric = [c for c in population.columns if pd.api.types.is_numeric_dtype(population[c])]
    raise AnalysisError(f"No count column in the population table for {where}",
                        [Problem("name the column of population counts", column=count or "count",
                                 values=tuple(map(str, numeric or population.columns)))])


def _distinct_rows(data: pd.DataFrame, variables: list) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's position among the distinct combinations of ``variables``, and those combinations
    (one row each). The variables have no missing values (checked before)."""
    factorized = [pd.factorize(data[v]) for v in variables]
    if len(variables) == 1:
        joint = factorized[0][0]
        level_codes = [np.arange(len(factorized[0][1]))]
    else:
        joint, combos = pd.MultiIndex.from_arrays([codes for codes, _ in factorized]).factorize()
        level_codes = [np.asarray(combos.get_level_values(i)) for i in range(len(variables))]
    frame = pd.DataFrame({v: pd.Series(uniques).take(lc).reset_index(drop=True)
                          for v, (_, uniques), lc in zip(variables, factorized, level_codes)})
    return np.asarray(joint, dtype=np.intp), frame


def _cells(data: pd.DataFrame, population: pd.DataFrame, count: str | None, base: np.ndarray):
    """Codes of each case's population cell, the population counts, and the margin's table rows."""
    count = _count_column(population, count, "the weighting margin")
    variables = [c for c in population.columns if c != count]
    name = " x ".join(map(str, variables))
    problems = [Problem("weighting variable not in the data", column=str(v)) for v in variables
                if v not in data.columns]
    if problems:
        raise AnalysisError(f"Weighting margin {name}: variable missing from the data", problems)
    for v in variables:
        na = data[v].isna().to_numpy()
        if na.any():
            rows = np.flatnonzero(na)
            raise AnalysisError(f"Weighting margin {name}: missing values in a weighting variable",
                                [Problem("every respondent needs a category to be weighted (impute or "
                                         "add a category for missing)", column=str(v),
                                         rows=tuple(int(r) for r in rows[:5]), n_rows=int(na.sum()))])
    pop_key = _joined_keys(population[variables])
    dup = pop_key[pop_key.duplicated()]
    if len(dup):
        raise AnalysisError(f"Weighting margin {name}: a category appears twice in the population table",
                            [Problem("duplicate category", values=tuple(dup.unique()[:5]))])
    counts = pd.to_numeric(population[count], errors="coerce").to_numpy(dtype="float64")
    if np.isnan(counts).any() or (counts < 0).any():
        raise AnalysisError(f"Weighting margin {name}: population counts must be non-negative numbers",
                            [Problem("bad count", column=count,
                                     values=tuple(map(str, population[count][np.isnan(counts) | (counts < 0)][:5])))])
    # keys made once per distinct combination of categories, not once per respondent
    joint, combos = _distinct_rows(data, variables)
    combo_key = _joined_keys(combos).to_numpy()
    codes = pd.Index(pop_key).get_indexer(combo_key)[joint]
    absent = codes < 0
    if absent.any():
        vals = pd.unique(combo_key[joint[absent]])
        raise AnalysisError(f"Weighting margin {name}: categories in the data are missing from the population table",
                            [Problem("no population count for this category", column=name,
                                     rows=tuple(int(r) for r in np.flatnonzero(absent)[:5]),
                                     n_rows=int(absent.sum()), values=tuple(map(str, vals[:10])))])
    n_cell = np.bincount(codes, minlength=len(counts))
    empty = (n_cell == 0) & (counts > 0)
    if empty.any():
        raise AnalysisError(f"Weighting margin {name}: population categories without respondents",
                            [Problem("empty cell: no respondent to carry its population count; merge it "
                                     "with a neighbouring category", column=name,
                                     values=tuple(pop_key.to_numpy()[empty][:10]))])
    table = pd.DataFrame({"variable": name, "category": pop_key.to_numpy(), "population": counts,
                          "respondents": n_cell,
                          "weighted_before": np.bincount(codes, weights=base, minlength=len(counts))})
    return codes, counts, table


def weight_array(data: pd.DataFrame, weights, what: str = "Weights") -> np.ndarray:
    """Weights as one positive finite float per respondent: None (all 1), a column of ``data`` or an array.
    ``what`` names them in errors ("Weights", "Base weights")."""
    if weights is None:
        return np.ones(len(data))
    if isinstance(weights, str):
        if weights not in data.columns:
            raise AnalysisError(f"{what[:-1]} column not in the data", [Problem("not found", column=weights)])
        w = pd.to_numeric(data[weights], errors="coerce").to_numpy(dtype="float64")
    else:
        w = np.asarray(weights, dtype="float64")
    bad = ~np.isfinite(w) | (w <= 0)
    if w.shape != (len(data),) or bad.any():
        column = weights if isinstance(weights, str) else None
        raise AnalysisError(f"{what} must be positive numbers, one per respondent",
                            [Problem("missing, zero or negative weight", column=column,
                                     rows=tuple(np.flatnonzero(bad)[:5].tolist()), n_rows=int(bad.sum()))])
    return w


def _poststratify(w: np.ndarray, codes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    cell_totals = np.bincount(codes, weights=w, minlength=len(counts))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(cell_totals > 0, counts / cell_totals, 0.0)
    return w * factor[codes]


def _joint_codes(all_codes: list[np.ndarray]) -> np.ndarray:
    """One code per combination of the margins' categories (R's svytable over all margin variables)."""
    return pd.MultiIndex.from_arrays(all_codes).factorize()[0] if len(all_codes) > 1 else all_codes[0]


def _rake_loop(w, margins, max_iter, tol):
    """survey::rake's loop; returns weights, iterations, converged, and the last iteration's steps."""
    joint = _joint_codes([m[0] for m in margins])
    n_joint = int(joint.max()) + 1
    epsilon = tol * w.sum()
    old = np.bincount(joint, weights=w, minlength=n_joint)
    iterations, converged, step = 0, False, None
    while iterations < max_iter:
        befores, afters = [], []
        for codes, counts in margins:
            befores.append(w)
            w = _poststratify(w, codes, counts)
            afters.append(w)
        step = CalibrationStep("raking", tuple(m[0] for m in margins), tuple(befores), tuple(afters))
        new = np.bincount(joint, weights=w, minlength=n_joint)
        if np.max(np.abs(old - new)) < epsilon:
            converged = True
            break
        old = new
        iterations += 1
    return w, iterations, converged, step


def _calibrate(data, populations, base_weights, count, method, trim, max_iter, tol, max_trim_rounds):
    base = weight_array(data, base_weights, "Base weights")
    prepared = [_cells(data, pop, count, base) for pop in populations]
    margins = [(codes, counts) for codes, counts, _ in prepared]
    totals = {float(c.sum()) for _, c in margins}
    notes = []
    if method == "rake" and max(totals) - min(totals) > 1e-9 * max(totals):
        notes.append("the margins' population totals differ (" + ", ".join(f"{t:g}" for t in sorted(totals))
                     + "): raking cannot match them all")

    def calibrate_once(w):
        if method == "poststratify":
            codes, counts = margins[0]
            new = _poststratify(w, codes, counts)
            return new, 0, True, CalibrationStep("poststratify", (codes,), (w,), (new,))
        return _rake_loop(w, margins, max_iter, tol)

    w, iterations, converged, step = calibrate_once(base)
    steps = [step]
    trim_bounds, rounds, within = None, 0, None
    if trim is not None:
        lo_f, hi_f = (float(trim[0]), float(trim[1]))
        mean_w = w.mean()
        lo, hi = lo_f * mean_w, hi_f * mean_w
        trim_bounds = (lo, hi)
        slack = 1e-9 * mean_w
        while not (within := bool(np.all((w >= lo - slack) & (w <= hi + slack)))):
            if rounds >= max_trim_rounds:
                notes.append(f"trimming and re-calibrating did not bring the weights within the bounds in "
                             f"{max_trim_rounds} rounds (the bounds may be incompatible with the margins); "
                             "the weights meet the margins but not the bounds")
                break
            w = trim_weights(w, lo, hi, strict=True)
            w, it, conv, step = calibrate_once(w)
            steps.append(step)
            iterations += it
            converged = converged and conv
            rounds += 1
    if not converged and method == "rake":
        notes.append(f"raking did not converge in {max_iter} iterations")
    tables = []
    for (codes, counts), (_, _, table) in zip(margins, prepared):
        table["weighted_after"] = np.bincount(codes, weights=w, minlength=len(counts))
        tables.append(table)
    margin_table = pd.concat(tables, ignore_index=True)
    at_bounds = 0 if trim_bounds is None else int(np.sum(np.isclose(w, trim_bounds[0], rtol=1e-7)
                                                          | np.isclose(w, trim_bounds[1], rtol=1e-7)))
    return WeightingResult(
        method=method, weights=pd.Series(w, index=data.index, name="weight"), n=int(w.size),
        sum_weights=float(w.sum()), n_eff=effective_sample_size(w), deff=weighting_design_effect(w),
        min_weight=float(w.min()), max_weight=float(w.max()), iterations=iterations, converged=converged,
        max_margin_error=float(np.max(np.abs(margin_table["weighted_after"] - margin_table["population"]))),
        margins=margin_table, trim=None if trim is None else (float(trim[0]), float(trim[1])),
        trim_bounds=trim_bounds, trim_rounds=rounds, n_at_bounds=at_bounds, within_bounds=within,
        calibration=tuple(steps), notes=tuple(notes))


def post_stratify(data: pd.DataFrame, population: pd.DataFrame, base_weights=None, count: str | None = None,
                  trim: tuple[float, float] | None = None, max_trim_rounds: int = 200) -> WeightingResult:
    """Post-stratified weights: w_i = d_i N_c / sum_{j in c} d_j, c the population cell of case i.

    ``population`` is a tidy table of cell counts: the cell variables (names as in ``data``) and a count
    column. ``base_weights`` (a column name or array; default 1) are the d_i. ``trim=(lower, upper)``
    bounds the weights at lower x and upper x the mean weight, trimming and re-post-stratifying in turn.
    Matches ``weights(survey::postStratify(design, ~cells, population))`` (Holt & Smith 1979; Lumley 2010, ch. 7).

    Example
    -------
    >>> df = pd.DataFrame({"unit": ["a", "a", "b"]})
    >>> pop = pd.DataFrame({"unit": ["a", "b"], "count": [10, 30]})
    >>> post_stratify(df, pop).weights.tolist()
    [5.0, 5.0, 30.0]
    """
    return _calibrate(data, [population], base_weights, count, "poststratify", trim, 0, 0.0, max_trim_rounds)


def rake(data: pd.DataFrame, margins: list[pd.DataFrame], base_weights=None, count: str | None = None,
         trim: tuple[float, float] | None = None, max_iter: int = 1000, tol: float = 1e-13,
         max_trim_rounds: int = 200) -> WeightingResult:
    """Raking (iterative proportional fitting) of the weights to population margins.

    Each iteration post-stratifies on every margin in turn; it stops when the weighted table of all
    margin variables changes by less than ``tol`` x the total weight (``survey::rake`` with
    ``control$epsilon = tol``), reporting the iterations and whether it converged within ``max_iter``.
    ``trim=(lower, upper)``: bounds at lower x and upper x the mean weight (N / n); weights outside are
    trimmed (``trim_weights(strict=True)``) and raked again until the raked weights lie within the bounds
    (to 1e-9 of the mean weight) — raking converges to the margins, so the margins are met exactly and
    the bounds to that tolerance.

    References: Deming WE, Stephan FF (1940) Ann Math Stat 11:427-444; Lumley T (2010) Complex Surveys, 7.3.

    Example
    -------
    >>> df = pd.DataFrame({"unit": ["a", "a", "b", "b"], "gender": ["f", "m", "f", "f"]})
    >>> by_unit = pd.DataFrame({"unit": ["a", "b"], "count": [20, 20]})
    >>> by_gender = pd.DataFrame({"gender": ["f", "m"], "count": [30, 10]})
    >>> rake(df, [by_unit, by_gender]).weights.round(3).tolist()
    [10.0, 10.0, 10.0, 10.0]
    """
    if not margins:
        raise AnalysisError("Raking needs at least one population margin")
    return _calibrate(data, list(margins), base_weights, count, "rake", trim, max_iter, tol, max_trim_rounds)
