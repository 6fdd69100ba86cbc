"""Adjusted p-values against R's p.adjust (fixtures from tests/r/multiple_testing.R, R 4.x stats).

R printed 17 significant digits, so the comparison is to 1e-12 absolute (all values are in [0, 1]);
the only differences possible are floating-point rounding of m * p / i.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.errors import AnalysisError
from surveykit.stats.multiple_testing import adjust_family, adjust_pvalues

DATA = Path(__file__).parent / "data" / "multiple_testing"
R_METHODS = {"holm": "holm", "bonferroni": "bonferroni", "hochberg": "hochberg", "hommel": "hommel",
             "BH": "fdr_bh", "BY": "fdr_by"}


@pytest.fixture(scope="module")
def r_adjusted():
    return pd.read_csv(DATA / "p_adjust.csv", na_values=["NA"])


@pytest.mark.parametrize("r_name", list(R_METHODS))
def test_matches_r_p_adjust(r_adjusted, r_name):
    for family, rows in r_adjusted.groupby("family", sort=False):
        got = adjust_pvalues(rows["p"].to_numpy(), R_METHODS[r_name])
        want = rows[r_name].to_numpy()
        assert np.array_equal(np.isnan(got), np.isnan(want)), family
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12, err_msg=f"{family} {r_name}")


def test_r_spellings_accepted():
    p = [0.01, 0.02, 0.5]
    np.testing.assert_array_equal(adjust_pvalues(p, "BH"), adjust_pvalues(p, "fdr_bh"))
    np.testing.assert_array_equal(adjust_pvalues(p, "none"), p)


def test_family_table_matches_r_per_family(r_adjusted):
    res = adjust_family(r_adjusted[["family", "position", "p"]], "holm", by="family")
    np.testing.assert_allclose(res.tests["p_adj"], r_adjusted["holm"], rtol=0, atol=1e-12)
    sizes = res.families.set_index("family")["family_size"]
    assert sizes["mixed"] == 20 and sizes["single"] == 1 and sizes["all_missing_but_two"] == 2
    assert set(res.tests["adjust_method"]) == {"holm"}
    assert res.tests.loc[r_adjusted["p"].isna().to_numpy(), "p_adj"].isna().all()
    d = res.to_dict()
    assert d["method"] == "holm" and d["family_by"] == ["family"] and len(d["tests"]) == len(r_adjusted)


def test_single_family_label_and_errors():
    t = pd.DataFrame({"outcome": list("abc"), "p": [0.01, np.nan, 0.03]})
    res = adjust_family(t, "bonferroni", family="Tables 11-13")
    assert res.tests["family"].tolist() == ["Tables 11-13"] * 3
    np.testing.assert_allclose(res.tests["p_adj"], [0.02, np.nan, 0.06])
    with pytest.raises(AnalysisError, match="Unknown multiple-testing"):
        adjust_pvalues([0.1], "sidak-ish")
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        adjust_pvalues([0.1, 1.5])
    with pytest.raises(AnalysisError, match="No p-value column"):
        adjust_family(t, p="pval")
