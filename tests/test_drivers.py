"""Key-driver analysis: relative weights, dominance analysis, bootstrap CIs, priority quadrants.

References: tests/data/drivers/*.csv from tests/r/drivers.R, an independent base-R implementation
(relative weights via eigen(); dominance from lm() R^2 of all 2^p subsets, not from correlation
algebra; bootstrap percentile CIs by quantile(type = 7) over resamples drawn in R and stored).
R prints 15 significant digits; rtol 1e-10 (achieved: 1e-12 or better) allows for the different linear algebra
(eigh vs eigen, solve vs QR in lm) on mtcars, whose predictors are strongly collinear (cond ~ 1e2-1e3).
Published outputs of two other implementations on mtcars are checked to the 7 digits they print: the domir
vignette (general, conditional and complete dominance) and the rwa README (relative weights). The worked
examples of Johnson (2000) and LeBreton & Tonidandel (2008) were not available here to check.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.errors import AnalysisError
from surveykit.model.drivers import (
    MAX_DOMINANCE_PREDICTORS,
    bootstrap_statistics,
    dominance,
    key_drivers,
    priority_quadrants,
    relative_weights,
    subset_r2,
)

DATA = Path(__file__).parent / "data" / "drivers"
MTCARS = ["cyl", "disp", "hp", "drat", "wt", "qsec"]
SAQ = ["Question_01", "Question_02", "Question_03", "Question_04", "Question_05", "Question_07", "Question_08"]


def _compare(res, name):
    ref = pd.read_csv(DATA / f"{name}_weights.csv").set_index("predictor")
    t = res.table.loc[ref.index]
    assert res.n == ref["n"].iloc[0]
    assert res.r2 == pytest.approx(ref["r2"].iloc[0], rel=1e-10)
    for col in ("r", "beta", "raw_weight", "rescaled_weight", "general_dominance"):
        np.testing.assert_allclose(t[col], ref[col], rtol=1e-10, err_msg=col)
    cond = pd.read_csv(DATA / f"{name}_conditional.csv").set_index("predictor").loc[ref.index]
    np.testing.assert_allclose(res.conditional.loc[ref.index].to_numpy(), cond.to_numpy(), rtol=1e-10, atol=1e-14)
    comp = pd.read_csv(DATA / f"{name}_complete.csv").set_index("predictor").loc[ref.index, list(ref.index)]
    np.testing.assert_array_equal(res.complete.loc[ref.index, list(ref.index)].to_numpy(), comp.to_numpy())


def test_mtcars_against_base_r():
    df = pd.read_csv(DATA / "mtcars.csv")
    res = key_drivers(df, "mpg", MTCARS, n_boot=0)
    _compare(res, "mtcars")
    # both decompositions share out R^2 exactly
    assert res.table["raw_weight"].sum() == pytest.approx(res.r2, rel=1e-12)
    assert res.table["general_dominance"].sum() == pytest.approx(res.r2, rel=1e-12)


def test_saq_against_base_r(saq):
    res = key_drivers(saq, "Question_06", SAQ, n_boot=0)
    _compare(res, "saq")


def test_bootstrap_with_r_resamples():
    df = pd.read_csv(DATA / "mtcars.csv")
    idx = pd.read_csv(DATA / "mtcars_boot_indices.csv").to_numpy()
    res = key_drivers(df, "mpg", MTCARS, resamples=idx)
    ref = pd.read_csv(DATA / "mtcars_boot_ci.csv").set_index("predictor")
    t = res.table.loc[ref.index]
    for col in ref.columns:
        np.testing.assert_allclose(t[col], ref[col], rtol=1e-10, err_msg=col)
    assert res.n_boot == 200


def test_bootstrap_is_seeded_and_batch_independent(monkeypatch):
    df = pd.read_csv(DATA / "mtcars.csv")
    a = key_drivers(df, "mpg", MTCARS, n_boot=150, seed=1)
    b = key_drivers(df, "mpg", MTCARS, n_boot=150, seed=1)
    pd.testing.assert_frame_equal(a.table, b.table)
    import surveykit.model.drivers as drv
    monkeypatch.setattr(drv, "_BATCH_CELLS", 7 * 32 * 7)  # 7 resamples per batch instead of all
    c = key_drivers(df, "mpg", MTCARS, n_boot=150, seed=1)
    pd.testing.assert_frame_equal(a.table, c.table, rtol=1e-12)
    lo, hi = a.table["rescaled_ci_low"], a.table["rescaled_ci_high"]
    assert (lo <= a.table["rescaled_weight"]).all() and (a.table["rescaled_weight"] <= hi).all()


def _index_like(n, q, seed):
    """Survey-like scores: q correlated indices (means of 5-point items, in quarter steps)."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    loadings = np.linspace(0.4, 1.0, q)
    return np.round(np.clip(3 + loadings * latent + rng.normal(size=(n, q)), 1, 5) * 4) / 4


