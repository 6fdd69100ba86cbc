"""Crosstabs: Agresti's published example, scipy cross-checks, 2x2 extras, confidentiality."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import association

from surveykit.compare import crosstab
from surveykit.errors import AnalysisError


def expand(table, row_codes, col_codes, row="row", col="col") -> pd.DataFrame:
    """One respondent per count (the crosstab must rebuild the table)."""
    table = np.asarray(table)
    r = np.repeat(np.repeat(row_codes, len(col_codes)), table.ravel())
    c = np.repeat(np.tile(col_codes, len(row_codes)), table.ravel())
    perm = np.random.default_rng(0).permutation(len(r))
    return pd.DataFrame({row: r[perm], col: c[perm]})


# Agresti, A. (2007). An Introduction to Categorical Data Analysis, 2nd ed., Tables 2.5 and 2.6:
# gender x party identification (GSS); X2 = 30.1, G2 = 30.0 (df = 2) and adjusted
# (standardized) residuals 4.50, 0.70, -5.32 / -4.50, -0.70, 5.32.
PARTY = [[762, 327, 468], [484, 239, 477]]


def test_agresti_party_identification():
    df = expand(PARTY, [1, 2], [1, 2, 3], "gender", "party")
    labels = {"gender": {1: "Females", 2: "Males"}, "party": {1: "Democrat", 2: "Independent", 3: "Republican"}}
    res = crosstab(df, "gender", "party", labels=labels)
    assert res.counts.to_numpy().tolist() == PARTY
    assert round(res.chi2, 1) == 30.1 and round(res.likelihood_ratio, 1) == 30.0 and res.df == 2
    np.testing.assert_array_equal(
        np.round(res.adjusted_residuals.to_numpy(), 2), [[4.50, 0.70, -5.32], [-4.50, -0.70, 5.32]]
    )
    assert res.row_labels == {1: "Females", 2: "Males"} and res.col_labels[3] == "Republican"
    assert res.association == "cramers_v"
    assert res.yates_chi2 is None and res.fisher_p_two_sided is None


def test_against_scipy_and_hand():
    table = np.array([[12, 30, 9, 14], [20, 11, 15, 8], [7, 9, 22, 16]])
    df = expand(table, [1, 2, 3], [10, 20, 30, 40])
    res = crosstab(df, "row", "col")
    chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
    np.testing.assert_allclose(res.chi2, chi2, rtol=1e-13)
    np.testing.assert_allclose(res.p, p, rtol=1e-10)
    assert res.df == dof
    np.testing.assert_allclose(res.expected.to_numpy(), expected, rtol=1e-14)
    g2, gp, _, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    np.testing.assert_allclose(res.likelihood_ratio, g2, rtol=1e-12)
    np.testing.assert_allclose(res.likelihood_ratio_p, gp, rtol=1e-10)
    n = table.sum()
    v_hand = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
    np.testing.assert_allclose(res.cramers_v, v_hand, rtol=1e-13)
    np.testing.assert_allclose(res.cramers_v, association(table, method="cramer"), rtol=1e-12)
    np.testing.assert_allclose(res.phi, math.sqrt(chi2 / n), rtol=1e-13)
    # percentages
    np.testing.assert_allclose(res.row_pct.to_numpy(), 100 * table / table.sum(1, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(res.col_pct.to_numpy(), 100 * table / table.sum(0, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(res.total_pct.to_numpy().sum(), 100.0, rtol=1e-14)
    # adjusted residuals by hand for one cell
    r1, c1 = table[0].sum(), table[:, 0].sum()
    e = r1 * c1 / n
    np.testing.assert_allclose(
        res.adjusted_residuals.iloc[0, 0], (12 - e) / math.sqrt(e * (1 - r1 / n) * (1 - c1 / n)), rtol=1e-13
    )
    assert res.expected_warning is False and res.n_cells_expected_lt5 == 0
    np.testing.assert_allclose(res.min_expected, expected.min(), rtol=1e-14)


def test_two_by_two_yates_fisher_phi():
    table = np.array([[8, 22], [19, 11]])
    df = expand(table, [1, 2], [1, 2])
    res = crosstab(df, "row", "col")
    assert res.association == "phi"
    yates, yp, _, _ = stats.chi2_contingency(table, correction=True)
    np.testing.assert_allclose(res.yates_chi2, yates, rtol=1e-13)
    np.testing.assert_allclose(res.yates_p, yp, rtol=1e-10)
    np.testing.assert_allclose(res.fisher_p_two_sided, stats.fisher_exact(table).pvalue, rtol=1e-12)
    # observed a = 8 is below its expectation (13.5): SPSS's 1-sided p is the 'less' tail
    np.testing.assert_allclose(res.fisher_p_one_sided, stats.fisher_exact(table, alternative="less").pvalue, rtol=1e-12)
    (a, b), (c, d) = table
    phi = (a * d - b * c) / math.sqrt(30 * 30 * 27 * 33)
    assert phi < 0
    np.testing.assert_allclose(res.phi, phi, rtol=1e-13)
    np.testing.assert_allclose(res.cramers_v, abs(phi), rtol=1e-13)
    assert res.effect_size == res.phi


def test_expected_count_warning_and_small_cells():
    table = np.array([[30, 3, 6], [25, 2, 9]])
    df = expand(table, [1, 2], [1, 2, 3])
    res = crosstab(df, "row", "col", min_group_size=5)
    _, _, _, expected = stats.chi2_contingency(table)
    lt5 = (expected < 5).sum()
    assert res.n_cells_expected_lt5 == lt5 == 2
    assert res.pct_cells_expected_lt5 == pytest.approx(100 * 2 / 6)
    assert res.expected_warning is True
    np.testing.assert_allclose(res.min_expected, expected.min(), rtol=1e-14)
    np.testing.assert_array_equal(res.small_cells.to_numpy(), (table > 0) & (table < 5))


def test_small_categories_are_suppressed():
    table = np.array([[20, 15, 2], [18, 22, 1], [1, 1, 1]])  # row 3 total 3; column 3 then 3
    df = expand(table, [1, 2, 3], [1, 2, 3])
    df.loc[:4, "col"] = np.nan
    res = crosstab(df, "row", "col", min_group_size=5)
    kept = res.counts.to_numpy()
    assert res.counts.index.tolist() == [1, 2] and res.counts.columns.tolist() == [1, 2]
    assert {(s["variable"], s["group"]) for s in res.suppressed} == {("row", 3), ("col", 3)}
    ref = stats.chi2_contingency(kept, correction=False)
    np.testing.assert_allclose(res.chi2, ref[0], rtol=1e-13)
    assert res.missing["n_missing_col"] == 5
    assert res.n + res.missing["n_suppressed"] + res.missing["n_missing_either"] == len(df)
    with pytest.raises(AnalysisError, match="at least 2 categories"):
        crosstab(df, "row", "col", min_group_size=60)


def test_json_and_summary():
    df = expand(PARTY, [1, 2], [1, 2, 3])
    res = crosstab(df, "row", "col")
    json.dumps(res.to_dict(), allow_nan=False)
    assert "Pearson chi2(2)" in res.summary()
