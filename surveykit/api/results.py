"""The results of one run as a Python object: tidy DataFrames for every section, JSON, the report.

:class:`Results` wraps the plain ``results`` dict that a run writes as results.json (see
docs/results-json.md) and offers one accessor per section, each returning a tidy DataFrame built from
that dict, so a table in a notebook and the entry in results.json can never disagree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surveykit.data.prepare import PreparedData
from surveykit.pipeline.settings import Settings
from surveykit.spec.questionnaire import Questionnaire


def _scalars(record: dict) -> dict:
    """The scalar entries of a record (lists and nested dicts are left to dedicated accessors)."""
    return {k: v for k, v in record.items() if not isinstance(v, (dict, list))}


@dataclass
class Results:
    """Results of :func:`surveykit.analyze`. ``results`` is the dict written as results.json."""

    questionnaire: Questionnaire
    data: PreparedData = field(repr=False)
    settings: Settings
    results: dict = field(repr=False)
    frame: pd.DataFrame = field(repr=False)

    # ----------------------------------------------------------------------------------- output
    def to_dict(self) -> dict:
        """The results as plain JSON-safe Python (the content of results.json)."""
        return self.results

    def to_json(self) -> str:
        """The results.json text, byte for byte what ``surveykit run`` writes."""
        from surveykit.pipeline.results import results_json

        return results_json(self.results)

    def write_report(self, out_dir: str | Path, lang: str | None = None) -> list[Path]:
        """Write report.html, tables.xlsx, results.json and figures/ into ``out_dir``; return the files.

        With a ``lang`` other than the one analysed in, the results are made again in that language (labels
        in the results follow the language); the statistics are the same.
        """
        from surveykit.pipeline.run import write_outputs

        target = self if lang in (None, self.settings.lang) else self._in_language(lang)
        return write_outputs(target.results, self.questionnaire, target.frame, Path(out_dir), target.settings)

    def _in_language(self, lang: str) -> "Results":
        from dataclasses import replace

        from surveykit.pipeline.results import build_results

        settings = replace(self.settings, lang=lang)
        results, frame = build_results(self.questionnaire, self.data, settings)
        return Results(self.questionnaire, self.data, settings, results, frame)

    # ---------------------------------------------------------------------------------- sections
    @property
    def n_respondents(self) -> int:
        return int(self.results.get("n_respondents", 0))

    def sample(self) -> pd.DataFrame:
        """Background variables: one row per variable and category (n and valid %), hidden groups left out."""
        rows = []
        for var, entry in (self.results.get("sample") or {}).items():
            for label, cell in (entry.get("counts") or {}).items():
                cell = cell if isinstance(cell, dict) else {"n": cell}
                rows.append({"variable": var, "category": label, **_scalars(cell)})
        return pd.DataFrame(rows)

    def descriptives(self) -> pd.DataFrame:
        """Descriptive statistics, one row per variable (n, mean, sd, median, ... as computed)."""
        entries = self.results.get("descriptives") or {}
        return pd.DataFrame.from_dict({k: _scalars(v) for k, v in entries.items()}, orient="index")

    def factorability(self) -> pd.DataFrame:
        """Per factor analysis: n, determinant, KMO, Bartlett's chi-square, df and p, factors retained."""
        rows = {}
        for fa_id, fa in (self.results.get("factor_analyses") or {}).items():
            bart = fa.get("bartlett") or {}
            rows[fa_id] = {"n": fa.get("n"), "determinant": fa.get("determinant"), "kmo": fa.get("kmo"),
                           "bartlett_chi2": bart.get("chi2"), "bartlett_df": bart.get("df"),
                           "bartlett_p": bart.get("p"), "n_factors": fa.get("n_factors"),
                           "extraction": fa.get("extraction"), "rotation": fa.get("rotation")}
        return pd.DataFrame.from_dict(rows, orient="index")

    def loadings(self, analysis: str, matrix: str = "loadings") -> pd.DataFrame:
        """Pattern loadings (``matrix='loadings'``) or the ``'structure'`` matrix of one factor analysis."""
        fa = self._entry("factor_analyses", analysis)
        data = fa.get(matrix) or {}
        frame = pd.DataFrame.from_dict(data, orient="index")
        frame.columns = [f"F{j + 1}" for j in range(frame.shape[1])]
        return frame

    def eigenvalues(self, analysis: str) -> pd.DataFrame:
        """Eigenvalues with % of variance and cumulative %, one row per component."""
        fa = self._entry("factor_analyses", analysis)
        frame = pd.DataFrame({"eigenvalue": fa.get("eigenvalues"), "variance_pct": fa.get("variance_pct"),
                              "cumulative_pct": fa.get("cumulative_pct")})
        frame.index = range(1, len(frame) + 1)
        return frame

    def reliability(self) -> pd.DataFrame:
        """Reliability of every index and every reliability analysis of the plan, one row each: n, alpha
        with its CI, standardised alpha, average inter-item r, omega (``source`` says which it is)."""
        rows = {}
        for source, section in (("index", "indices"), ("plan", "reliability")):
            for rid, rel in (self.results.get(section) or {}).items():
                if "alpha" not in rel:
                    continue
                ci = rel.get("alpha_ci") or [None, None]
                rows[rid] = {"source": source, **_scalars(rel), "alpha_ci_low": ci[0], "alpha_ci_high": ci[1]}
        return pd.DataFrame.from_dict(rows, orient="index")

    def item_statistics(self, analysis: str) -> pd.DataFrame:
        """Item means, SDs, corrected item-total r and alpha if deleted of one index or reliability analysis."""
        in_indices = analysis in (self.results.get("indices") or {})
        rel = self._entry("indices" if in_indices else "reliability", analysis)
        columns = {k: rel[k] for k in ("item_means", "item_sds", "item_total_r", "alpha_if_deleted") if k in rel}
        return pd.DataFrame(columns)

    def comparisons(self) -> pd.DataFrame:
        """Group comparisons (t-tests, ANOVAs), one row per outcome x grouping variable."""
        rows = []
        for rec in self.results.get("comparisons") or []:
            row = _scalars(rec)
            df = rec.get("df")
            if isinstance(df, list):
                row["df1"], row["df2"] = (df + [None])[:2]
            elif df is not None:
                row["df"] = df
            rows.append(row)
        return pd.DataFrame(rows)

    def group_statistics(self) -> pd.DataFrame:
        """n, mean, SD and SE of every group in every comparison."""
        rows = []
        for rec in self.results.get("comparisons") or []:
            for label, g in (rec.get("groups") or {}).items():
                rows.append({"plan": rec.get("plan"), "outcome": rec.get("outcome"), "group": rec.get("group"),
                             "category": label, **_scalars(g)})
        return pd.DataFrame(rows)

    def posthoc(self) -> pd.DataFrame:
        """Post hoc pairwise comparisons of every ANOVA."""
        rows = []
        for rec in self.results.get("comparisons") or []:
            for pair in rec.get("posthoc") or []:
                rows.append({"plan": rec.get("plan"), "outcome": rec.get("outcome"), "group": rec.get("group"),
                             **_scalars(pair)})
        return pd.DataFrame(rows)

    def crosstabs(self) -> pd.DataFrame:
        """Crosstab tests: chi-square, df, p, Cramér's V / phi, Fisher's p, n."""
        return pd.DataFrame([_scalars(rec) for rec in self.results.get("crosstabs") or []])

    def correlations(self, table: str) -> pd.DataFrame:
        """The correlation matrix of one correlation table of the plan (``'r'``; p and n via :meth:`correlation`)."""
        return self.correlation(table, "r")

    def correlation(self, table: str, what: str = "r") -> pd.DataFrame:
        """One matrix of a correlation table: ``what`` is 'r', 'p' or 'n'."""
        entry = self._entry("correlation_tables", table)
        variables = entry.get("variables") or []
        return pd.DataFrame(entry.get(what), index=variables, columns=variables)

    def regression_steps(self, regression: str) -> pd.DataFrame:
        """Model summary per step: R, R², adjusted R², ΔR², F change with its df and p."""
        return pd.DataFrame(self._entry("regressions", regression).get("steps") or [])

    def regression_coefficients(self, regression: str) -> pd.DataFrame:
        """b, SE, β, t, p and CI of every term at every step."""
        return pd.DataFrame(self._entry("regressions", regression).get("coefficients") or [])

    def favourable(self) -> pd.DataFrame:
        """Favourable % overall, one row per index or item."""
        rows = {k: _scalars(v) for k, v in (self.results.get("favourable") or {}).items()}
        return pd.DataFrame.from_dict(rows, orient="index")

    # ------------------------------------------------------------------------ the survey cycle
    def response_rates(self) -> pd.DataFrame:
        """One row per unit of the units file: level, parent, headcount, respondents and response rate
        (None where the unit is hidden), indexed by unit code."""
        units = (self.results.get("organisation") or {}).get("units") or []
        return pd.DataFrame(units).set_index("unit") if units else pd.DataFrame()

    def wave_changes(self, what: str = "means", previous: str | None = None) -> pd.DataFrame:
        """The change since an earlier wave (default the last), one row per unit and variable: ``what`` is
        'means' (Welch's t, CI, d, flag) or 'favourable' (favourable % with Newcombe's CI, z, flag)."""
        compared = (self.results.get("waves") or {}).get("compared") or []
        if not compared:
            return pd.DataFrame()
        labels = [c["previous"] for c in compared]
        if previous is not None and previous not in labels:
            raise KeyError(f"no earlier wave {previous!r}; there are: {', '.join(labels)}")
        entry = compared[labels.index(previous) if previous is not None else -1]
        if what not in ("means", "favourable"):
            raise ValueError("what must be 'means' or 'favourable'")
        return pd.DataFrame(entry.get(what) or [])

    def trends(self) -> pd.DataFrame:
        """Means of every variable in every wave, per unit shown (long format: unit, variable, wave, n, mean)."""
        return pd.DataFrame((self.results.get("waves") or {}).get("trend") or [])

    def drivers(self, analysis: str) -> pd.DataFrame:
        """One key-driver analysis: per predictor r, beta, relative weight and general dominance with their
        bootstrap CIs, rank, favourable % and priority quadrant, indexed by predictor."""
        return pd.DataFrame(self._entry("drivers", analysis).get("table") or []).set_index("predictor")

    def engagement(self, analysis: str) -> pd.DataFrame:
        """An engagement index or eNPS: the organisation first, then every unit shown."""
        entry = self._entry("engagement", analysis)
        return pd.DataFrame(([entry["overall"]] if entry.get("overall") else []) + list(entry.get("units") or []))

    # ---------------------------------------------------------------- beyond the thesis (issue 18)
    def cfa_fit(self) -> pd.DataFrame:
        """Fit of every confirmatory factor analysis: n, chi-square, df, p, CFI, TLI, RMSEA with its CI, ...
        (the robust fit, when asked for, in columns ``robust_*``)."""
        rows = {}
        for cid, c in (self.results.get("cfa") or {}).items():
            robust = {f"robust_{k}": v for k, v in (c.get("robust") or {}).items() if not isinstance(v, (dict, list))}
            rows[cid] = {"n": c.get("n"), "estimator": c.get("estimator"), **(c.get("fit") or {}), **robust}
        return pd.DataFrame.from_dict(rows, orient="index")

    def cfa_loadings(self, analysis: str) -> pd.DataFrame:
        """Loadings of one CFA: factor, item, estimate, SE, z, p, standardised (std.all) with its SE."""
        return pd.DataFrame(self._entry("cfa", analysis).get("loadings") or [])

    def weighted(self) -> pd.DataFrame:
        """Weighted t-tests (survey design), one row per comparison, beside the unweighted statistic."""
        return pd.DataFrame([_scalars(t) for t in (self.results.get("weighted") or {}).get("tests") or []])

    def weighting_margins(self) -> pd.DataFrame:
        """The weighting margins: population and respondents per category, weighted totals before and after."""
        return pd.DataFrame((self.results.get("weighted") or {}).get("margins") or [])

    def icc(self) -> pd.DataFrame:
        """ICC(1), ICC(2) and the design effect of each variable clustered by the plan's cluster variable."""
        icc = (self.results.get("clustering") or {}).get("icc") or {}
        return pd.DataFrame.from_dict({k: _scalars(v) for k, v in icc.items()}, orient="index")

    def replication(self) -> pd.DataFrame:
        """Published values beside the reproduced ones, with the difference and whether it is within tolerance."""
        return pd.DataFrame(self.results.get("replication") or [])

    def suppressed(self) -> pd.DataFrame:
        """What disclosure control hid or merged, where and why."""
        return pd.DataFrame(self.results.get("suppressed") or [])

    def _entry(self, section: str, key: str) -> dict:
        entries = self.results.get(section) or {}
        if key not in entries:
            raise KeyError(f"no {section} entry {key!r}; there are: {', '.join(map(str, entries)) or 'none'}")
        return entries[key]

    # ------------------------------------------------------------------------------ display
    def summary(self) -> str:
        """A few lines: the survey, N, and one line per section with what it holds."""
        meta = self.results.get("questionnaire") or {}
        lines = [f"surveykit results: {meta.get('id', self.questionnaire.meta.id)}, "
                 f"N = {self.n_respondents} ({self.results.get('data', {}).get('file', '')}), "
                 f"lang = {self.settings.lang}, minimum group size = {self.settings.min_group_size}"]
        rel = self.reliability()
        if not rel.empty and "alpha" in rel:
            lines.append("  reliability: " + ", ".join(f"{k} α = {v:.3f}" for k, v in rel["alpha"].items()))
        fa = self.factorability()
        if not fa.empty:
            lines.append("  factor analyses: " + ", ".join(
                f"{k} (KMO = {r.kmo:.3f}, {r.n_factors} factors)" for k, r in fa.iterrows()))
        counts = {"comparisons": len(self.results.get("comparisons") or []),
                  "crosstabs": len(self.results.get("crosstabs") or []),
                  "correlation tables": len(self.results.get("correlation_tables") or {}),
                  "regressions": len(self.results.get("regressions") or {})}
        lines.append("  " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        rep = self.replication()
        if not rep.empty and "within" in rep:
            lines.append(f"  replication: {int(rep['within'].sum())} of {len(rep)} published values within tolerance")
        hidden = self.suppressed()
        lines.append(f"  disclosure control: {len(hidden)} entries hidden or merged" if len(hidden)
                     else "  disclosure control: nothing hidden")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        """A compact overview for notebooks: the summary and the reliability and factorability tables."""
        parts = [f"<pre>{html.escape(self.summary())}</pre>"]
        for title, frame in (("Reliability", self.reliability()), ("Factorability", self.factorability())):
            if not frame.empty:
                keep = [c for c in frame.columns if frame[c].map(lambda v: not isinstance(v, (list, dict))).all()]
                parts.append(f"<h4>{title}</h4>" + frame[keep].to_html(float_format=lambda v: f"{v:.3f}"))
        return "\n".join(parts)
