"""Report sections of the model stage: hierarchical regressions."""
from __future__ import annotations

from functools import partial

from . import figures as figs
from . import format as fmt
from .cells import at, ci_cell, head, num, slug, step_no, txt
from .document import DataSheet, Figure, Paragraph, Row, Section, Table


class ModelSections:
    """Mixin of :class:`~surveykit.report.content.Builder`: the regression sections."""

    def regressions(self) -> Section:
        sec = Section("regressions", self.s["sec_regressions"])
        s, lang = self.s, self.lang
        for rid, reg in (self.r.get("regressions") or {}).items():
            outcome = self.label(reg.get("outcome", rid))
            steps = reg.get("steps") or []
            blocks = reg.get("blocks") or []
            rows = []
            for st in steps:
                step = st.get("step")
                added = at(blocks, step) if isinstance(step, int) else None
                added_text = ", ".join(self.term_label(t) for t in added) if isinstance(added, list) else ""
                rows.append(Row([txt(step_no(step)), txt(added_text, "label"), num(st.get("r"), fmt.bounded, lang),
                                 num(st.get("r2"), fmt.bounded, lang), num(st.get("adj_r2"), fmt.bounded, lang),
                                 num(st.get("delta_r2"), fmt.bounded, lang), num(st.get("f_change"), fmt.stat, lang),
                                 num(st.get("df1"), fmt.df, lang), num(st.get("df2"), fmt.df, lang),
                                 num(st.get("p_change"), fmt.p_value, lang, suffix=fmt.stars(st.get("p_change")))]))
            note = self.f("reg_note", n=fmt.integer(reg.get("n"), lang), excluded=fmt.integer(reg.get("n_excluded", 0), lang))
            header = [head(s["step"], s["added"], "R", s["r2"], s["adj_r2"], s["delta_r2"], s["f_change"], "df1", "df2",
                           s["p_change"])]
            sec.blocks.append(Table(f"reg-steps-{slug(rid)}", self.f("reg_steps_title", outcome=outcome), header, rows,
                                    [note, s["stars_note"]]))
            coefs = reg.get("coefficients") or []
            final = max((c.get("step") for c in coefs if isinstance(c.get("step"), int)), default=None)
            rows = []
            for c in coefs:
                rows.append(Row([txt(step_no(c.get("step"))), txt(self.term_label(str(c.get("term"))), "label"),
                                 num(c.get("b"), lambda x, lang: fmt.number(x, 3, lang), lang),
                                 num(c.get("se"), lambda x, lang: fmt.number(x, 3, lang), lang),
                                 num(c.get("beta"), fmt.bounded, lang), num(c.get("t"), fmt.stat, lang),
                                 num(c.get("p"), fmt.p_value, lang, suffix=fmt.stars(c.get("p"))),
                                 ci_cell(c.get("ci_low"), c.get("ci_high"), lambda x, lang: fmt.number(x, 3, lang),
                                         lang, (s["ci_low"], s["ci_high"]))],
                                "final" if c.get("step") == final else ""))
            header = [head(s["step"], s["term"], s["b"], s["se"], s["beta"], s["t"], s["p"], s["ci_b"])]
            # the workbook keys each term as results.json does ('(Intercept)', 'gender=2'), its label beside
            sheet = DataSheet([s["step"], s["term_key"], s["term"], "B", "SE", "β", "t", "p", s["ci_low"], s["ci_high"]],
                              [[step_no(c.get("step")), c.get("term"), self.term_label(str(c.get("term"))), c.get("b"),
                                c.get("se"), c.get("beta"), c.get("t"), c.get("p"), c.get("ci_low"), c.get("ci_high")]
                               for c in coefs], [None, None, None, 3, 3, 3, 2, 3, 3, 3])
            sec.blocks.append(Table(f"reg-coef-{slug(rid)}", self.f("reg_coef_title", outcome=outcome), header, rows,
                                    [note, s["stars_note"]], data=sheet))
            diag = self._diagnostics_text(reg)
            if diag:
                sec.blocks.append(Paragraph(diag))
            flagged = [p for p in reg.get("screen") or [] if p.get("flagged")]
            if flagged:
                pairs = "; ".join(f"{self.label(p.get('x'))} – {self.label(p.get('y'))}: r = {self.b(p.get('r'))}"
                                  for p in flagged)
                sec.blocks.append(Paragraph(self.f("reg_screen", pairs=pairs), "warning"))
            fig = self._coefficient_figure(rid, outcome, [c for c in coefs if c.get("step") == final])
            if fig is not None:
                sec.blocks.append(fig)
        return sec

    def _diagnostics_text(self, reg: dict) -> str:
        d = reg.get("diagnostics") or {}
        if not d:
            return ""
        lang = self.lang

        def span(values: dict, formatter) -> str:
            nums = [v for v in (values or {}).values() if fmt.is_number(v)]
            if not nums:
                return ""
            lo, hi = min(nums), max(nums)
            return formatter(lo, lang=lang) if lo == hi else f"{formatter(lo, lang=lang)}–{formatter(hi, lang=lang)}"

        sdbeta = d.get("max_abs_sdbeta", d.get("sdbeta_max"))
        if isinstance(sdbeta, dict):  # per term: the largest over the predictors (not the intercept)
            sdbeta = max((abs(v) for t, v in sdbeta.items() if fmt.is_number(v) and t not in ("const", "(Intercept)")),
                         default=None)
        return self.f(
            "reg_diag", vif=span(d.get("vif"), fmt.stat), tol=span(d.get("tolerance"), fmt.bounded),
            dw=fmt.stat(d.get("durbin_watson"), lang), cook=fmt.number(d.get("max_cooks_d"), 3, lang),
            cook_n=fmt.integer(d.get("n_cooks_d_above_1", 0), lang), z2=fmt.pct(d.get("pct_zresid_beyond_2"), lang),
            z25=fmt.pct(d.get("pct_zresid_beyond_2_5"), lang), z3=fmt.integer(d.get("n_zresid_beyond_3", 0), lang),
            dfb=fmt.number(sdbeta, 3, lang),
        )

    def _coefficient_figure(self, rid: str, outcome: str, coefs: list[dict]) -> Figure | None:
        terms, betas, lows, highs = [], [], [], []
        for c in coefs:
            beta, b = c.get("beta"), c.get("b")
            if c.get("term") in ("const", "(Intercept)") or not fmt.is_number(beta):
                continue
            # the CI of beta is the CI of B rescaled by beta/B (beta = B * sd_x / sd_y, a constant factor)
            scale = beta / b if fmt.is_number(b) and b != 0 else None
            lo, hi = c.get("ci_low"), c.get("ci_high")
            terms.append(self.term_label(str(c.get("term"))))
            betas.append(beta)
            if scale is not None and fmt.is_number(lo) and fmt.is_number(hi):
                lows.append(min(lo * scale, hi * scale))
                highs.append(max(lo * scale, hi * scale))
            else:
                lows.append(None)
                highs.append(None)
        if not terms:
            return None
        lang = self.lang
        draw = partial(figs.coefficient_plot, terms, betas, lows, highs, lambda x: fmt.number(x, 2, lang), self.s["coef_axis"])
        return Figure(f"coef-{slug(rid)}", self.f("coef_fig", outcome=outcome), draw)

    # favourable % per unit -------------------------------------------------------------------
