"""Crosstabulation with chi-square tests and association measures, as SPSS CROSSTABS prints them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.stats.distributions import chi2_sf, fisher_exact_2x2
from surveykit.errors import AnalysisError, Problem

from .groups import FrameCache, check_columns, check_min_group_size, label_of, labels_for, to_jsonable


@dataclass(frozen=True)
class CrosstabResult:
    """Result of :func:`crosstab`. Tables are DataFrames indexed by row code x column code.

    Percentages are 0-100. ``phi`` is signed for a 2x2 table ((ad - bc)/sqrt(r1 r2 c1 c2), as
    SPSS) and sqrt(chi2/N) otherwise; ``association`` names the measure that applies ('phi' for
    2x2, 'cramers_v' otherwise). Yates and Fisher fields are None unless the table is 2x2.
    """

    row: str
    col: str
    counts: pd.DataFrame
    row_pct: pd.DataFrame
    col_pct: pd.DataFrame
    total_pct: pd.DataFrame
    expected: pd.DataFrame
    adjusted_residuals: pd.DataFrame
    row_labels: dict
    col_labels: dict
    n: int
    chi2: float
    df: int
    p: float
    likelihood_ratio: float
    likelihood_ratio_p: float
    phi: float
    cramers_v: float
    association: str
    min_expected: float
    n_cells_expected_lt5: int
    pct_cells_expected_lt5: float
    expected_warning: bool
    yates_chi2: float | None
    yates_p: float | None
    fisher_p_two_sided: float | None
    fisher_p_one_sided: float | None
    small_cells: pd.DataFrame  # bool mask: 0 < count < min_group_size
    min_group_size: int
    suppressed: list[dict] = field(default_factory=list)
    missing: dict = field(default_factory=dict)

    @property
    def effect_size(self) -> float:
        """The association measure that applies: phi (2x2) or Cramér's V."""
        return self.phi if self.association == "phi" else self.cramers_v

    def to_dict(self) -> dict:
        return to_jsonable(self)

    def summary(self) -> str:
        lines = [f"Crosstab: {self.row} x {self.col} (N = {self.n})", self.counts.to_string()]
        lines.append(f"  Pearson chi2({self.df}) = {self.chi2:.3f}, p = {self.p:.4f}")
        lines.append(f"  Likelihood ratio = {self.likelihood_ratio:.3f}, p = {self.likelihood_ratio_p:.4f}")
        if self.yates_chi2 is not None:
            lines.append(f"  Continuity correction = {self.yates_chi2:.3f}, p = {self.yates_p:.4f}")
            lines.append(f"  Fisher's exact p (2-sided) = {self.fisher_p_two_sided:.4f}, (1-sided) = {self.fisher_p_one_sided:.4f}")
        lines.append(f"  phi = {self.phi:.3f}, Cramer's V = {self.cramers_v:.3f} ({self.association} applies)")
        if self.expected_warning:
            lines.append(
                f"  warning: {self.n_cells_expected_lt5} cells ({self.pct_cells_expected_lt5:.1f}%) have expected "
                f"count < 5; minimum expected count = {self.min_expected:.2f}"
            )
        lines += [f"  suppressed: {s}" for s in self.suppressed]
        return "\n".join(lines)


def _suppress(counts: np.ndarray, rkeys: list, ckeys: list, row: str, col: str, min_group_size: int):
    """Drop row/column categories whose total is below min_group_size, until none is left.

    Removing a row can push a column total under the limit, hence the loop.
    """
    suppressed: list[dict] = []
    rkeep = np.ones(len(rkeys), bool)
    ckeep = np.ones(len(ckeys), bool)
    while True:
        sub = counts[np.ix_(rkeep, ckeep)]
        rtot, ctot = sub.sum(axis=1), sub.sum(axis=0)
        rsmall = np.flatnonzero(rkeep)[rtot < min_group_size]
        csmall = np.flatnonzero(ckeep)[ctot < min_group_size]
        if not len(rsmall) and not len(csmall):
            break
        for i in rsmall:
            suppressed.append({"variable": row, "group": rkeys[i], "n": int(counts[i, ckeep].sum())})
            rkeep[i] = False
        for j in csmall:
            suppressed.append({"variable": col, "group": ckeys[j], "n": int(counts[rkeep, j].sum() if rkeep.any() else 0)})
            ckeep[j] = False
    return rkeep, ckeep, suppressed


