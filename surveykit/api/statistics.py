"""Statistics on DataFrames, pingouin style: one function per statistic, a result with ``summary()`` out.

Each function validates its input, computes on the rows it can use (N is reported in the result) and
returns a plain result object or a tidy DataFrame. They are the functions the pipeline uses; the examples
run on the embedded Schick (2014) sample (run them from the repository's top folder; the test suite runs
them with ``df`` made as here)::

    >>> import surveykit as sk
    >>> q = sk.read_questionnaire("questionnaires/schick2012.yaml")
    >>> df = sk.analyze(q, sk.read_data(q), lang="en").frame   # answers, recodes and index scores
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import pandas as pd

from surveykit.compare.anova import AnovaResult, anova_oneway
from surveykit.compare.correlation import CorrelationResult, correlation_matrix
from surveykit.compare.crosstab import CrosstabResult
from surveykit.compare.crosstab import crosstab as _crosstab_impl
from surveykit.compare.ttest import TTestResult, ttest_ind
from surveykit.measure.correlations import correlation_matrix as item_correlations
from surveykit.measure.efa import EFAResult
from surveykit.measure.efa import efa as _efa_impl
from surveykit.measure.factorability import bartlett_sphericity, factorability
from surveykit.measure.parallel_analysis import ParallelAnalysis
from surveykit.measure.parallel_analysis import parallel_analysis as _parallel_impl
from surveykit.measure.reliability import ReliabilityResult
from surveykit.measure.reliability import cronbach_alpha as _alpha_impl
from surveykit.model.regression import RegressionResult
from surveykit.model.regression import hierarchical_regression as _regression_impl


def cronbach_alpha(data: pd.DataFrame, missing: str = "listwise", ci: float = 0.95) -> ReliabilityResult:
    """Cronbach's alpha of the items (columns) of ``data``, with its Feldt CI and item statistics.

    alpha = k / (k - 1) * (1 - sum(var(item)) / var(sum)), from the item covariance matrix C:
    k / (k - 1) * (1 - trace(C) / sum(C)). Standardised alpha uses the correlation matrix instead. The CI is
    Feldt's (1965) F-based interval; item statistics are the corrected item-total correlation (item against
    the sum of the others) and alpha if the item is deleted. ``missing='listwise'`` (SPSS) or 'pairwise'.

    References: Cronbach, L. J. (1951), Psychometrika 16; Feldt, L. S. (1965), Psychometrika 30; Revelle,
    psych::alpha.

    >>> res = sk.cronbach_alpha(df[["q18_leader_uses_scorecard", "q18_leader_focus_on_targets",
    ...                             "q18_too_many_indicators"]])
    >>> round(res.alpha, 3), [round(x, 3) for x in res.alpha_ci], res.n
    (0.666, [0.601, 0.721], 363)
    >>> list(res.item_stats.columns)
    ['n', 'mean', 'sd', 'r_drop', 'alpha_if_deleted', 'alpha_std_if_deleted']
    """
    return _alpha_impl(data, missing=missing, ci=ci)


def kmo(data: pd.DataFrame, missing: str = "pairwise") -> pd.DataFrame:
    """Kaiser-Meyer-Olkin measure of sampling adequacy: one row per item (its MSA) and an 'Overall' row.

    MSA_j = sum_k r_jk² / (sum_k r_jk² + sum_k q_jk²) over k != j, where q are the partial correlations
    (from the inverse of R); the overall KMO sums over all pairs. Kaiser (1974): .90s marvellous, .80s
    meritorious, .70s middling, .60s mediocre, .50s miserable, below .50 unacceptable.

    References: Kaiser, H. F. (1974), Psychometrika 39; psych::KMO; SPSS FACTOR /PRINT KMO AIC.

    >>> table = sk.kmo(df[[c for c in df.columns if c.startswith("q18_")]])
    >>> float(table.loc["Overall", "msa"].round(3))
    0.911
    """
    res = factorability(data, missing=missing)
    msa = pd.Series(res.msa, index=list(res.items), name="msa")
    return pd.concat([msa, pd.Series({"Overall": res.kmo}, name="msa")]).to_frame()


def bartlett(data: pd.DataFrame, missing: str = "pairwise") -> pd.DataFrame:
    """Bartlett's test of sphericity (is the correlation matrix an identity matrix?).

    chi² = -(n - 1 - (2p + 5) / 6) * ln|R|, df = p(p - 1) / 2, with n the listwise N (or the smallest
    pairwise N with pairwise deletion: the conservative choice).

    Reference: Bartlett, M. S. (1950), British Journal of Statistical Psychology 3.

    >>> sk.bartlett(df[[c for c in df.columns if c.startswith("q18_")]])[["df", "n"]].iloc[0].tolist()
    [55, 352]
    """
    res = factorability(data, missing=missing)
    return pd.DataFrame([{"chi2": res.bartlett_chi2, "df": res.bartlett_df, "p": res.bartlett_p, "n": res.n}])


def parallel_analysis(data: pd.DataFrame, n_iter: int = 100, seed: int | None = 0, percentile: float = 95,
                      missing: str = "pairwise") -> ParallelAnalysis:
    """Horn's parallel analysis: retain factors whose eigenvalues exceed those of random data.

    The observed eigenvalues of R are compared with the ``percentile`` of eigenvalues of correlation
    matrices of ``n_iter`` random normal data sets of the same n and p (seeded, so reproducible).

    Reference: Horn, J. L. (1965), Psychometrika 30; psych::fa.parallel.

    >>> pa = sk.parallel_analysis(df[[c for c in df.columns if c.startswith("q18_")]], seed=1)
    >>> pa.n_factors_pca, pa.n_factors_fa
    (2, 5)
    """
    return _parallel_impl(data, n_iter=n_iter, seed=seed, percentile=percentile, missing=missing)


def efa(data: pd.DataFrame, n_factors: int | str | None = None, extraction: str = "paf",
        rotation: str = "oblimin", missing: str = "pairwise", **options) -> EFAResult:
    """Exploratory factor analysis: extraction (PAF, minres, ML, PCA) and rotation (oblimin, promax, varimax).

    The model R = Λ Φ Λ' + Ψ is fitted by iterated principal axes (SPSS), minres/ULS or ML (psych,
    factanal); oblique rotations give pattern (Λ) and structure (Λ Φ) matrices and factor correlations Φ.
    ``n_factors`` is a number, 'kaiser' (eigenvalues > 1) or 'parallel'. Further options (``normalize``,
    ``gamma``, ``kappa``, ``max_iter``, ``seed``) as :func:`surveykit.measure.efa.efa`.

    References: Field (2013) ch. 17; Jennrich (2002); Bernaards & Jennrich (2005); psych::fa.

    >>> fa = sk.efa(df[[c for c in df.columns if c.startswith("q18_")]], n_factors=2)
    >>> fa.pattern.shape
    (11, 2)
    """
    return _efa_impl(data, n_factors=n_factors, extraction=extraction, rotation=rotation, missing=missing,
                     **options)


def ttest(data: pd.DataFrame, dv: str, between: str, *, equal_var="auto", confidence: float = 0.95,
          min_group_size: int = 5, labels: Mapping | None = None) -> TTestResult:
    """Independent-samples t-test of ``dv`` between the two groups of ``between`` (Student and Welch).

    Student: t = (m1 - m2) / (s_p * sqrt(1/n1 + 1/n2)), df = n1 + n2 - 2; Welch: t = (m1 - m2) /
    sqrt(s1²/n1 + s2²/n2) with Welch-Satterthwaite df. Levene's test (centred on means, as SPSS) chooses
    between them with ``equal_var='auto'``. Effect sizes r = sqrt(t² / (t² + df)), Cohen's d and Hedges' g.

    References: Welch, B. L. (1947), Biometrika 34; Field (2013) ch. 9.

    >>> res = sk.ttest(df, dv="malekortet", between="gender")
    >>> res.n
    371
    """
    return ttest_ind(data, dv, between, equal_var=equal_var, confidence=confidence,
                     min_group_size=min_group_size, labels=labels)


def anova(data: pd.DataFrame, dv: str, between: str, *, posthoc: str | None = "bonferroni",
          confidence: float = 0.95, min_group_size: int = 5, labels: Mapping | None = None) -> AnovaResult:
    """One-way between-groups ANOVA of ``dv`` by ``between``, with Welch's F and post hoc tests.

    F = MS_between / MS_within with df (k - 1, N - k); η² = SS_between / SS_total,
    ω² = (SS_between - (k - 1) MS_within) / (SS_total + MS_within). Post hoc: 'bonferroni', 'tukey',
    'games-howell' or None.

    References: Field (2013) ch. 11; Welch, B. L. (1951), Biometrika 38; SPSS ONEWAY.

    >>> res = sk.anova(df, dv="malekortet", between="unit")
    >>> res.df_between, res.posthoc_method
    (4, 'bonferroni')
    """
    return anova_oneway(data, dv, between, posthoc=posthoc, confidence=confidence,
                        min_group_size=min_group_size, labels=labels)


def posthoc(data: pd.DataFrame, dv: str, between: str, method: str = "bonferroni",
            confidence: float = 0.95, min_group_size: int = 5) -> pd.DataFrame:
    """Pairwise post hoc comparisons of ``dv`` between the groups of ``between``; one row per pair.

    'bonferroni': LSD t-tests with pooled MS_within, p multiplied by the number of pairs (SPSS);
    'tukey': Tukey-Kramer HSD on the studentized range; 'games-howell': unequal variances, Welch df.

    References: Games, P. A. & Howell, J. F. (1976), Journal of Educational Statistics 1; Kramer (1956).

    >>> sk.posthoc(df, dv="malekortet", between="unit", method="tukey").shape[0]
    10
    """
    return anova(data, dv, between, posthoc=method, confidence=confidence,
                 min_group_size=min_group_size).posthoc


def crosstab(data: pd.DataFrame, row: str, col: str, *, min_group_size: int = 5,
             labels: Mapping | None = None) -> CrosstabResult:
    """Crosstab of ``row`` by ``col`` with Pearson and likelihood-ratio chi-square, Cramér's V / phi.

    chi² = sum (O - E)² / E with E = row total * column total / N; V = sqrt(chi² / (N (min(r, c) - 1)));
    adjusted standardised residuals (Agresti); Fisher's exact test for 2 x 2 tables.

    Reference: Agresti, A. (2007). An Introduction to Categorical Data Analysis, 2nd ed.

    >>> res = sk.crosstab(df, "unit", "gender")
    >>> res.df
    4
    """
    return _crosstab_impl(data, row, col, min_group_size=min_group_size, labels=labels)


def correlations(data: pd.DataFrame, variables: Sequence[str] | None = None, method: str = "pearson", *,
                 min_group_size: int = 5) -> CorrelationResult:
    """Pearson or Spearman correlation matrix with two-tailed p-values and pairwise N.

    r = cov(x, y) / (s_x s_y) on the pairwise complete cases; t = r sqrt((n - 2) / (1 - r²)) with n - 2 df.

    >>> res = sk.correlations(df, ["malekortet", "leders_fokus"])
    >>> res.r.shape
    (2, 2)
    """
    return correlation_matrix(data, list(variables) if variables is not None else list(data.columns),
                              method, min_group_size=min_group_size)


def hierarchical_regression(data: pd.DataFrame, outcome: str, blocks: Sequence[Sequence[str]], *,
                            categorical: Sequence[str] | None = None,
                            references: Mapping[str, Hashable] | None = None,
                            confidence: float = 0.95) -> RegressionResult:
    """Hierarchical (blockwise) OLS regression: R², ΔR² and F change per step, b/SE/β/t/p/CI, diagnostics.

    Each step adds a block; F change = (ΔR² / df1) / ((1 - R²) / df2). Categorical predictors are dummy
    coded against their reference category; rows missing any variable of any step are left out of all
    steps (listwise), and the result says how many. Diagnostics: VIF, Durbin-Watson, Cook's D, DFBETA.

    References: Cohen, Cohen, West & Aiken (2003); Field (2013) ch. 8; checked against NIST StRD Longley.

    >>> res = sk.hierarchical_regression(df, "malekortet", [["age"], ["leders_fokus"]])
    >>> len(res.steps)
    2
    """
    return _regression_impl(data, outcome, blocks, categorical=categorical, references=references,
                            confidence=confidence)


__all__ = ["anova", "bartlett", "bartlett_sphericity", "correlations", "cronbach_alpha", "crosstab", "efa",
           "hierarchical_regression", "item_correlations", "kmo", "parallel_analysis", "posthoc", "ttest"]
