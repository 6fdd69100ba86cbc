"""Report sections of the inference additions: multiple-testing families, weighted estimates, clustering.

Each section shows only what results.json holds under ``multiple_testing``, ``weighted`` and
``clustering`` (see :mod:`surveykit.pipeline.inference`); without them the sections are left out.
"""
from __future__ import annotations

from . import format as fmt
from .cells import get, head, num, slug, txt
from .document import Paragraph, Row, Section, Table


class InferenceSections:
    """Mixin of :class:`~surveykit.report.content.Builder`: multiple testing, weights, clustering."""

    def _test_label(self, t: dict) -> tuple[str, str]:
        if t.get("kind") == "correlation":
            return f"{self.label(t.get('a', ''))} × {self.label(t.get('b', ''))}", ""
        return self.label(t.get("a", "")), self.label(t.get("b", ""))

    def _plan_name(self, plan_id: str) -> str:
        a = self.q.analysis
        return self.plan_label([*a.comparisons, *a.crosstabs, *a.correlations], plan_id)

    def family_label(self, family_id: str) -> str:
        """The label of a multiple-testing family (for the notes of the tables whose p it adjusts)."""
        for fam in get(self.r, "multiple_testing", "families", default=[]) or []:
            if fam.get("id") == family_id:
                return str(fam.get("label") or family_id)
        return str(family_id)

    # multiple testing ------------------------------------------------------------------------
    def multiple_testing(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("multiple-testing", s["sec_multiple_testing"])
        for fam in get(self.r, "multiple_testing", "families", default=[]) or []:
            method = fam.get("method", "")
            plans = ", ".join(self._plan_name(p) for p in fam.get("plans") or [])
            sec.blocks.append(Paragraph(self.f(
                "mt_method", method=s.get(f"adjust_{method}", method), family=fam.get("label") or fam.get("id"),
                m=fmt.integer(fam.get("family_size"), lang), plans=plans,
                controls=s.get(f"controls_{method}", fam.get("controls", "")))))
            if fam.get("n_missing_p"):
                sec.blocks.append(Paragraph(self.f("mt_missing", n=fmt.integer(fam["n_missing_p"], lang)), "muted"))
            rows = []
            for t in fam.get("tests") or []:
                a, b = self._test_label(t)
                rows.append(Row([txt(self._plan_name(t.get("plan", ""))), txt(a, "label"), txt(b),
                                 num(t.get("p"), fmt.p_value, lang, suffix=fmt.stars(t.get("p"))),
                                 num(t.get("p_adj"), fmt.p_value, lang, suffix=fmt.stars(t.get("p_adj")))]))
            header = [head(s["mt_plan"], s["variable"], s["group"], s["p"], s["p_adj_short"])]
            sec.blocks.append(Table(f"mt-{slug(fam.get('id', ''))}", self.f("mt_title", family=fam.get("label")
                                                                             or fam.get("id")), header, rows,
                                    [s["mt_note"], s["stars_note"]]))
        return sec

    # weights ---------------------------------------------------------------------------------
    def weighting(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("weighted", s["sec_weighted"])
        w = self.r.get("weighted") or {}
        if not w:
            return sec
        margins = "; ".join(" × ".join(self.label(v) for v in m) for m in w.get("margins_used") or [])
        lines = [self.f("w_method", method=s.get(f"w_{w.get('method')}", w.get("method")), margins=margins,
                        files=", ".join(w.get("population") or []), n=fmt.integer(w.get("n"), lang),
                        n_eff=fmt.number(w.get("n_eff"), 1, lang), deff=fmt.number(w.get("deff"), 2, lang),
                        lo=fmt.number(w.get("min_weight"), 2, lang), hi=fmt.number(w.get("max_weight"), 2, lang))]
        if w.get("trim"):
            lines.append(self.f("w_trim", lo=fmt.number(w["trim"][0], 2, lang), hi=fmt.number(w["trim"][1], 2, lang),
                                n=fmt.integer(w.get("n_at_bounds"), lang)))
        lines.append(s["w_cluster"] if w.get("cluster") else s["w_no_cluster"])
        lines.append(s["w_which"])
        if w.get("label"):
            lines.insert(0, str(w["label"]) + ".")
        sec.blocks.append(Paragraph(" ".join(lines)))
        if w.get("notes"):
            sec.blocks.append(Paragraph(s["w_notes"] + ": " + "; ".join(map(str, w["notes"])) + ".", "muted"))

        rows = []
        for m in w.get("margins") or []:
            var = str(m.get("variable", ""))
            category = m.get("category")
            cat_text = (self.q.code_label(var, category, lang) if " x " not in var else
                        " × ".join(self.q.code_label(v, c, lang) for v, c in zip(var.split(" x "),
                                                                                  str(category).split(" | "))))
            cells = [txt(" × ".join(self.label(v) for v in var.split(" x ")), "label"), txt(cat_text),
                     num(m.get("population"), fmt.integer, lang)]
            for key in ("respondents", "weighted_before"):
                cells.append(num(m[key], fmt.integer, lang) if m.get(key) is not None
                             else txt(s["suppressed_cell"], "num muted"))
            cells.append(num(m.get("weighted_after"), lambda x, lang: fmt.number(x, 1, lang), lang))
            rows.append(Row(cells))
        header = [head(s["variable"], s["category"], s["w_population"], s["w_respondents"], s["w_before"],
                       s["w_after"])]
        sec.blocks.append(Table("w-margins", s["w_margins_title"], header, rows,
                                [self.f("xt_note_suppressed", k=self.min_group)]))

        rows = []
        for var, d in (w.get("descriptives") or {}).items():
            rows.append(Row([txt(d.get("label") or self.label(var), "label"), num(d.get("n"), fmt.integer, lang),
                             num(d.get("mean_unweighted"), fmt.mean, lang), num(d.get("mean"), fmt.mean, lang),
                             num(d.get("se"), lambda x, lang: fmt.number(x, 3, lang), lang),
                             txt(f"[{fmt.mean(d.get('ci_low'), lang)}; {fmt.mean(d.get('ci_high'), lang)}]", "num"),
                             num(d.get("deff"), lambda x, lang: fmt.number(x, 2, lang), lang)]))
        if rows:
            header = [head(s["variable"], s["n"], s["w_mean_unw"], s["w_mean_w"], s["se"], s["ci95"], s["w_deff"])]
            sec.blocks.append(Table("w-means", s["w_means_title"], header, rows, [s["w_means_note"]]))

        rows = []
        for var, d in (w.get("favourable") or {}).items():
            rows.append(Row([txt(d.get("label") or self.label(var), "label"), num(d.get("n"), fmt.integer, lang),
                             num(d.get("pct_unweighted"), fmt.pct, lang), num(d.get("pct"), fmt.pct, lang),
                             num(d.get("se"), lambda x, lang: fmt.number(x, 1, lang), lang),
                             txt(f"[{fmt.pct(d.get('ci_low'), lang)}; {fmt.pct(d.get('ci_high'), lang)}]", "num")]))
        if rows:
            header = [head(s["variable"], s["n"], s["w_fav_unw"], s["w_fav_w"], s["se"], s["ci95"])]
            sec.blocks.append(Table("w-favourable", s["w_fav_title"], header, rows, [s["w_fav_note"]]))

        rows = []
        for t in w.get("tests") or []:
            labels = t.get("groups") or ["", ""]
            rows.append(Row([txt(self.label(t.get("outcome", "")), "label"), txt(self.label(t.get("group", ""))),
                             txt(f"{labels[0]} − {labels[1]}"),
                             num(t.get("unweighted_p"), fmt.p_value, lang),
                             num(t.get("mean_diff"), fmt.mean, lang),
                             num(t.get("se"), lambda x, lang: fmt.number(x, 3, lang), lang),
                             txt(fmt.t_test(t.get("t"), t.get("df"), lang), "num"),
                             num(t.get("p"), fmt.p_value, lang, suffix=fmt.stars(t.get("p")))]))
        if rows:
            header = [head(s["variable"], s["group"], s["w_diff_of"], s["w_p_unw"], s["w_diff"], s["se"],
                           s["test"], s["w_p_w"])]
            sec.blocks.append(Table("w-tests", s["w_tests_title"], header, rows, [s["w_tests_note"], s["stars_note"]]))
        return sec

    # clustering ------------------------------------------------------------------------------
    def clustering(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("clustering", s["sec_clustering"])
        c = self.r.get("clustering") or {}
        if not c:
            return sec
        var = self.label(c.get("variable", ""))
        n_small = c.get("n_clusters_below_min_group_size") or 0
        small = (self.f("cl_small", n=fmt.integer(n_small, lang), k=self.min_group) if n_small
                 else self.f("cl_small_none", k=self.min_group))
        text = self.f("cl_method", var=var, j=fmt.integer(c.get("n_clusters"), lang), small=small,
                      missing=fmt.integer(c.get("n_missing_cluster"), lang))
        sec.blocks.append(Paragraph((str(c["label"]) + ". " if c.get("label") else "") + text))
        rows = []
        two = lambda x, lang: fmt.number(x, 2, lang)
        for score, d in (c.get("icc") or {}).items():
            rows.append(Row([txt(d.get("label") or self.label(score), "label"), num(d.get("n"), fmt.integer, lang),
                             num(d.get("n_clusters"), fmt.integer, lang),
                             num(d.get("mean_cluster_size"), lambda x, lang: fmt.number(x, 1, lang), lang),
                             txt(fmt.f_test(d.get("f"), d.get("df_between"), d.get("df_within"), lang), "num"),
                             num(d.get("p"), fmt.p_value, lang),
                             num(d.get("icc1"), fmt.bounded, lang), num(d.get("icc2"), fmt.bounded, lang),
                             num(d.get("design_effect"), two, lang),
                             num(d.get("effective_n"), lambda x, lang: fmt.number(x, 0, lang), lang)]))
        if rows:
            header = [head(s["variable"], s["n"], s["cl_clusters"], s["cl_mean_size"], s["test"], s["p"], "ICC(1)",
                           "ICC(2)", s["w_deff"], s["cl_eff_n"])]
            sec.blocks.append(Table("icc", self.f("cl_icc_title", var=var.lower()), header, rows, [s["cl_icc_note"]]))
        # the computation's notes are English; the one it always may give (ICC(1) < 0) is rebuilt from the
        # numbers in the report's language and with labels, any other note is shown as it is
        negative = [d.get("label") or self.label(score) for score, d in (c.get("icc") or {}).items()
                    if d.get("icc1") is not None and d["icc1"] < 0]
        notes = [self.f("cl_icc_negative", scores=", ".join(negative))] if negative else []
        notes += [str(n) for n in c.get("notes") or [] if not str(n).startswith("ICC(1) below zero")]
        if notes:
            sec.blocks.append(Paragraph("; ".join(notes) + ".", "muted"))
        for plan_id, fits in (c.get("mixed") or {}).items():
            fits = fits if isinstance(fits, list) else [fits]
            rows = []
            for fit in fits:
                outcome = self.label(fit.get("outcome", ""))
                group = self.label(fit["group"]) if fit.get("group") else ""
                if fit.get("skipped"):
                    rows.append(Row([txt(outcome, "label"), txt(group), txt(fit["skipped"], "muted", 8)]))
                    continue
                for term in fit.get("fixed") or []:
                    if term.get("term") == "(Intercept)":
                        continue
                    rows.append(Row([txt(outcome, "label"), txt(group), txt(self.term_label(term["term"])),
                                     num(term.get("ols_estimate"), fmt.mean, lang),
                                     num(term.get("estimate"), fmt.mean, lang),
                                     num(term.get("se"), lambda x, lang: fmt.number(x, 3, lang), lang),
                                     num(term.get("t"), fmt.stat, lang),
                                     num(fit.get("icc"), fmt.bounded, lang), num(fit.get("n"), fmt.integer, lang),
                                     num(fit.get("n_clusters"), fmt.integer, lang)]))
            header = [head(s["variable"], s["group"], s["cl_term"], s["cl_ols"], s["cl_mixed"], s["se"], "t",
                           s["cl_resid_icc"], s["n"], s["cl_clusters"])]
            name = self.plan_label([*self.q.analysis.comparisons, *self.q.analysis.regressions], plan_id)
            sec.blocks.append(Table(f"mixed-{slug(plan_id)}", self.f("cl_mixed_title", name=name, var=var.lower()),
                                    header, rows, [self.f("cl_mixed_note", var=var.lower())]))
        return sec