@pytest.mark.parametrize("threads", [False, True])
def test_bootstrap_counts_match_gathered_rows(monkeypatch, threads):
    """The counts formulation (resample counts times the products of the centred variables) gives each
    resample's statistics as correlating its gathered rows does, for the resamples drawn the old way
    (one call of rng.integers per batch) and for given resamples."""
    import surveykit.model.drivers as drv
    import surveykit.stats.parallel as par
    n, q, n_boot, seed = 5000, 7, 40, 11
    x = _index_like(n, q, 3)
    if threads:  # the two-stage path of a large N, with several batches through its two buffers
        monkeypatch.setattr(par, "MIN_ROWS", 0)
        monkeypatch.setattr(drv, "_BATCH_CELLS", 7 * n)
        monkeypatch.setattr(drv, "_SLICE", 1_500)  # and the product in slices of the rows
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    ref_rw, ref_r2, ref_gd = [], [], []
    for rows in idx:
        corr = np.corrcoef(x[rows], rowvar=False)
        r_xx, r_xy = corr[1:, 1:], corr[1:, 0]
        ref_rw.append(relative_weights(r_xx, r_xy))
        ref_r2.append(r_xy @ np.linalg.solve(r_xx, r_xy))
        ref_gd.append(dominance(subset_r2(r_xx, r_xy), q - 1)[1])
    for drawn in (bootstrap_statistics(x, n_boot, seed), bootstrap_statistics(x, 0, resamples=idx)):
        (rw, r2), (gd, r2_again) = drawn
        np.testing.assert_allclose(rw, ref_rw, rtol=1e-10, atol=0)
        np.testing.assert_allclose(r2, ref_r2, rtol=1e-10, atol=0)
        np.testing.assert_allclose(gd, ref_gd, rtol=1e-10, atol=0)
        assert r2_again is r2


def test_pipelined_keeps_order_and_raises(monkeypatch):
    """The two-stage helper the bootstrap uses: results in input order, a failure of the second stage
    raised to the caller."""
    import surveykit.stats.parallel as par
    monkeypatch.setattr(par, "MIN_ROWS", 0)
    assert par.pipelined(lambda v: 2 * v, iter(range(7)), 1) == [0, 2, 4, 6, 8, 10, 12]
    assert par.pipelined(lambda v: 2 * v, iter([]), 1) == []

    def fails_at_three(v):
        if v == 3:
            raise np.linalg.LinAlgError("singular")
        return v
    with pytest.raises(np.linalg.LinAlgError):
        par.pipelined(fails_at_three, iter(range(6)), 1)


def test_bootstrap_row_drawn_more_often_than_compact_counts_hold():
    """A given resample holding one row 300 times overflows the compact (uint8) counts: computed again
    with wide counts, as from its gathered rows."""
    n, q = 400, 4
    x = _index_like(n, q, 5)
    rows = np.concatenate([np.zeros(300, dtype=int), np.arange(100, 200)])
    (rw, r2), (gd, _) = bootstrap_statistics(x, 0, resamples=np.vstack([rows, np.arange(n)]))
    for b, sample in enumerate((x[rows], x)):
        corr = np.corrcoef(sample, rowvar=False)
        r_xx, r_xy = corr[1:, 1:], corr[1:, 0]
        np.testing.assert_allclose(rw[b], relative_weights(r_xx, r_xy), rtol=1e-10)
        np.testing.assert_allclose(gd[b], dominance(subset_r2(r_xx, r_xy), q - 1)[1], rtol=1e-10)
        assert r2[b] == pytest.approx(r_xy @ np.linalg.solve(r_xx, r_xy), rel=1e-10)


def test_two_predictors_closed_form():
    # p = 2: general dominance = Shapley: (r1^2 + (R^2 - r2^2)) / 2
    r12, r1, r2 = 0.4, 0.5, 0.3
    rxx = np.array([[1, r12], [r12, 1]])
    rxy = np.array([r1, r2])
    R2 = (r1**2 + r2**2 - 2 * r1 * r2 * r12) / (1 - r12**2)
    sub = subset_r2(rxx, rxy)
    assert sub.tolist() == pytest.approx([0, r1**2, r2**2, R2])
    _, gd = dominance(sub, 2)
    assert gd == pytest.approx([(r1**2 + R2 - r2**2) / 2, (r2**2 + R2 - r1**2) / 2])
    # orthogonal predictors: every method gives r^2
    assert relative_weights(np.eye(2), rxy) == pytest.approx(rxy**2)


def test_listwise_deletion_counted():
    df = pd.read_csv(DATA / "mtcars.csv")
    df.loc[[0, 5], "hp"] = np.nan
    df.loc[5, "wt"] = np.nan
    res = key_drivers(df, "mpg", MTCARS, n_boot=0)
    assert res.n == 30 and res.n_excluded == 2
    assert "2 excluded listwise" in res.summary()
    assert res.to_dict()["n"] == 30


