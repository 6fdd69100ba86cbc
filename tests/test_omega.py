"""Omega hierarchical / total (Schmid-Leiman) against psych 2.2.9 ``omega()`` with its defaults
(fm="minres", rotate="oblimin", flip=TRUE), from tests/r/omega_fixtures.R on SAQ (3 and 4 factors,
../shared) and lavaan's Holzinger-Swineford items x1-x9 (3 factors), stored in tests/data/omega/.

Tolerance 5e-4 (3 decimals; the brief asks for 2-3): the observed agreement is ~1e-5, the difference being
where the minres optimiser and GPArotation's oblimin (criterion 1e-5) stop.
The bootstrap CI has no R counterpart (psych's n.iter interval is a normal approximation on Fisher's z
with R's random numbers): it is checked for reproducibility and against omega() run on the same resamples.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.errors import AnalysisError
from surveykit.measure.omega import omega

DATA = Path(__file__).parent / "data" / "omega"
TOL = 5e-4


@pytest.fixture(scope="module")
def hs_items():
    return pd.read_csv(Path(__file__).parent / "data" / "cfa" / "holzinger_swineford_1939.csv")[
        [f"x{i}" for i in range(1, 10)]]


def check(res, tag):
    ref = pd.read_csv(DATA / f"{tag}_omega.csv").iloc[0]
    assert res.omega_h == pytest.approx(ref.omega_h, abs=TOL)
    assert res.omega_total == pytest.approx(ref.omega_tot, abs=TOL)
    assert res.omega_limit == pytest.approx(ref.omega_lim, abs=TOL)
    assert res.alpha == pytest.approx(ref.alpha, abs=TOL)
    assert res.ecv == pytest.approx(ref.ecv, abs=TOL)
    sl = pd.read_csv(DATA / f"{tag}_sl.csv").set_index("item")
    np.testing.assert_allclose(res.schmid_leiman.loc[sl.index, "g"], sl.g, atol=TOL)
    np.testing.assert_allclose(res.schmid_leiman.loc[sl.index, "h2"], sl.h2, atol=TOL)
    np.testing.assert_allclose(res.schmid_leiman.loc[sl.index, "u2"], sl.u2, atol=TOL)
    assert set(res.flipped) == set(sl.index[sl.key < 0])


@pytest.mark.parametrize("k", [3, 4])
def test_saq_against_psych(saq, k):
    res = omega(saq, n_factors=k)
    check(res, f"saq{k}")
    assert res.n == 2571 and len(res.flipped) == 6


def test_ordinal_omega_against_psych(saq):
    # psych omega(saq, nfactors = 3, poly = TRUE): the same procedure on the polychoric matrix
    res = omega(saq, n_factors=3, ordinal=True)
    ref = pd.read_csv(DATA / "saq3_poly_omega.csv").iloc[0]
    assert res.omega_h == pytest.approx(ref.omega_h, abs=TOL)
    assert res.omega_total == pytest.approx(ref.omega_tot, abs=TOL)
    assert res.omega_limit == pytest.approx(ref.omega_lim, abs=TOL)
    assert res.alpha == pytest.approx(ref.alpha, abs=TOL)
    assert res.ecv == pytest.approx(ref.ecv, abs=TOL)
    assert len(res.flipped) == ref.n_flipped and "polychoric" in res.summary()


def test_holzinger_swineford_against_psych(hs_items):
    res = omega(hs_items, n_factors=3)
    check(res, "hs3")
    assert res.flipped == ()
    assert "omega_h" in res.summary() and res.to_dict()["n"] == 301


def test_bootstrap_ci(hs_items):
    a = omega(hs_items, n_factors=3, n_boot=6, seed=11)
    b = omega(hs_items, n_factors=3, n_boot=6, seed=11)
    c = omega(hs_items, n_factors=3, n_boot=6, seed=12)
    assert a.ci == b.ci and a.ci != c.ci
    # the same resamples, analysed one at a time through the public function
    rng = np.random.default_rng(11)
    values = hs_items.to_numpy(dtype=float)
    draws = []
    for _ in range(6):
        sample = pd.DataFrame(values[rng.integers(0, len(values), len(values))], columns=hs_items.columns)
        draws.append(omega(sample, n_factors=3).omega_h)
    assert a.ci["omega_h"] == pytest.approx(tuple(np.percentile(draws, [2.5, 97.5])), abs=1e-12)
    for stat, (lo, hi) in a.ci.items():
        assert 0 <= lo <= hi <= 1, stat
    t = a.table()
    assert list(t.statistic) == ["omega_h", "omega_total", "omega_limit", "alpha", "ecv"]


def test_errors(hs_items):
    with pytest.raises(AnalysisError, match=">= 2"):
        omega(hs_items, n_factors=1)
    with pytest.raises(AnalysisError, match="too few"):
        omega(hs_items.iloc[:, :5], n_factors=3)
