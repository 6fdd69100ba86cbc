"""Report sections of the compare stage: descriptives, group comparisons, crosstabs, correlations, favourable %."""
from __future__ import annotations

import math
from functools import partial

from . import figures as figs
from . import format as fmt
from .cells import (
    as_float,
    ci_half,
    get,
    head,
    num,
    pair_label,
    slug,
    txt,
    value_key,
    value_text,
)
from .document import Cell, Figure, Row, Section, Table


class CompareSections:
    """Mixin of :class:`~surveykit.report.content.Builder`: descriptives, comparisons, crosstabs, correlations, favourable %."""

    def _descriptive_blocks(self) -> list[tuple[str, str, list[str]]]:
        """(key, name, variables) per block: the descriptives plans, else items grouped by question."""
        desc = self.r.get("descriptives") or {}
        blocks = []
        records = {p.get("id"): p for p in self.r.get("descriptive_plans") or [] if isinstance(p, dict)}
        for plan in self.q.analysis.descriptives:
            variables = [v for v in plan.variables if v in desc]
            if variables:
                name = self.plan_label(self.q.analysis.descriptives, plan.id, records.get(plan.id))
                blocks.append((plan.id, name, variables))
        covered = {v for _, _, vs in blocks for v in vs}
        rest: dict[str, list[str]] = {}
        for var in desc:
            if var in covered:
                continue
            item = self.q.item_map.get(var)
            key = f"q{item.question}" if item is not None and item.question is not None else "rest"
            rest.setdefault(key, []).append(var)
        for key, variables in rest.items():
            name = self.f("question", q=key[1:]) if key != "rest" else self.s["all_items"]
            blocks.append((key, name, variables))
        return blocks

    def descriptives(self) -> Section:
        sec = Section("descriptives", self.s["sec_descriptives"])
        desc = self.r.get("descriptives") or {}
        s, lang = self.s, self.lang
        plain: list[str] = []
        for key, name, variables in self._descriptive_blocks():
            likert = [v for v in variables if desc[v].get("pct")]
            plain += [v for v in variables if not desc[v].get("pct")]
            if not likert:
                continue
            values = sorted({k for v in likert for k in desc[v]["pct"]}, key=value_key)
            labels = self._value_labels(likert[0], values)
            header = [head(s["item"], s["n"], s["mean"], s["sd"], *[f"{value_text(k)} %" for k in values],
                           s["top2"])]
            rows = []
            for v in likert:
                d = desc[v]
                rows.append(Row([txt(d.get("label") or self.label(v), "label"),
                                 num(d.get("n"), fmt.integer, lang), num(d.get("mean"), fmt.mean, lang),
                                 num(d.get("sd"), fmt.sd, lang),
                                 *[num(d["pct"].get(k), fmt.pct, lang) for k in values],
                                 num(d.get("top2_pct"), fmt.pct, lang)]))
            notes = [s["desc_note"]]
            legend = "; ".join(f"{value_text(k)} = {lab}" for k, lab in zip(values, labels) if lab != value_text(k))
            if legend:
                notes.append(legend + ".")
            sec.blocks.append(Table(f"desc-{slug(key)}", self.f("desc_title", name=name), header, rows, notes))
            draw = partial(
                figs.likert_bars,
                [desc[v].get("label") or self.label(v) for v in likert],
                [[desc[v]["pct"].get(k) for k in values] for v in likert],
                labels, lambda x: fmt.number(x, 0, lang), s["likert_axis"],
            )
            sec.blocks.append(Figure(f"likert-{slug(key)}", self.f("likert_fig", name=name), draw))
        if plain:
            header = [head(s["variable"], s["n"], s["mean"], s["sd"], s["min"], s["max"])]
            rows = [Row([txt(desc[v].get("label") or self.label(v), "label"), num(desc[v].get("n"), fmt.integer, lang),
                         num(desc[v].get("mean"), fmt.mean, lang), num(desc[v].get("sd"), fmt.sd, lang),
                         num(desc[v].get("min"), fmt.mean, lang), num(desc[v].get("max"), fmt.mean, lang)])
                    for v in plain]
            sec.blocks.append(Table("desc-numeric", s["desc_index_title"], header, rows))
        return sec

    def _value_labels(self, var: str, values: list) -> list[str]:
        scale = self.q.scale_of(var)
        labels = {}
        if scale is not None:
            labels = scale.labels.get(self.lang) or scale.labels.get("en") or scale.labels.get("nb") or {}
        out = []
        for k in values:
            v = value_key(k)
            key = int(v) if math.isfinite(v) and v == int(v) else None
            out.append(str(labels.get(key, value_text(k))) if key is not None else value_text(k))
        return out

    # factor analysis -------------------------------------------------------------------------
    def comparisons(self) -> Section:
        sec = Section("comparisons", self.s["sec_comparisons"])
        entries = self.r.get("comparisons") or []
        plans: dict[str, list[dict]] = {}
        for e in entries:
            plans.setdefault(str(e.get("plan") or "comparisons"), []).append(e)
        records = {p.get("id"): p for p in self.r.get("comparison_plans") or [] if isinstance(p, dict)}
        for plan_id, plan_entries in plans.items():
            name = self.plan_label(self.q.analysis.comparisons, plan_id, records.get(plan_id))
            sec.blocks.append(self._comparison_table(plan_id, name, plan_entries))
            sec.blocks += self.invariance_warnings(plan_id, plan_entries)  # report/sections_cfa.py
            ph = self._posthoc_table(plan_id, name, plan_entries)
            if ph is not None:
                sec.blocks.append(ph)
            sec.blocks += self._means_figures(plan_id, name, plan_entries)
        return sec

    @staticmethod
    def _layout(entries: list[dict]) -> tuple[list[str], dict[str, list[str]]]:
        """Outcomes in order of appearance and, per grouping variable, the group labels shown anywhere."""
        outcomes = list(dict.fromkeys(e["outcome"] for e in entries))
        groups: dict[str, list[str]] = {}
        for e in entries:
            labels = groups.setdefault(e["group"], [])
            for label in (e.get("groups") or {}):
                if label not in labels:
                    labels.append(label)
        return outcomes, groups

    def _comparison_table(self, plan_id: str, name: str, entries: list[dict]) -> Table:
        s, lang = self.s, self.lang
        outcomes, groups = self._layout(entries)
        by_key = {(e["outcome"], e["group"]): e for e in entries}
        top = [txt("")]
        mid = [txt("")]
        low = [txt(s["variable"])]
        for gv, labels in groups.items():
            top.append(txt(self.label(gv), "block", 3 * len(labels) + 3))
            for label in labels:
                mid.append(txt(label, "block", 3))
                low += [txt(s["mean"]), txt(s["sd"]), txt(s["n"])]
            mid.append(txt("", "block", 3))
            low += [txt(s["test"]), txt(s["p"]), txt(s["r"])]
        rows = []
        for outcome in outcomes:
            cells = [txt(self.label(outcome), "label")]
            for gv, labels in groups.items():
                e = by_key.get((outcome, gv)) or {}
                g = e.get("groups") or {}
                for label in labels:
                    cells += [num(get(g, label, "mean"), fmt.mean, lang), num(get(g, label, "sd"), fmt.sd, lang),
                              num(get(g, label, "n"), fmt.integer, lang)]
                welch = e.get("reported") == "welch" or e.get("test") == "welch_t"
                test = fmt.test_result(e.get("test", ""), e.get("statistic"), e.get("df"), lang)
                cells += [Cell(test + ("ᵂ" if welch and test else ""), None, "num test"),
                          num(e.get("p"), fmt.p_value, lang),
                          num(e.get("effect_r"), fmt.bounded, lang, suffix=fmt.stars(e.get("p")))]
            rows.append(Row(cells))
        return Table(f"cmp-{slug(plan_id)}", self.f("cmp_title", name=name), [top, mid, low], rows,
                     [s["cmp_note"], s["stars_note"]])

    def _posthoc_table(self, plan_id: str, name: str, entries: list[dict]) -> Table | None:
        s, lang = self.s, self.lang
        rows = []
        for e in entries:
            for pair in e.get("posthoc") or []:
                ci = (pair.get("ci_low"), pair.get("ci_high"))
                ci_text = (f"[{fmt.mean(ci[0], lang)}; {fmt.mean(ci[1], lang)}]"
                           if fmt.is_number(ci[0]) and fmt.is_number(ci[1]) else "")
                rows.append(Row([txt(self.label(e["outcome"]), "label"), txt(self.label(e["group"])),
                                 txt(pair_label(pair, "a", e)), txt(pair_label(pair, "b", e)),
                                 num(pair.get("mean_diff"), fmt.mean, lang), num(pair.get("se"), fmt.mean, lang),
                                 num(pair.get("p_adj"), fmt.p_value, lang, suffix=fmt.stars(pair.get("p_adj"))),
                                 Cell(ci_text, None, "num")]))
        if not rows:
            return None
        method = self.settings.get("posthoc") or self.q.analysis.posthoc
        for plan in self.q.analysis.comparisons:
            if plan.id == plan_id and plan.posthoc:
                method = plan.posthoc
        header = [head(s["variable"], s["group"], s["group_a"], s["group_b"], s["mean_diff"], s["se"], s["p_adj"],
                       s["ci95"])]
        title = self.f("posthoc_title", method=s.get(f"posthoc_{method}", method), name=name)
        return Table(f"posthoc-{slug(plan_id)}", title, header, rows, [s["stars_note"]])

    def _means_figures(self, plan_id: str, name: str, entries: list[dict]) -> list[Figure]:
        """One figure per comparison plan (Schick's Graf 1-3: mean bars by group, 95% CI error bars).

        One grouping variable: a row per outcome, a bar per group. Several: the groups of each grouping
        variable under its heading, a bar per outcome (so a one-outcome plan such as "job satisfaction by
        gender, employer, education ..." is one compact chart, not one chart per grouping variable)."""
        lang = self.lang
        outcomes, groups = self._layout(entries)
        by_key = {(e["outcome"], e["group"]): e for e in entries}
        axis = self.s["means_axis"]

        def cell(o: str, gv: str, label: str) -> tuple[float | None, float | None]:
            g = (by_key.get((o, gv)) or {}).get("groups") or {}
            return as_float(get(g, label, "mean")), ci_half(get(g, label, "sd"), get(g, label, "n"))

        if len(groups) == 1:
            (gv, labels), = groups.items()
            shown = [o for o in outcomes if (o, gv) in by_key]
            pairs = [[cell(o, gv, lab) for lab in labels] for o in shown]
            blocks = [("", [self.label(o) for o in shown])]
            series, legend_title = labels, self.label(gv)
            title = self.f("means_fig", group=self.label(gv).lower(), name=name)
        else:
            pairs = [[cell(o, gv, lab) for o in outcomes] for gv, labels in groups.items() for lab in labels]
            blocks = [(self.label(gv), labels) for gv, labels in groups.items()]
            series, legend_title = [self.label(o) for o in outcomes], ""
            title = self.f("means_fig_groups", name=name)
            if len(outcomes) == 1:  # no legend: the axis says what the bars are
                axis = f"{axis}: {series[0]}"
        if not pairs:
            return []
        means = [[m for m, _ in row] for row in pairs]
        halves = [[h for _, h in row] for row in pairs]
        draw = partial(figs.group_means, blocks, series, means, halves, lambda x: fmt.number(x, 1, lang), axis,
                       legend_title)
        return [Figure(f"means-{slug(plan_id)}", title, draw)]

    # crosstabs -------------------------------------------------------------------------------
    def crosstabs(self) -> Section:
        sec = Section("crosstabs", self.s["sec_crosstabs"])
        s, lang = self.s, self.lang
        for i, x in enumerate(self.r.get("crosstabs") or []):
            counts, row_pct = x.get("counts") or {}, x.get("row_pct") or {}
            col_labels = list(dict.fromkeys(c for row in counts.values() for c in row))
            header = [[txt(self.label(x.get("row", ""))), *[txt(c, "block", 2) for c in col_labels]],
                      [txt(""), *[cell for _ in col_labels for cell in (txt(s["n_lower"]), txt(s["row_pct"]))]]]
            rows = []
            hidden = False
            for rlab, row in counts.items():
                cells = [txt(rlab, "label")]
                for c in col_labels:
                    n, p = row.get(c), get(row_pct, rlab, c)
                    hidden |= n is None or p is None
                    cells += [num(n, fmt.integer, lang) if n is not None else txt(s["suppressed_cell"], "num muted"),
                              num(p, fmt.pct, lang) if p is not None else txt(s["suppressed_cell"], "num muted")]
                rows.append(Row(cells))
            notes = []
            test = fmt.chi2_test(x.get("chi2"), x.get("df"), lang, x.get("n"))
            if test:
                assoc = (f"{s['phi']} = {self.b(x.get('phi'))}" if len(col_labels) == 2 and len(counts) == 2
                         and fmt.is_number(x.get("phi")) else f"{s['cramers_v']} = {self.b(x.get('cramers_v'))}")
                notes.append(f"{test}, {fmt.p_text(x.get('p'), lang)}, {assoc}.")
            if fmt.is_number(x.get("fisher_p")):
                notes.append(f"{s['fisher']}: {fmt.p_text(x['fisher_p'], lang)}.")
            if fmt.is_number(x.get("expected_below_5_pct")) and x["expected_below_5_pct"] > 0:
                notes.append(self.f("expected_low", pct=fmt.pct(x["expected_below_5_pct"], lang)))
            if hidden:
                notes.append(self.f("xt_note_suppressed", k=self.min_group))
            title = self.f("xt_title", row=self.label(x.get("row", "")), col=self.label(x.get("col", "")).lower())
            sec.blocks.append(Table(f"xt-{i + 1}-{slug(x.get('row', ''))}-{slug(x.get('col', ''))}", title,
                                    header, rows, notes))
        return sec

    # correlations ----------------------------------------------------------------------------
    def correlations(self) -> Section:
        sec = Section("correlations", self.s["sec_correlations"])
        s, lang = self.s, self.lang
        for cid, c in (self.r.get("correlation_tables") or {}).items():
            variables = c.get("variables") or []
            if len(variables) < 2:
                continue
            name = self.plan_label(self.q.analysis.correlations, cid, c)
            rows = []
            for i, v in enumerate(variables):
                cells = [txt(f"{i + 1}. {self.label(v)}", "label")]
                for j, w in enumerate(variables):
                    if j < i:
                        r, p = get(c, "r", v, w), get(c, "p", v, w)
                        cells.append(num(r, fmt.bounded, lang, suffix=fmt.stars(p)) if r is not None
                                     else txt(s["suppressed_cell"], "num muted"))
                    elif j == i:
                        cells.append(txt("—", "num muted"))
                    else:
                        cells.append(txt("", "num"))
                rows.append(Row(cells))
            ns = [get(c, "n", v, w) for i, v in enumerate(variables) for w in variables[:i]]
            ns = [n for n in ns if fmt.is_number(n)]
            n_text = (fmt.integer(min(ns), lang) if min(ns) == max(ns) else
                      f"{fmt.integer(min(ns), lang)}–{fmt.integer(max(ns), lang)}") if ns else ""
            method = s.get(c.get("method") or "pearson", c.get("method") or "")
            notes = [self.f("corr_note", method=method, n=n_text), s["stars_note"]]
            header = [head(s["variable"], *[str(j + 1) for j in range(len(variables))])]
            sec.blocks.append(Table(f"corr-{slug(cid)}", self.f("corr_title", name=name), header, rows, notes))
            if len(variables) < 3:  # a 2 x 2 heatmap would picture the single r in the table above
                continue
            matrix = [[get(c, "r", v, w) for w in variables] for v in variables]
            draw = partial(figs.heatmap, [("", [f"{i + 1}. {self.label(v)}" for i, v in enumerate(variables)])],
                           [str(j + 1) for j in range(len(variables))], matrix,
                           lambda x: fmt.bounded(x, 2, lang), vmin=-1, vmax=1, palette="RdBu_r")
            sec.blocks.append(Figure(f"corr-{slug(cid)}", self.f("corr_fig", name=name), draw))
        return sec

    # regressions -----------------------------------------------------------------------------
    def favourable(self) -> Section:
        sec = Section("favourable", self.s["sec_favourable"])
        fav = self.r.get("favourable") or {}
        lang = self.lang
        by_group: dict[str, dict[str, dict]] = {}
        thresholds = {}
        for index, per_group in fav.items():
            per_group = per_group or {}
            if isinstance(per_group.get("groups"), dict):  # {threshold, overall_pct, groups: {gv: {...}}}
                thresholds[index] = per_group.get("threshold")
                per_group = per_group["groups"]
            for gv, cells in per_group.items():
                if isinstance(cells, dict):
                    by_group.setdefault(gv, {})[index] = cells
        fmt_pct = lambda x: fmt.number(x, 0, lang)  # noqa: E731
        heat = partial(figs.heatmap, fmt=fmt_pct, vmin=0, vmax=100, palette="RdYlGn",
                       colorbar_label=self.s["fav_axis"])
        shown: list[tuple[str, list[str], list[str]]] = []  # (grouping variable, indices, units) with a table
        for gv, per_index in by_group.items():
            indices = list(per_index)
            units = list(dict.fromkeys(u for cells in per_index.values() for u in cells))
            if not units:
                continue
            group = self.label(gv)
            rows = [Row([txt(self.label(i), "label"),
                         *[c for u in units for c in (num(get(per_index, i, u, "pct"), fmt.pct, lang),
                                                      num(get(per_index, i, u, "n"), fmt.integer, lang))]])
                    for i in indices]
            header = [[txt(self.s["variable"]), *[txt(u, "block", 2) for u in units]],
                      [txt(""), *[c for _ in units for c in (txt(self.s["pct"]), txt(self.s["n_lower"]))]]]
            notes = [self.s["fav_note"]] if thresholds else []
            sec.blocks.append(Table(f"fav-{slug(gv)}", self.f("fav_title", group=group.lower()), header, rows,
                                    notes + [self.f("method_min_group", k=self.min_group)]))
            if not shown:  # the HR heatmap: index x unit, for the first grouping variable (the units)
                matrix = [[as_float(get(per_index, i, u, "pct")) for u in units] for i in indices]
                draw = partial(heat, [("", [self.label(i) for i in indices])], units, matrix)
                sec.blocks.append(Figure(f"fav-{slug(gv)}", self.f("fav_fig", group=group.lower()), draw))
            shown.append((gv, indices, units))
        if len(shown) > 1:  # every grouping variable in one picture: its groups as rows, under its name
            indices = list(dict.fromkeys(i for _, idx, _ in shown for i in idx))
            blocks = [(self.label(gv), units) for gv, _, units in shown]
            matrix = [[as_float(get(by_group, gv, i, u, "pct")) for i in indices] for gv, _, units in shown
                      for u in units]
            draw = partial(heat, blocks, [self.label(i) for i in indices], matrix)
            sec.blocks.append(Figure("fav-all", self.s["fav_fig_all"], draw))
        return sec

    # confidentiality -------------------------------------------------------------------------
