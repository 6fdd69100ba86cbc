"""(b) Indicator validity: does each activity indicator go with the outcome it is meant to serve?

Pearson correlations with a Fisher-z confidence interval, OLS models of the outcome (R² and adjusted R²),
and lagged correlations on a unit × period panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable


def pearson_ci(x, y, confidence: float = 0.95) -> dict:
    """Pearson r of the complete pairs with its Fisher-z confidence interval and two-sided p.

    r = cov(x, y) / (s_x s_y); z = atanh(r), SE = 1 / sqrt(n - 3), CI = tanh(z ± z_(1-α/2) SE) (Fisher 1921);
    p from t = r sqrt((n - 2) / (1 - r²)) with n - 2 degrees of freedom.

    >>> round(pearson_ci([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])["r"], 3)
    0.8
    """
    frame = pd.DataFrame({"x": np.asarray(x, float), "y": np.asarray(y, float)}).dropna()
    n = len(frame)
    if n < 4:
        raise AnalysisError(f"a correlation with a confidence interval needs at least 4 complete pairs (got {n})")
    if frame["x"].std() == 0 or frame["y"].std() == 0:
        raise AnalysisError("a correlation is undefined when one variable is constant")
    r = float(np.corrcoef(frame["x"], frame["y"])[0, 1])
    z, se = np.arctanh(np.clip(r, -0.9999999999, 0.9999999999)), 1 / np.sqrt(n - 3)
    crit = stats.norm.ppf(0.5 + confidence / 2)
    t = r * np.sqrt((n - 2) / max(1 - r * r, 1e-300))
    p = float(2 * stats.t.sf(abs(t), n - 2))
    return {"r": r, "ci_low": float(np.tanh(z - crit * se)), "ci_high": float(np.tanh(z + crit * se)),
            "p": p, "n": n}


@dataclass(frozen=True)
class Correlations:
    """One row per predictor: r, ci_low, ci_high, p, n (pairwise complete)."""

    outcome: str
    table: pd.DataFrame
    confidence: float

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return to_jsonable({"outcome": self.outcome, "confidence": self.confidence,
                            "correlations": {row["predictor"]: row for row in self.table.to_dict(orient="records")}})


def correlations_with_outcome(table: pd.DataFrame, outcome: str, predictors: list[str],
                              confidence: float = 0.95) -> Correlations:
    """r of every predictor with ``outcome`` across units (see :func:`pearson_ci`)."""
    rows = [{"predictor": p, **pearson_ci(table[p], table[outcome], confidence)} for p in predictors]
    return Correlations(outcome, pd.DataFrame(rows), confidence)


@dataclass(frozen=True)
class OLSModel:
    """Coefficients (b, se, t, p, beta = b s_x / s_y), R², adjusted R², F and its p, n."""

    id: str
    outcome: str
    predictors: tuple[str, ...]
    coefficients: pd.DataFrame
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_model: int
    df_resid: int
    n: int

    def summary(self) -> str:
        return (f"{self.id}: {self.outcome} ~ {' + '.join(self.predictors)}; n = {self.n}, R² = {self.r2:.3f}, "
                f"adjusted R² = {self.adj_r2:.3f}, F({self.df_model}, {self.df_resid}) = {self.f:.2f}, "
                f"p = {self.f_p:.3f}")

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("id", "outcome", "predictors", "r2", "adj_r2", "f", "f_p", "df_model",
                                           "df_resid", "n")}
        d["coefficients"] = {row["term"]: row for row in self.coefficients.to_dict(orient="records")}
        return to_jsonable(d)


def ols_model(table: pd.DataFrame, outcome: str, predictors: list[str], model_id: str = "model") -> OLSModel:
    """Ordinary least squares of ``outcome`` on ``predictors`` (listwise complete units).

    b = (X'X)⁻¹X'y; R² = 1 - SS_res/SS_tot; adjusted R² = 1 - (1 - R²)(n - 1)/(n - k - 1) (Wherry 1931);
    standardised beta = b · s_x / s_y.
    """
    frame = table[[outcome, *predictors]].astype(float).dropna()
    n, k = len(frame), len(predictors)
    if n <= k + 1:
        raise AnalysisError(f"model {model_id!r}: {n} complete units for {k} predictors; need more than {k + 1}")
    X = np.column_stack([np.ones(n), frame[predictors].to_numpy()])
    y = frame[outcome].to_numpy()
    if np.linalg.matrix_rank(X) < k + 1:
        raise AnalysisError(f"model {model_id!r}: the predictors are linearly dependent")
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ X.T @ y
    resid = y - X @ b
    ss_res, ss_tot = float(resid @ resid), float(((y - y.mean()) ** 2).sum())
    df_resid = n - k - 1
    sigma2 = ss_res / df_resid
    se = np.sqrt(np.diag(xtx_inv) * sigma2)
    t = b / se
    p = 2 * stats.t.sf(np.abs(t), df_resid)
    sd = frame.std(ddof=1)
    beta = [np.nan] + [b[i + 1] * sd[name] / sd[outcome] for i, name in enumerate(predictors)]
    r2 = 1 - ss_res / ss_tot
    f = ((ss_tot - ss_res) / k) / sigma2
    coef = pd.DataFrame({"term": ["(intercept)", *predictors], "b": b, "se": se, "t": t, "p": p, "beta": beta})
    return OLSModel(model_id, outcome, tuple(predictors), coef, float(r2),
                    float(1 - (1 - r2) * (n - 1) / df_resid), float(f), float(stats.f.sf(f, k, df_resid)), k,
                    df_resid, n)


@dataclass(frozen=True)
class LaggedCorrelations:
    """Per lag L (in periods): r between x at t and y at t + L, pooled over units, with CI, p and n pairs.
    ``within`` = True: each unit's series centred on its own mean first (the over-time association)."""

    x: str
    y: str
    within: bool
    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return to_jsonable({"x": self.x, "y": self.y, "within": self.within, "lags": self.table})


def period_number(periods: pd.Series) -> pd.Series:
    """'YYYY-MM' -> months since year 0 (so that a lag of one is one calendar month, gaps included)."""
    parsed = pd.PeriodIndex(periods.astype(str), freq="M")
    return pd.Series(parsed.year * 12 + parsed.month - 1, index=periods.index)


def lagged_correlations(panel: pd.DataFrame, x: str, y: str, max_lag: int = 2, within: bool = True,
                        confidence: float = 0.95) -> LaggedCorrelations:
    """Correlation of ``x`` at month t with ``y`` at month t + L for L = -max_lag..max_lag (panel in long form:
    unit, period 'YYYY-MM', indicator, value)."""
    wide = panel[panel["indicator"].isin([x, y])].pivot_table(index=["unit", "period"], columns="indicator",
                                                              values="value", aggfunc="first").reset_index()
    if x not in wide or y not in wide:
        raise AnalysisError(f"lagged correlations: the panel lacks {x!r} or {y!r}")
    wide["t"] = period_number(wide["period"])
    if within:
        for v in (x, y):
            wide[v] = wide[v] - wide.groupby("unit")[v].transform("mean")
    rows = []
    for lag in range(-max_lag, max_lag + 1):
        shifted = wide[["unit", "t", y]].assign(t=wide["t"] - lag)
        pairs = wide[["unit", "t", x]].merge(shifted, on=["unit", "t"]).dropna()
        try:
            rows.append({"lag": lag, **pearson_ci(pairs[x], pairs[y], confidence)})
        except AnalysisError as exc:
            rows.append({"lag": lag, "r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p": np.nan,
                         "n": len(pairs), "note": str(exc)})
    return LaggedCorrelations(x, y, within, pd.DataFrame(rows))
