"""Report sections of the measurement models: ordinal factor analysis and reliability, omega hierarchical,
confirmatory factor analysis with measurement invariance, and the invariance warnings of comparisons."""
from __future__ import annotations

from . import format as fmt
from .cells import get, head, num, slug, txt
from .document import Bullets, Cell, Heading, Paragraph, Row, Section, Table

LEVELS = ("configural", "metric", "scalar")


class CFASections:
    """Mixin of :class:`~surveykit.report.content.Builder`: ordinal measures, omega, CFA and invariance."""

    # helpers -------------------------------------------------------------------------------------
    def _categories_text(self, record: dict) -> str:
        cats = [c for c in record.get("n_categories") or [] if fmt.is_number(c)]
        return self.s["or_join"].join(str(int(c)) for c in cats) or "?"

    def _level(self, level: str) -> str:
        return self.s.get(f"inv_{level}", level)

    def _cfa_name(self, cfa_id: str, record: dict | None = None) -> str:
        return self.plan_label(self.q.analysis.cfa, cfa_id, record)

    # ordinal factor analysis, ordinal alpha, omega -----------------------------------------------
    def ordinal_measures(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("ordinal", s["sec_ordinal"])
        for fa_id, fa in (self.r.get("factor_analyses") or {}).items():
            poly = fa.get("ordinal") if isinstance(fa, dict) else None
            if not isinstance(poly, dict):
                continue
            name = self.plan_label(self.q.analysis.factor_analyses, fa_id, fa)
            sec.blocks.append(Heading(self.f("ord_fa_heading", id=name), f"ord-fa-{slug(fa_id)}"))
            text = self.f("ord_fa_method", k=self._categories_text(poly), n=fmt.integer(poly.get("n"), lang),
                          missing=s.get(poly.get("missing"), poly.get("missing") or ""), kmo=self.b(poly.get("kmo")),
                          n_factors=poly.get("n_factors", ""))
            text += " " + (s["ord_smoothed"] if poly.get("smoothed") else s["ord_not_smoothed"])
            sec.blocks.append(Paragraph(text))
            if poly.get("warnings"):
                sec.blocks.append(Bullets([f"{s['fa_warnings']}: {w}" for w in poly["warnings"]], "warning"))
            shown = {**poly, "loading_cutoff": fa.get("loading_cutoff", 0.1)}
            sec.blocks += self._pattern_tables(f"{fa_id}-poly", shown, self.f("ord_fa_name", id=name))
        sec.blocks += self._ordinal_reliability_blocks()
        return sec

    def _ordinal_reliability_blocks(self) -> list:
        s, lang = self.s, self.lang
        scales = {**(self.r.get("indices") or {}), **(self.r.get("reliability") or {})}
        chosen = {k: v for k, v in scales.items() if isinstance(v, dict)
                  and (isinstance(v.get("ordinal_alpha"), dict) or isinstance(v.get("omega_hierarchical"), dict))}
        if not chosen:
            return []
        has_omega = any(isinstance(v.get("omega_hierarchical"), dict) for v in chosen.values())
        cols = [s["scale"], s["n"], s["alpha"], s["ord_alpha"], s["omega"]]
        if has_omega:
            cols += [s["omega_h"], s["omega_t"], s["omega_h_ci"], s["ecv"], s["omega_n"]]
        rows, notes, booted = [], [], False
        cats: set[str] = set()
        for sid, v in chosen.items():
            oa = v.get("ordinal_alpha") or {}
            om = v.get("omega_hierarchical") or {}
            if oa:
                cats.add(self._categories_text(oa))
            cells = [txt(v.get("label") or self.label(sid), "label"), num(v.get("n"), fmt.integer, lang),
                     num(v.get("alpha"), fmt.bounded, lang), num(oa.get("alpha"), fmt.bounded, lang),
                     num(v.get("omega"), fmt.bounded, lang)]
            if has_omega:
                ci = get(om, "ci", "omega_h") or [None, None]
                ci_text = (f"[{self.b(ci[0])}; {self.b(ci[1])}]"
                           if fmt.is_number(ci[0]) and fmt.is_number(ci[1]) else "")
                booted |= bool(ci_text)
                cells += [num(om.get("omega_h"), fmt.bounded, lang), num(om.get("omega_total"), fmt.bounded, lang),
                          Cell(ci_text, None, "num"), num(om.get("ecv"), fmt.bounded, lang),
                          num(om.get("n"), fmt.integer, lang)]
            rows.append(Row(cells))
        if cats:
            notes.append(self.f("ord_alpha_note", k=", ".join(sorted(cats))))
        if has_omega:
            first = next(v["omega_hierarchical"] for v in chosen.values() if isinstance(v.get("omega_hierarchical"), dict))
            notes.append(self.f("omega_note", k=first.get("n_factors", ""),
                                missing=s.get(first.get("missing"), first.get("missing") or "")))
            if booted:
                notes.append(self.f("omega_boot_note", b=fmt.integer(first.get("n_boot"), lang),
                                    level=fmt.number(100 * (first.get("ci_level") or 0.95), 0, lang),
                                    seed=first.get("seed")))
        out = [Table("ordinal-reliability", s["ord_rel_title"], [head(*cols)], rows, notes)]
        warnings = [f"{v.get('label') or sid}: {w}" for sid, v in chosen.items()
                    for w in get(v, "omega_hierarchical", "warnings", default=[]) or []]
        if warnings:
            out.append(Bullets(warnings, "warning"))
        return out

    # confirmatory factor analysis ---------------------------------------------------------------
    def confirmatory(self) -> Section:
        s = self.s
        sec = Section("cfa", s["sec_cfa"])
        entries = self.r.get("cfa") or {}
        if not entries:
            return sec
        sec.blocks.append(Paragraph(s["cfa_method"]))
        if any(e.get("estimator") == "MLM" for e in entries.values() if isinstance(e, dict)):
            sec.blocks.append(Paragraph(s["cfa_method_mlm"]))
        for cfa_id, e in entries.items():
            if isinstance(e, dict):
                sec.blocks += self._cfa_blocks(cfa_id, e)
        return sec

    def _cfa_blocks(self, cfa_id: str, e: dict) -> list:
        s, lang = self.s, self.lang
        name = self._cfa_name(cfa_id, e)
        key = slug(cfa_id)
        out: list = [Heading(self.f("cfa_heading", id=name), f"cfa-{key}")]
        out.append(Paragraph(self.f("cfa_n", n=fmt.integer(e.get("n"), lang),
                                    dropped=fmt.integer(e.get("n_dropped") or 0, lang),
                                    estimator=e.get("estimator", "ML"))))
        warnings = list(e.get("warnings") or [])
        if e.get("converged") is False and not warnings:
            warnings.append(s["fa_not_converged"])
        if warnings:
            out.append(Bullets([f"{s['fa_warnings']}: {w}" for w in warnings], "warning"))
        out.append(self._cfa_fit_table(key, name, e))
        out.append(self._cfa_loading_table(key, name, e))
        if e.get("factor_correlations"):
            rows = [Row([txt(self.label(c.get("lhs")), "label"), txt(self.label(c.get("rhs"))),
                         num(c.get("std_all"), fmt.bounded, lang), num(c.get("se_std"), fmt.bounded, lang),
                         num(c.get("p_std"), fmt.p_value, lang)]) for c in e["factor_correlations"]]
            out.append(Table(f"cfa-phi-{key}", self.f("cfa_phi_title", id=name),
                             [head(s["factor"], s["factor"], s["r"], s["se"], s["p"])], rows))
        rel = e.get("reliability") or {}
        if rel:
            rows = [Row([txt(self.label(f), "label"), num(r.get("n_items"), fmt.integer, lang),
                         num(r.get("cr"), fmt.bounded, lang), num(r.get("ave"), fmt.bounded, lang),
                         num(r.get("omega"), fmt.bounded, lang)],
                        "flagged" if fmt.is_number(r.get("ave")) and r["ave"] < 0.5 else "")
                    for f, r in rel.items()]
            out.append(Table(f"cfa-rel-{key}", self.f("cfa_rel_title", id=name),
                             [head(s["factor"], s["n_items"], s["cr"], s["ave"], s["omega"])], rows,
                             [s["cfa_rel_note"]]))
        out += self._cfa_mi_blocks(key, name, e)
        inv = e.get("invariance")
        if isinstance(inv, dict):
            out += self._invariance_blocks(cfa_id, key, name, e, inv)
        return out

    def _cfa_fit_table(self, key: str, name: str, e: dict) -> Table:
        s, lang = self.s, self.lang
        fit = e.get("fit") or {}
        cols = [s["cfa_model"], s["n"], s["cfa_dropped"], "χ²", "df", s["p"], "CFI", "TLI", "RMSEA",
                s["cfa_rmsea_ci"], "SRMR", "AIC", "BIC"]

        def ci(lo, hi) -> Cell:
            return Cell(f"[{self.b(lo)}; {self.b(hi)}]" if fmt.is_number(lo) and fmt.is_number(hi) else "", None, "num")

        rows = [Row([txt(e.get("estimator", "ML"), "label"), num(e.get("n"), fmt.integer, lang),
                     num(e.get("n_dropped"), fmt.integer, lang), num(fit.get("chi2"), fmt.stat, lang),
                     num(fit.get("df"), fmt.df, lang), num(fit.get("p"), fmt.p_value, lang),
                     num(fit.get("cfi"), fmt.bounded, lang), num(fit.get("tli"), fmt.bounded, lang),
                     num(fit.get("rmsea"), fmt.bounded, lang), ci(fit.get("rmsea_ci_lower"), fit.get("rmsea_ci_upper")),
                     num(fit.get("srmr"), fmt.bounded, lang), num(fit.get("aic"), _one_decimal, lang),
                     num(fit.get("bic"), _one_decimal, lang)])]
        rob = e.get("robust")
        if isinstance(rob, dict):
            rows.append(Row([txt(s["cfa_robust_row"], "label"), txt(""), txt(""),
                             num(rob.get("chi2_scaled"), fmt.stat, lang), num(fit.get("df"), fmt.df, lang),
                             num(rob.get("p_scaled"), fmt.p_value, lang), num(rob.get("cfi_robust"), fmt.bounded, lang),
                             num(rob.get("tli_robust"), fmt.bounded, lang), num(rob.get("rmsea_robust"), fmt.bounded, lang),
                             ci(rob.get("rmsea_ci_lower_robust"), rob.get("rmsea_ci_upper_robust")), txt(""), txt(""),
                             txt("")]))
        return Table(f"cfa-fit-{key}", self.f("cfa_fit_title", id=name), [head(*cols)], rows, [s["cfa_fit_note"]])

    def _cfa_loading_table(self, key: str, name: str, e: dict) -> Table:
        s, lang = self.s, self.lang
        reverse = set(e.get("reverse") or [])
        rows, previous = [], None
        for row in e.get("loadings") or []:
            factor = row.get("factor")
            fixed = fmt.is_number(row.get("se")) and row["se"] == 0
            item = self.label(row.get("item")) + (f" {s['reversed']}" if row.get("item") in reverse else "")
            rows.append(Row([txt(self.label(factor) if factor != previous else "", "label"), txt(item),
                             num(row.get("std_all"), fmt.bounded, lang), num(row.get("se_std"), fmt.bounded, lang),
                             num(row.get("est"), fmt.mean, lang),
                             txt(s["cfa_fixed"], "num muted") if fixed else num(row.get("se"), fmt.mean, lang),
                             txt("", "num") if fixed else num(row.get("p"), fmt.p_value, lang)]))
            previous = factor
        header = [head(s["factor"], s["item"], s["cfa_std_loading"], s["se"], s["cfa_unstd"], s["se"], s["p"])]
        return Table(f"cfa-load-{key}", self.f("cfa_load_title", id=name), header, rows, [s["cfa_load_note"]])

    def _cfa_mi_blocks(self, key: str, name: str, e: dict) -> list:
        s, lang = self.s, self.lang
        threshold = fmt.number(e.get("mi_threshold"), 2, lang)
        mis = e.get("modification_indices") or []
        if not mis:
            return [Paragraph(self.f("cfa_mi_none", t=threshold))]
        rows = []
        for m in mis:
            kind = s["cfa_mi_loading"] if m.get("op") == "=~" else s["cfa_mi_cov"]
            rows.append(Row([txt(kind), txt(self.label(m.get("lhs")), "label"), txt(self.label(m.get("rhs"))),
                             num(m.get("mi"), fmt.stat, lang), num(m.get("epc"), fmt.mean, lang),
                             num(m.get("sepc_all"), fmt.mean, lang)]))
        header = [head(s["cfa_mi_kind"], s["cfa_mi_from"], s["cfa_mi_to"], "MI", "EPC", s["cfa_sepc"])]
        return [Table(f"cfa-mi-{key}", self.f("cfa_mi_title", id=name), header, rows,
                      [self.f("cfa_mi_note", t=threshold)])]

    # measurement invariance ---------------------------------------------------------------------
    def _invariance_blocks(self, cfa_id: str, key: str, name: str, e: dict, inv: dict) -> list:
        s, lang = self.s, self.lang
        group = inv.get("group")
        out: list = [Heading(self.f("inv_heading", id=name, group=self.label(group)), f"inv-{key}")]
        if inv.get("error"):
            out.append(Paragraph(self.f("inv_error", group=self.label(group), reason=inv["error"]), "warning"))
            return out + self._gate_paragraphs(cfa_id, e)
        groups = ", ".join(f"{g.get('label')}: n = {fmt.integer(g.get('n'), lang)}" for g in inv.get("groups") or [])
        crit = inv.get("criteria") or {}
        out.append(Paragraph(self.f(
            "inv_method", group=self.label(group), groups=groups, n=fmt.integer(inv.get("n"), lang),
            dropped=fmt.integer(inv.get("n_dropped") or 0, lang), estimator=inv.get("estimator", "ML"),
            rule=crit.get("n_rule", "").replace("<=", "≤"), dcfi=self.b(crit.get("delta_cfi")),
            drmsea=self.b(crit.get("delta_rmsea")), dsrmr_m=self.b(crit.get("delta_srmr_metric")),
            dsrmr_s=self.b(crit.get("delta_srmr_scalar")))))
        rows = []
        for m in inv.get("models") or []:
            holds = m.get("holds")
            mark = "" if holds is None else ("✓" if holds else "✗")
            rows.append(Row([txt(self._level(str(m.get("model"))).capitalize(), "label"),
                             num(m.get("chi2"), fmt.stat, lang), num(m.get("df"), fmt.df, lang),
                             num(m.get("cfi"), fmt.bounded, lang), num(m.get("rmsea"), fmt.bounded, lang),
                             num(m.get("srmr"), fmt.bounded, lang), num(m.get("delta_chi2"), fmt.stat, lang),
                             num(m.get("delta_df"), fmt.df, lang), num(m.get("p_delta"), fmt.p_value, lang),
                             num(m.get("delta_cfi"), _signed3, lang), num(m.get("delta_rmsea"), _signed3, lang),
                             num(m.get("delta_srmr"), _signed3, lang),
                             txt(mark, "" if holds is None else ("ok" if holds else "bad"))],
                            "flagged" if holds is False else ""))
        header = [head(s["inv_model"], "χ²", "df", "CFI", "RMSEA", "SRMR", "Δχ²", "Δdf", s["p"], "ΔCFI", "ΔRMSEA",
                       "ΔSRMR", s["inv_holds"])]
        out.append(Table(f"inv-{key}", self.f("inv_title", id=name, group=self.label(group)), header, rows,
                         [s["inv_note"]]))
        scalar, metric = inv.get("scalar_holds"), inv.get("metric_holds")
        if scalar:
            verdict = self.f("inv_scalar_ok", group=self.label(group))
        elif metric:
            verdict = self.f("inv_metric_only", group=self.label(group))
        else:
            verdict = self.f("inv_none", group=self.label(group))
        out.append(Paragraph(verdict, "summary" if scalar else "warning"))
        return out + self._gate_paragraphs(cfa_id, e)

    def _gate_paragraphs(self, cfa_id: str, e: dict) -> list:
        out = []
        for gate in e.get("gates") or []:
            text = self._gate_text(cfa_id, e, gate)
            if text:
                out.append(Paragraph(text, "warning" if gate.get("invariance_ok") is not True else ""))
        return out

    def _gate_text(self, cfa_id: str, e: dict, gate: dict) -> str:
        if not gate.get("outcomes"):
            return ""
        plan_name = self.plan_label(self.q.analysis.comparisons, gate.get("plan"))
        outcomes = ", ".join(self.label(o) for o in gate["outcomes"])
        ok = gate.get("invariance_ok")
        key = "gate_ok" if ok is True else "gate_fail" if ok is False else "gate_untested"
        return self.f(key, level=self._level(str(gate.get("level"))), cfa=self._cfa_name(cfa_id, e),
                      group=self.label(gate.get("group")), outcomes=outcomes, plan=plan_name)

    def invariance_warnings(self, plan_id: str, entries: list[dict]) -> list:
        """Paragraphs for a comparison table whose index means a CFA's invariance gates (hook in comparisons)."""
        out = []
        for cfa_id, e in (self.r.get("cfa") or {}).items():
            for gate in (e.get("gates") or []) if isinstance(e, dict) else []:
                if gate.get("plan") != plan_id:
                    continue
                text = self._gate_text(cfa_id, e, gate)
                if text:
                    out.append(Paragraph(text, "warning" if gate.get("invariance_ok") is not True else ""))
        return out


def _one_decimal(x: float, lang: str) -> str:
    return fmt.number(x, 1, lang)


def _signed3(x: float, lang: str) -> str:
    """A change in a fit index: three decimals with its sign (+.004, −.009)."""
    text = fmt.bounded(x, 3, lang)
    return text if text.startswith(fmt.MINUS) or not fmt.is_number(x) or float(x) == 0 else "+" + text