def test_errors():
    df = pd.read_csv(DATA / "mtcars.csv")
    with pytest.raises(AnalysisError, match="not in the data"):
        key_drivers(df, "mpg", ["cyl", "nope"])
    with pytest.raises(AnalysisError, match="at least 2 predictors"):
        key_drivers(df, "mpg", ["cyl"])
    df["twice_wt"] = 2 * df["wt"]
    with pytest.raises(AnalysisError, match="collinear"):
        key_drivers(df, "mpg", ["wt", "twice_wt", "hp"], n_boot=0)
    df["const"] = 1.0
    with pytest.raises(AnalysisError, match="does not vary"):
        key_drivers(df, "mpg", ["wt", "const"], n_boot=0)
    wide = pd.DataFrame(np.random.default_rng(0).normal(size=(100, MAX_DOMINANCE_PREDICTORS + 2)))
    wide.columns = [f"x{i}" for i in range(wide.shape[1])]
    with pytest.raises(AnalysisError, match="at most 15"):
        key_drivers(wide, "x0", list(wide.columns[1:]), dominance_analysis=True, n_boot=0)
    with pytest.raises(AnalysisError, match="row positions"):
        key_drivers(df, "mpg", ["wt", "hp"], resamples=np.full((3, 32), 32))
    res = key_drivers(wide, "x0", list(wide.columns[1:]), n_boot=0)  # relative weights only
    assert res.conditional is None and res.table["general_dominance"].isna().all()


def test_priority_quadrants():
    imp = pd.Series({"goals": 30.0, "feedback": 25.0, "room": 10.0, "routines": 5.0})
    fav = pd.Series({"goals": 70.0, "feedback": 40.0, "room": 80.0, "routines": 20.0})
    q = priority_quadrants(imp, fav)
    assert q["quadrant"].to_dict() == {"goals": "strengths", "feedback": "priorities", "room": "maintain",
                                       "routines": "monitor"}
    assert q["importance_cut"].iloc[0] == 17.5 and q["favourable_cut"].iloc[0] == 55.0
    q2 = priority_quadrants(imp, fav, importance_cut=8, favourable_cut=50)
    assert q2.loc["room", "quadrant"] == "strengths" and q2.loc["routines", "quadrant"] == "monitor"
    with pytest.raises(AnalysisError):
        priority_quadrants(imp, fav.drop("room"))


def test_published_domir_example():
    """domir vignette 'Conceptual Introduction to Dominance Analysis' (Luchman, 2023-04-24), printed output of
    domin(mpg ~ am + cyl + carb, lm, list(summary, "r.squared"), data = mtcars); 7 significant digits."""
    df = pd.read_csv(DATA / "mtcars.csv")
    res = key_drivers(df, "mpg", ["am", "cyl", "carb"], n_boot=0)
    assert res.r2 == pytest.approx(0.8113023, abs=5e-8)
    np.testing.assert_allclose(res.table["general_dominance"], [0.2156848, 0.4173094, 0.1783081], atol=5e-8)
    np.testing.assert_allclose(res.table["general_dominance_pct"] / 100, [0.2658501, 0.5143698, 0.2197801],
                               atol=5e-8)
    np.testing.assert_allclose(res.conditional.to_numpy(),
                               [[0.3597989, 0.2164938, 0.07076149],
                                [0.7261800, 0.4181185, 0.10762967],
                                [0.3035184, 0.1791172, 0.05228872]], atol=5e-8)
    # complete dominance: cyl dominates am and carb; am dominates carb
    assert res.complete.to_numpy().tolist() == [[False, False, True], [True, False, True], [False, False, False]]


def test_published_rwa_example():
    """rwa package README (Chan, github.com/martinctc/rwa): rwa(mtcars, "mpg", c("cyl", "disp", "hp", "gear"))
    prints R^2 0.7791896 and the raw and rescaled relative weights below (7 significant digits)."""
    df = pd.read_csv(DATA / "mtcars.csv")
    res = key_drivers(df, "mpg", ["cyl", "disp", "hp", "gear"], n_boot=0)
    assert res.r2 == pytest.approx(0.7791896, abs=5e-8)
    np.testing.assert_allclose(res.table["raw_weight"], [0.2284797, 0.2221469, 0.2321744, 0.0963886], atol=5e-8)
    np.testing.assert_allclose(res.table["rescaled_weight"], [29.32274, 28.50999, 29.79691, 12.37037], atol=5e-6)


def test_bootstrap_stops_when_cancelled():
    """A run that fails elsewhere sets the event: the bootstrap stops at its next batch instead of
    keeping the error waiting."""
    import threading

    rng = np.random.default_rng(3)
    x = rng.normal(size=(2_000, 4))
    df = pd.DataFrame(x + x[:, [0]], columns=["y", "a", "b", "c"])
    cancel = threading.Event()
    assert key_drivers(df, "y", ["a", "b", "c"], n_boot=20, cancel=cancel).n_boot == 20
    cancel.set()
    import surveykit.model.drivers as drv

    with pytest.raises(drv.Cancelled):
        key_drivers(df, "y", ["a", "b", "c"], n_boot=20, cancel=cancel)
