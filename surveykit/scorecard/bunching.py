"""(g) Deadline bunching: do registrations pile up in the last days of each counting period?

If registrations arrived at a flat rate over the eligible days (weekdays outside holiday weeks), the share in
the last k calendar days of a counting period would equal that window's share of the period's eligible
days. The observed count in the window is tested against that baseline with an exact binomial test
(Thomassen 2016 Fig. 18 shows the pattern for B22 in Akershus; the summer holiday weeks 28-31 are masked).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy import stats

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable


@dataclass(frozen=True)
class Bunching:
    """Per counting period: eligible days, eligible days in the last k, registrations (masked days
    removed), registrations in the last k, expected share, observed share, ratio and binomial p; ``overall``
    pools the periods under one flat rate; ``n_masked``: registrations dropped on masked days."""

    last_days: int
    periods: pd.DataFrame
    overall: dict
    n_masked: int
    n_outside: int

    def summary(self) -> pd.DataFrame:
        return self.periods

    def to_dict(self) -> dict:
        return to_jsonable(self)


def deadline_bunching(dates: pd.Series, calendar: list[tuple[str, pd.Timestamp, pd.Timestamp]], last_days: int = 7,
                      holidays: list[tuple[pd.Timestamp, pd.Timestamp]] = (), weekdays_only: bool = True,
                      alternative: str = "greater") -> Bunching:
    """Share of registrations in the last ``last_days`` calendar days of each counting period against a flat
    baseline. ``calendar``: (period, first day, last day). Registrations outside every counting period are
    counted in ``n_outside`` and left out (the calendar must cover them to be tested)."""
    days = pd.to_datetime(pd.Series(dates)).dt.normalize()
    masked = pd.Series(False, index=days.index)
    for first, last in holidays:
        masked |= (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
    if weekdays_only:
        masked |= days.dt.day_of_week >= 5
    kept = days[~masked]
    rows, covered = [], pd.Series(False, index=kept.index)
    for period, first, last in calendar:
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        span = pd.date_range(first, last, freq="D")
        eligible = pd.Series(True, index=span)
        for h0, h1 in holidays:
            eligible &= ~((span >= pd.Timestamp(h0)) & (span <= pd.Timestamp(h1)))
        if weekdays_only:
            eligible &= span.day_of_week < 5
        window_start = last - pd.Timedelta(days=last_days - 1)
        in_window = eligible & (span >= window_start)
        n_days, n_window_days = int(eligible.sum()), int(in_window.sum())
        inside = (kept >= first) & (kept <= last)
        covered |= inside
        n = int(inside.sum())
        x = int((inside & (kept >= window_start)).sum())
        expected = n_window_days / n_days if n_days else float("nan")
        p = float(stats.binomtest(x, n, expected, alternative=alternative).pvalue) if n and 0 < expected < 1 else float("nan")
        rows.append({"period": period, "first": first.date().isoformat(), "last": last.date().isoformat(),
                     "eligible_days": n_days, "window_days": n_window_days, "n": n, "n_window": x,
                     "expected_share": expected, "observed_share": x / n if n else float("nan"),
                     "ratio": (x / n) / expected if n and expected else float("nan"), "p": p})
    periods = pd.DataFrame(rows)
    if periods.empty or periods["n"].sum() == 0:
        raise AnalysisError("deadline bunching: no registrations fall inside the counting calendar")
    total_days, total_window = int(periods["eligible_days"].sum()), int(periods["window_days"].sum())
    n, x = int(periods["n"].sum()), int(periods["n_window"].sum())
    expected = total_window / total_days
    overall = {"n": n, "n_window": x, "expected_share": expected, "observed_share": x / n,
               "ratio": (x / n) / expected, "p": float(stats.binomtest(x, n, expected, alternative=alternative).pvalue),
               "alternative": alternative}
    return Bunching(last_days, periods, overall, int(masked.sum()), int((~covered).sum()))