def crosstab(
    df: pd.DataFrame,
    row: str,
    col: str,
    *,
    min_group_size: int = 5,
    labels: Mapping | None = None,
    cache: FrameCache | None = None,
) -> CrosstabResult:
    """Crosstab ``row`` x ``col`` with Pearson and likelihood-ratio chi-square and association.

    * Pearson :math:`\\chi^2=\\sum (O-E)^2/E`, :math:`E_{ij}=r_i c_j/N`, df = (R-1)(C-1);
    * likelihood ratio :math:`G^2 = 2\\sum O\\ln(O/E)`;
    * phi = sqrt(chi2/N) (signed (ad-bc)/sqrt(r1 r2 c1 c2) for 2x2), Cramér's
      :math:`V=\\sqrt{\\chi^2/(N(\\min(R,C)-1))}`;
    * adjusted standardised residuals :math:`(O-E)/\\sqrt{E(1-r_i/N)(1-c_j/N)}` (Agresti 2007,
      sec. 2.4.5; SPSS "Adjusted Residual");
    * 2x2 only: Yates continuity correction
      :math:`N(\\max(0,|ad-bc|-N/2))^2/(r_1r_2c_1c_2)` and Fisher's exact test (two-sided, and
      one-sided in the observed direction as SPSS);
    * SPSS's footnote: ``expected_warning`` when more than 20% of cells have expected count < 5.

    Confidentiality: row or column categories with fewer than ``min_group_size`` people are
    removed before the test and listed in ``suppressed``; ``small_cells`` flags the remaining
    cells with 0 < n < min_group_size so the report layer can mask them. Rows where either
    variable is missing are left out (counted in ``missing``).

    ``cache``: a :class:`~surveykit.compare.groups.FrameCache` of ``df`` shared with other
    calls, so each variable is coded once.

    Example
    -------
    >>> res = crosstab(df, "gender", "unit", labels={"gender": {1: "Women", 2: "Men"}})
    >>> res.chi2, res.df, res.p, res.effect_size, res.association
    """
    check_min_group_size(min_group_size)
    check_columns(df, [row, col])
    if cache is None:
        cache = FrameCache(df)
    cache.check(df)
    rcodes, rkeys, _ = cache.group_codes(row)  # codes 0..R-1, R = missing
    ccodes, ckeys, _ = cache.group_codes(col)
    R, C = len(rkeys), len(ckeys)
    # one bincount gives the table with a "missing" row and column: (R + 1) x (C + 1)
    cell = rcodes.astype(np.intp) * (C + 1) + ccodes
    full = np.bincount(cell, minlength=(R + 1) * (C + 1)).reshape(R + 1, C + 1)
    counts_all = full[:R, :C]
    rkeep, ckeep, suppressed = _suppress(counts_all, rkeys, ckeys, row, col, min_group_size)
    rk = [k for k, kp in zip(rkeys, rkeep) if kp]
    ck = [k for k, kp in zip(ckeys, ckeep) if kp]
    obs = counts_all[np.ix_(rkeep, ckeep)].astype(np.float64)
    missing = {
        "method": "pairwise",
        "n_rows": len(df),
        "n_missing_row": int(full[R, :].sum()),
        "n_missing_col": int(full[:, C].sum()),
        "n_missing_either": int(full.sum() - counts_all.sum()),
        "n_suppressed": int(counts_all.sum() - obs.sum()),
    }
    if obs.shape[0] < 2 or obs.shape[1] < 2:
        raise AnalysisError(
            f"a crosstab test needs at least 2 categories of {row!r} and of {col!r} "
            f"with at least {min_group_size} people each",
            [Problem(f"kept {len(rk)} x {len(ck)}; suppressed: {suppressed}")],
        )
    n = obs.sum()
    rtot, ctot = obs.sum(axis=1), obs.sum(axis=0)
    expected = np.outer(rtot, ctot) / n
    dof = (obs.shape[0] - 1) * (obs.shape[1] - 1)
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        g_terms = np.where(obs > 0, obs * np.log(obs / expected), 0.0)
    lr = float(2.0 * g_terms.sum())
    adj = (obs - expected) / np.sqrt(expected * np.outer(1 - rtot / n, 1 - ctot / n))
    cramers_v = math.sqrt(chi2 / (n * (min(obs.shape) - 1)))
    is_2x2 = obs.shape == (2, 2)
    yates = yates_p = fisher2 = fisher1 = None
    if is_2x2:
        (a, b), (c, d) = obs
        denom = float(np.prod(rtot) * np.prod(ctot))
        phi = float((a * d - b * c) / math.sqrt(denom))
        yates = float(n * max(0.0, abs(a * d - b * c) - n / 2.0) ** 2 / denom)
        yates_p = float(chi2_sf(yates, 1))
        table = obs.astype(np.int64)
        fisher2 = fisher_exact_2x2(table, alternative="two-sided")
        # one-sided in the direction of the observed association (SPSS "Exact Sig. (1-sided)")
        direction = "greater" if a >= expected[0, 0] else "less"
        fisher1 = fisher_exact_2x2(table, alternative=direction)
    else:
        phi = math.sqrt(chi2 / n)
    lt5 = int((expected < 5).sum())
    pct_lt5 = 100.0 * lt5 / expected.size
    rlab, clab = labels_for(labels, row), labels_for(labels, col)
    idx = pd.Index(rk, name=row, dtype=object)
    cols = pd.Index(ck, name=col, dtype=object)

    def frame(values) -> pd.DataFrame:
        return pd.DataFrame(values, index=idx, columns=cols)

    return CrosstabResult(
        row=row,
        col=col,
        counts=frame(obs.astype(np.int64)),
        row_pct=frame(100.0 * obs / rtot[:, None]),
        col_pct=frame(100.0 * obs / ctot[None, :]),
        total_pct=frame(100.0 * obs / n),
        expected=frame(expected),
        adjusted_residuals=frame(adj),
        row_labels={k: label_of(k, rlab) for k in rk},
        col_labels={k: label_of(k, clab) for k in ck},
        n=int(n),
        chi2=chi2,
        df=dof,
        p=float(chi2_sf(chi2, dof)),
        likelihood_ratio=lr,
        likelihood_ratio_p=float(chi2_sf(lr, dof)),
        phi=phi,
        cramers_v=cramers_v,
        association="phi" if is_2x2 else "cramers_v",
        min_expected=float(expected.min()),
        n_cells_expected_lt5=lt5,
        pct_cells_expected_lt5=pct_lt5,
        expected_warning=pct_lt5 > 20.0,
        yates_chi2=yates,
        yates_p=yates_p,
        fisher_p_two_sided=fisher2,
        fisher_p_one_sided=fisher1,
        small_cells=frame((obs > 0) & (obs < min_group_size)),
        min_group_size=min_group_size,
        suppressed=suppressed,
        missing=missing,
    )
