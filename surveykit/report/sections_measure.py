"""Report sections of the measurement stage: factor analyses and reliability."""
from __future__ import annotations

from functools import partial

from . import figures as figs
from . import format as fmt
from .cells import at, ci_cell, get, head, num, sci, slug, sorted_items, txt
from .document import Bullets, Cell, Figure, Heading, Paragraph, Row, Section, Table


class MeasureSections:
    """Mixin of :class:`~surveykit.report.content.Builder`: the factor-analysis and reliability sections."""

    def factor_analyses(self) -> Section:
        sec = Section("factor", self.s["sec_factor"])
        s, lang = self.s, self.lang
        for fa_id, fa in (self.r.get("factor_analyses") or {}).items():
            name = self.plan_label(self.q.analysis.factor_analyses, fa_id, fa)
            sec.blocks.append(Heading(self.f("fa_heading", id=name), f"fa-{slug(fa_id)}"))
            bart = fa.get("bartlett") or {}
            sec.blocks.append(Paragraph(self.f(
                "fa_factorability", kmo=self.b(fa.get("kmo")),
                bartlett=fmt.chi2_test(bart.get("chi2"), bart.get("df"), lang), p=fmt.p_text(bart.get("p"), lang),
                det=fmt.number(fa.get("determinant"), 6, lang, thousands=False) if fmt.is_number(fa.get("determinant"))
                and abs(fa["determinant"]) >= 1e-4 else sci(fa.get("determinant"), lang),
                n=fmt.integer(fa.get("n"), lang), missing=s.get(fa.get("missing"), fa.get("missing") or ""),
            )))
            low = [self.label(i) for i, m in (fa.get("kmo_items") or {}).items() if fmt.is_number(m) and m < 0.5]
            if low:
                sec.blocks.append(Paragraph(self.f("fa_low_msa", items=", ".join(low)), "warning"))
            warnings = list(fa.get("warnings") or [])
            if fa.get("converged") is False:
                warnings.insert(0, s["fa_not_converged"])
            if warnings:
                sec.blocks.append(Bullets([f"{s['fa_warnings']}: {w}" for w in warnings], "warning"))

            eig = fa.get("eigenvalues") or []
            par = get(fa, "parallel", "p95") or []
            varp, cum = fa.get("variance_pct") or [], fa.get("cumulative_pct") or []
            # SPSS's "Total Variance Explained": initial eigenvalues, extraction and rotation sums of squared
            # loadings (for an oblique rotation the rotation sums are of the structure matrix, without %)
            rv = fa.get("rotated_variance") or {}
            oblique = fa.get("structure") is not None
            ss_ext, pct_ext, cum_ext = rv.get("ss_extraction") or [], rv.get("pct_extraction") or [], \
                rv.get("cum_pct_extraction") or []
            ss_rot = rv.get("ss_structure" if oblique else "ss_rotation") or fa.get("rotated_ss") or []
            pct_rot, cum_rot = ([], []) if oblique else (rv.get("pct_rotation") or [], rv.get("cum_pct_rotation") or [])
            top = [txt(""), txt(s["initial_eigen"], "block", 3), *([txt(s["extraction_ss"], "block", 3)] if ss_ext else []),
                   *([txt(s["rotation_ss"], "block", 3 if pct_rot else 1)] if ss_rot else []),
                   *([txt("")] if par else [])]
            trio = [s["total_col"], s["pct_variance"], s["cum_pct"]]
            low = [txt(s["factor"]), *head(*trio), *(head(*trio) if ss_ext else []),
                   *(head(*(trio if pct_rot else [s["total_col"]])) if ss_rot else []),
                   *([txt(s["parallel_p95"])] if par else [])]
            rows = []
            for i, e in enumerate(eig):
                cells = [txt(i + 1), num(e, fmt.stat, lang), num(at(varp, i), fmt.pct, lang),
                         num(at(cum, i), fmt.pct, lang)]
                if ss_ext:
                    cells += [num(at(ss_ext, i), fmt.stat, lang), num(at(pct_ext, i), fmt.pct, lang),
                              num(at(cum_ext, i), fmt.pct, lang)]
                if ss_rot:
                    cells += [num(at(ss_rot, i), fmt.stat, lang)]
                    if pct_rot:
                        cells += [num(at(pct_rot, i), fmt.pct, lang), num(at(cum_rot, i), fmt.pct, lang)]
                if par:
                    cells.append(num(at(par, i), fmt.stat, lang))
                rows.append(Row(cells, "retained" if i < (fa.get("n_factors") or 0) else ""))
            if rows:
                notes = [s["fa_eigen_note_oblique"] if oblique and ss_rot else s["fa_eigen_note"]]
                sec.blocks.append(Table(f"fa-eigen-{slug(fa_id)}", self.f("fa_eigen_title", id=name), [top, low], rows,
                                        notes))
            if eig:
                draw = partial(figs.scree, eig, par or None, lambda x: fmt.number(x, 1, lang), {
                    "xlabel": s["scree_x"], "ylabel": s["scree_y"], "observed": s["scree_observed"],
                    "parallel": s["scree_parallel"], "kaiser": s["scree_kaiser"]})
                sec.blocks.append(Figure(f"scree-{slug(fa_id)}", self.f("scree_fig", id=name), draw))
            sec.blocks += self._pattern_tables(fa_id, fa, name)
        return sec

    def _pattern_tables(self, fa_id: str, fa: dict, name: str) -> list:
        s, lang = self.s, self.lang
        loadings = fa.get("loadings") or {}
        if not loadings:
            return []
        k = max(len(v) for v in loadings.values())
        cutoff = fa.get("loading_cutoff", 0.1)
        order = sorted_items(loadings)
        comm = fa.get("communalities") or {}
        msa = fa.get("kmo_items") or {}
        rows = []
        for item in order:
            cells = [txt(self.label(item), "label")]
            for j in range(k):
                value = at(loadings[item], j)
                shown = fmt.is_number(value) and abs(value) >= cutoff
                cells.append(num(value, self._loading, lang, "num strong" if shown and abs(value) >= 0.4 else "num")
                             if shown else Cell("", None, "num"))
            cells.append(num(comm.get(item), fmt.bounded, lang))
            cells.append(num(msa.get(item), fmt.bounded, lang))
            rows.append(Row(cells))
        ss = fa.get("rotated_ss") or []
        if ss:
            rows.append(Row([txt(s["ss_loadings"], "label"), *[num(at(ss, j), fmt.stat, lang) for j in range(k)],
                             txt(""), txt("")], "total"))
        header = [head(s["item"], *[f"F{j + 1}" for j in range(k)], "h²", "MSA")]
        note = self.f("fa_pattern_note",
                      extraction=s.get(f"extraction_{fa.get('extraction')}", str(fa.get("extraction"))).capitalize(),
                      rotation=s.get(f"rotation_{fa.get('rotation')}", str(fa.get("rotation"))),
                      cutoff=self.b(cutoff, 2))
        out = [Table(f"fa-pattern-{slug(fa_id)}", self.f("fa_pattern_title", id=name), header, rows,
                     [note, s["fa_msa_note"]])]
        structure = fa.get("structure")
        if isinstance(structure, dict) and structure:
            rows = [Row([txt(self.label(item), "label"),
                         *[num(at(structure.get(item), j), self._loading, lang,
                               "num strong" if fmt.is_number(at(structure.get(item), j))
                               and abs(at(structure.get(item), j)) >= 0.4 else "num") for j in range(k)]])
                    for item in order if item in structure]
            out.append(Table(f"fa-structure-{slug(fa_id)}", self.f("fa_structure_title", id=name),
                             [head(s["item"], *[f"F{j + 1}" for j in range(k)])], rows, [s["fa_structure_note"]]))
        phi = fa.get("factor_correlations")
        if isinstance(phi, list) and len(phi) > 1:
            rows = [Row([txt(f"F{i + 1}"), *[num(v, fmt.bounded, lang) for v in row]]) for i, row in enumerate(phi)]
            out.append(Table(f"fa-phi-{slug(fa_id)}", self.f("fa_phi_title", id=name),
                             [head(s["factor"], *[f"F{j + 1}" for j in range(len(phi))])], rows))
        return out

    def _loading(self, x: float, lang: str) -> str:
        return fmt.bounded(x, 3, lang)

    # reliability -----------------------------------------------------------------------------
    def reliability(self) -> Section:
        sec = Section("reliability", self.s["sec_reliability"])
        s, lang = self.s, self.lang
        scales = {**(self.r.get("indices") or {}), **(self.r.get("reliability") or {})}
        if not scales:
            return sec
        two_item = any(fmt.is_number(v.get("spearman_brown")) for v in scales.values())
        cols = [s["scale"], s["n_items"], s["n"], s["alpha"], s["alpha_std"], s["alpha_ci"], s["average_r"],
                s["omega"], s["mean"], s["sd"]] + ([s["two_item_r"], s["spearman_brown"]] if two_item else [])
        rows = []
        for sid, v in scales.items():
            ci = v.get("alpha_ci") or [None, None]
            cells = [txt(v.get("label") or self.label(sid), "label"), num(len(v.get("items") or []), fmt.integer, lang),
                     num(v.get("n"), fmt.integer, lang), num(v.get("alpha"), fmt.bounded, lang),
                     num(v.get("alpha_std"), fmt.bounded, lang),
                     ci_cell(at(ci, 0), at(ci, 1), fmt.bounded, lang, (s["ci_low"], s["ci_high"])),
                     num(v.get("average_r"), fmt.bounded, lang), num(v.get("omega"), fmt.bounded, lang),
                     num(v.get("mean"), fmt.mean, lang), num(v.get("sd"), fmt.sd, lang)]
            if two_item:
                cells += [num(v.get("r"), fmt.bounded, lang, suffix=fmt.stars(v.get("r_p"))),
                          num(v.get("spearman_brown"), fmt.bounded, lang)]
            rows.append(Row(cells))
        notes = [s["method_reliability"]] + ([s["stars_note"]] if two_item else [])
        sec.blocks.append(Table("reliability", s["rel_title"], [head(*cols)], rows, notes))
        for sid, v in scales.items():
            itr = v.get("item_total_r") or {}
            if not itr:
                continue
            flags = v.get("flags") or {}
            low, raises = set(flags.get("low_item_total") or []), set(flags.get("raises_alpha_if_deleted") or [])
            reverse = set(v.get("reverse") or [])
            rows = []
            for item in v.get("items") or list(itr):
                marks = ([s["flag_low"]] if item in low else []) + ([s["flag_raises"]] if item in raises else [])
                # (label() marks items declared reverse-keyed; this marks those the index reverses for itself)
                declared = getattr(self.q.item_map.get(item), "reverse", False)
                name = self.label(item) + (f" {s['reversed']}" if item in reverse and not declared else "")
                rows.append(Row([txt(name, "label"), num(itr.get(item), fmt.bounded, lang),
                                 num(get(v, "alpha_if_deleted", item), fmt.bounded, lang),
                                 txt(", ".join(marks), "flag" if marks else "")], "flagged" if marks else ""))
            title = self.f("rel_items_title", name=v.get("label") or self.label(sid))
            sec.blocks.append(Table(f"rel-items-{slug(sid)}", title,
                                    [head(s["item"], s["item_total"], s["alpha_if_deleted"], s["flags"])], rows))
        return sec

    # comparisons -----------------------------------------------------------------------------
