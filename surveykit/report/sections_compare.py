"""Report sections of the compare stage: descriptives, group comparisons, crosstabs, correlations, favourable %."""
from __future__ import annotations

import math
from functools import partial

from . import figures as figs
from . import format as fmt
from .cells import (
    as_float,
    at,
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
from .document import Cell, DataSheet, Figure, Row, Section, Table


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
                if plan.label is None and (records.get(plan.id) or {}).get("label") in (None, "", plan.id):
                    # no label in the YAML: a caption in words, never the plan's id ("saq_items")
                    items = [v for v in desc if desc[v].get("kind") == "item"]
                    name = (self.s["all_items"] if set(items) <= set(variables) else self.label(variables[0])
                            if len(variables) == 1 else self.f("desc_n_items", n=len(variables)))
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
            # '% don't know' (non-substantive answers, of those who answered) when the scale declares them
            dont_know = next((next(iter(desc[v]["non_substantive"].values()))["label"] for v in likert
                              if desc[v].get("non_substantive")), None)
            header = [head(s["item"], s["n"], s["mean"], s["sd"], *[f"{value_text(k)} %" for k in values],
                           s["top2"], *([f"% {dont_know}"] if dont_know else []))]
            rows = []
            for v in likert:
                d = desc[v]
                rows.append(Row([txt(self.label(v), "label"),
                                 num(d.get("n"), fmt.integer, lang), num(d.get("mean"), fmt.mean, lang),
                                 num(d.get("sd"), fmt.sd, lang),
                                 *[num(d["pct"].get(k), fmt.pct, lang) for k in values],
                                 num(d.get("top2_pct"), fmt.pct, lang),
                                 *([num(d.get("non_substantive_pct"), fmt.pct, lang)] if dont_know else [])]))
            notes = [s["desc_note"]]
            legend = "; ".join(f"{value_text(k)} = {lab}" for k, lab in zip(values, labels) if lab != value_text(k))
            if legend:
                notes.append(legend + ".")
            if any(getattr(self.q.item_map.get(v), "reverse", False) for v in likert):
                # which direction is shown: the keyed value k is the answer labelled min + max - k
                answered = self._value_labels(likert[0], [value_text(k) for k in reversed(values)])
                notes.append(self.f("desc_reversed_note", pairs=", ".join(
                    f"{value_text(k)} = {lab}" for k, lab in zip(values, answered))))
            if dont_know:
                notes.append(self.f("desc_dont_know_note", label=dont_know))
            sec.blocks.append(Table(f"desc-{slug(key)}", self.f("desc_title", name=name), header, rows, notes))
            draw = partial(
                figs.likert_bars,
                [self.label(v) for v in likert],
                [[desc[v]["pct"].get(k) for k in values] for v in likert],
                labels, lambda x: fmt.number(x, 0, lang), s["likert_axis"],
            )
            sec.blocks.append(Figure(f"likert-{slug(key)}", self.f("likert_fig", name=name), draw))
        if plain:
            header = [head(s["variable"], s["n"], s["mean"], s["sd"], s["min"], s["max"])]
            def extreme(v: str, which: str) -> Cell:
                if which in (desc[v].get("not_shown") or {}):
                    return txt("–", "num muted")
                return num(desc[v].get(which), fmt.mean, lang)

            rows = [Row([txt(self.label(v), "label"), num(desc[v].get("n"), fmt.integer, lang),
                         num(desc[v].get("mean"), fmt.mean, lang), num(desc[v].get("sd"), fmt.sd, lang),
                         extreme(v, "min"), extreme(v, "max")])
                    for v in plain]
            notes = [self.f("desc_extremes_note", k=self.min_group)] if any(desc[v].get("not_shown") for v in plain) \
                else []
            sec.blocks.append(Table("desc-numeric", s["desc_index_title"], header, rows, notes))
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
            for detail in (self._ttest_table(plan_id, name, plan_entries), self._anova_table(plan_id, name, plan_entries)):
                if detail is not None:
                    sec.blocks.append(detail)
            sec.blocks += self.invariance_warnings(plan_id, plan_entries)  # report/sections_cfa.py
            ph = self._posthoc_table(plan_id, name, plan_entries)
            if ph is not None:
                sec.blocks.append(ph)
            sec.blocks += self._means_figures(plan_id, name, plan_entries)
        return sec

    @staticmethod
    def _group_names(entries: list[dict]) -> dict[tuple[str, str], str]:
        """(grouping variable, group key) -> the group's label (results.json keys groups by code)."""
        return {(e["group"], key): str(g.get("label", key)) if isinstance(g, dict) else key
                for e in entries for key, g in (e.get("groups") or {}).items()}

    @staticmethod
    def _layout(entries: list[dict]) -> tuple[list[str], dict[str, list[str]]]:
        """Outcomes in order of appearance and, per grouping variable, the keys of the groups shown anywhere."""
        outcomes = list(dict.fromkeys(e["outcome"] for e in entries))
        groups: dict[str, list[str]] = {}
        for e in entries:
            labels = groups.setdefault(e["group"], [])
            for label in (e.get("groups") or {}):
                if label not in labels:
                    labels.append(label)
        return outcomes, groups

    def _comparison_table(self, plan_id: str, name: str, entries: list[dict]) -> Table:
        """Means by group, APA style: one block of rows per grouping variable, one row per group within each
        outcome, the test on the outcome's first row. Seven columns whatever the plan, so it fits a page."""
        s, lang = self.s, self.lang
        outcomes, groups = self._layout(entries)
        by_key = {(e["outcome"], e["group"]): e for e in entries}
        names = self._group_names(entries)  # groups are keyed by code; their labels stand beside
        adjusted = any("p_adj" in e for e in entries)  # a multiple-testing family (pipeline/inference.py)
        header = [head(s["variable"], s["group"], s["n_lower"], s["mean"], s["sd"], s["test"], s["p"],
                       *([s["p_adj_short"]] if adjusted else []), s["r"])]
        rows: list[Row] = []
        data: list[list] = []
        for gv, keys in groups.items():
            rows.append(Row([txt(self.label(gv), "label", len(header[0]))], "group-head"))
            for outcome in outcomes:
                e = by_key.get((outcome, gv))
                if not e:
                    continue
                g = e.get("groups") or {}
                shown = [key for key in keys if key in g]
                welch = e.get("reported") == "welch" or e.get("test") == "welch_t"
                test = fmt.test_result(e.get("test", ""), e.get("statistic"), e.get("df"), lang)
                for i, key in enumerate(shown):
                    first = i == 0
                    p_adj = [num(e.get("p_adj"), fmt.p_value, lang) if first else txt("")] if adjusted else []
                    rows.append(Row([txt(self.label(outcome) if first else "", "label indent"),
                                     txt(names.get((gv, key), key)),
                                     num(get(g, key, "n"), fmt.integer, lang), num(get(g, key, "mean"), fmt.mean, lang),
                                     num(get(g, key, "sd"), fmt.sd, lang),
                                     Cell(test + ("ᵂ" if welch and test else ""), None, "num test") if first else txt(""),
                                     num(e.get("p"), fmt.p_value, lang) if first else txt(""), *p_adj,
                                     num(e.get("effect_r"), fmt.bounded, lang, suffix=fmt.stars(e.get("p")))
                                     if first else txt("")], "block-start" if first else ""))
                    data.append(self._comparison_data_row(e, key, gv, outcome, names.get((gv, key), key)))
        sheet = DataSheet(
            [s["grouping"], s["code"], s["group"], s["variable"], "n", "M", "SD", "SE", s["test"], s["statistic"],
             "df1", "df2", "p", "p_adj", "r", "d", "η²", "ω²", s["test_text"]],
            data, [None, 0, None, None, 0, 2, 2, 3, None, 2, 2, 0, 3, 3, 3, 3, 3, 3, None])
        adj = [self.f("cmp_adj_note", family=self.family_label(e["family"]), m=e.get("family_size"))
               for e in entries[:1] if adjusted]
        return Table(f"cmp-{slug(plan_id)}", self.f("cmp_title", name=name), header, rows,
                     [s["cmp_note"], s["stars_note"], *adj, *self._protection_notes(entries)], data=sheet)

    def _protection_notes(self, entries: list[dict]) -> list[str]:
        """What disclosure control merged or hid in a comparison table, and where (never a hidden n)."""
        s, lang = self.s, self.lang

        def codes_text(gv: str, group) -> str:
            codes = group if isinstance(group, list) else [group]
            return " + ".join(self.q.code_label(gv, c, lang) if self.q.codes_of(gv) else str(c) for c in codes)

        protected = list(dict.fromkeys(
            (e["group"], codes_text(e["group"], d.get("group")), d.get("action"),
             e["outcome"] if str(d.get("where", "")).startswith("comparisons") else None)
            for e in entries for d in e.get("disclosure") or []))
        if not protected:
            return []
        what = "; ".join(f"{self.label(gv)}: {group} {s['conf_merged'] if action == 'merged' else s['conf_hidden']}"
                         + (f" ({self.label(outcome)})" if outcome else "") for gv, group, action, outcome in protected)
        return [self.f("cmp_note_protected", k=self.min_group, what=what)]

    def _comparison_data_row(self, e: dict, key: str, gv: str, outcome: str, label: str) -> list:
        g = get(e, "groups", key) or {}
        df = e.get("df")
        df1, df2 = (df[0], df[1]) if isinstance(df, list) and len(df) == 2 else (df, None)
        kind = "welch_t" if e.get("reported") == "welch" else e.get("test")
        return [self.label(gv), g.get("code"), label, self.label(outcome), g.get("n"), g.get("mean"), g.get("sd"),
                g.get("se"), kind, e.get("statistic"), df1, df2, e.get("p"), e.get("p_adj"), e.get("effect_r"), e.get("d"),
                e.get("eta_sq"), e.get("omega_sq"), fmt.test_result(e.get("test", ""), e.get("statistic"), df, self.lang)]

    def _ttest_table(self, plan_id: str, name: str, entries: list[dict]) -> Table | None:
        """SPSS's "Independent Samples Test": Levene's F and p, Student's and Welch's t with df and p, the
        mean difference with its CI, Cohen's d and r; one block of rows per grouping variable."""
        s, lang = self.s, self.lang
        tests = [e for e in entries if e.get("test") == "t" and isinstance(e.get("student"), dict)]
        if not tests:
            return None
        header = [head(s["variable"], s["t_variant"], s["levene_f"], s["levene_p"], s["t"], "df", s["p"], s["mean_diff"],
                       s["ci95"], "d", "r")]
        rows, data = [], []
        for gv in dict.fromkeys(e["group"] for e in tests):
            rows.append(Row([txt(self.label(gv), "label", len(header[0]))], "group-head"))
            for e in (e for e in tests if e["group"] == gv):
                labels = [str(g.get("label", k)) if isinstance(g, dict) else k for k, g in (e.get("groups") or {}).items()]
                lev = e.get("levene") or {}
                for variant in ("student", "welch"):
                    v = e.get(variant) or {}
                    first = variant == "student"
                    ci = self._ci_text(v.get("ci_low"), v.get("ci_high"), fmt.mean)
                    chosen = e.get("reported") == variant
                    pair = f" ({labels[0]} − {labels[1]})" if len(labels) == 2 else ""
                    rows.append(Row([
                        txt(self.label(e["outcome"]) + pair if first else "", "label indent"),
                        txt(s[f"variant_{variant}"] + ("†" if chosen else ""), "nowrap"),
                        num(lev.get("statistic"), fmt.stat, lang) if first else txt(""),
                        num(lev.get("p"), fmt.p_value, lang) if first else txt(""),
                        num(v.get("statistic"), fmt.stat, lang), num(v.get("df"), fmt.df, lang),
                        num(v.get("p"), fmt.p_value, lang), num(e.get("mean_diff"), fmt.mean, lang),
                        Cell(ci, None, "num"), num(e.get("d"), fmt.mean, lang) if first else txt(""),
                        num(v.get("effect_r"), fmt.bounded, lang)], "block-start" if first else ""))
                    data.append([self.label(gv), self.label(e["outcome"]), " – ".join(labels[:2]), variant, chosen,
                                 lev.get("statistic"), lev.get("df1"), lev.get("df2"), lev.get("p"), v.get("statistic"),
                                 v.get("df"), v.get("p"), e.get("mean_diff"), v.get("se"), v.get("ci_low"),
                                 v.get("ci_high"), e.get("d"), e.get("g"), v.get("effect_r")])
        sheet = DataSheet([s["grouping"], s["variable"], s["groups_compared"], s["t_variant"], s["reported"],
                           "Levene F", "Levene df1", "Levene df2", "Levene p", "t", "df", "p", s["mean_diff"], "SE",
                           s["ci_low"], s["ci_high"], "d", "g", "r"],
                          data, [None, None, None, None, None, 2, 0, 0, 3, 2, 2, 3, 2, 3, 2, 2, 2, 2, 3])
        notes = [s["ttest_note"], s["stars_note"]]
        return Table(f"ttest-{slug(plan_id)}", self.f("ttest_title", name=name), header, rows, notes, data=sheet)

    def _anova_table(self, plan_id: str, name: str, entries: list[dict]) -> Table | None:
        """The one-way ANOVA source table: SS, df, MS, F, p, η² and ω² per outcome, grouped by variable."""
        s, lang = self.s, self.lang
        tests = [e for e in entries if e.get("test") == "anova" and fmt.is_number(e.get("ss_between"))]
        if not tests:
            return None
        header = [head(s["variable"], s["source"], s["ss"], "df", s["ms"], "F", s["p"], "η²", "ω²")]
        rows, data = [], []
        for gv in dict.fromkeys(e["group"] for e in tests):
            rows.append(Row([txt(self.label(gv), "label", len(header[0]))], "group-head"))
            for e in (e for e in tests if e["group"] == gv):
                df = e.get("df") or [None, None]
                parts = [("between", e.get("ss_between"), at(df, 0), e.get("ms_between")),
                         ("within", e.get("ss_within"), at(df, 1), e.get("ms_within")),
                         ("total", e.get("ss_total"), e.get("df_total"), None)]
                for source, ss, d, ms in parts:
                    first = source == "between"
                    rows.append(Row([txt(self.label(e["outcome"]) if first else "", "label indent"),
                                     txt(s[f"source_{source}"]), num(ss, fmt.stat, lang), num(d, fmt.df, lang),
                                     num(ms, fmt.stat, lang),
                                     num(e.get("statistic"), fmt.stat, lang) if first else txt(""),
                                     num(e.get("p"), fmt.p_value, lang) if first else txt(""),
                                     num(e.get("eta_sq"), fmt.bounded, lang) if first else txt(""),
                                     num(e.get("omega_sq"), fmt.bounded, lang) if first else txt("")],
                                    "block-start" if first else ""))
                    data.append([self.label(gv), self.label(e["outcome"]), s[f"source_{source}"], ss, d, ms,
                                 *([e.get("statistic"), e.get("p"), e.get("eta_sq"), e.get("omega_sq")] if first
                                   else [None] * 4)])
        sheet = DataSheet([s["grouping"], s["variable"], s["source"], "SS", "df", "MS", "F", "p", "η²", "ω²"],
                          data, [None, None, None, 3, 0, 3, 2, 3, 3, 3])
        return Table(f"anova-{slug(plan_id)}", self.f("anova_title", name=name), header, rows, [s["anova_note"]],
                     data=sheet)

    def _ci_text(self, lo, hi, formatter) -> str:
        lang = self.lang
        return f"[{formatter(lo, lang)}; {formatter(hi, lang)}]" if fmt.is_number(lo) and fmt.is_number(hi) else ""

    def _posthoc_table(self, plan_id: str, name: str, entries: list[dict]) -> Table | None:
        """Pairwise comparisons, one block of rows per grouping variable, the outcome on its first pair."""
        s, lang = self.s, self.lang
        rows, data = [], []
        for gv in dict.fromkeys(e["group"] for e in entries if e.get("posthoc")):
            rows.append(Row([txt(self.label(gv), "label", 7)], "group-head"))
            for e in (e for e in entries if e["group"] == gv and e.get("posthoc")):
                for i, pair in enumerate(e["posthoc"]):
                    a, b = pair_label(pair, "a", e), pair_label(pair, "b", e)
                    rows.append(Row([txt(self.label(e["outcome"]) if i == 0 else "", "label indent"), txt(a), txt(b),
                                     num(pair.get("mean_diff"), fmt.mean, lang), num(pair.get("se"), fmt.mean, lang),
                                     num(pair.get("p_adj"), fmt.p_value, lang, suffix=fmt.stars(pair.get("p_adj"))),
                                     Cell(self._ci_text(pair.get("ci_low"), pair.get("ci_high"), fmt.mean), None, "num")],
                                    "block-start" if i == 0 else ""))
                    data.append([self.label(gv), self.label(e["outcome"]), pair.get("group_a"), a, pair.get("group_b"), b,
                                 pair.get("mean_diff"), pair.get("se"), pair.get("p_adj"), pair.get("ci_low"),
                                 pair.get("ci_high")])
        if not rows:
            return None
        method = self.settings.get("posthoc") or self.q.analysis.posthoc
        for plan in self.q.analysis.comparisons:
            if plan.id == plan_id and plan.posthoc:
                method = plan.posthoc
        header = [head(s["variable"], s["group_a"], s["group_b"], s["mean_diff"], s["se"], s["p_adj"], s["ci95"])]
        sheet = DataSheet([s["grouping"], s["variable"], f"{s['code']} A", s["group_a"], f"{s['code']} B", s["group_b"],
                           s["mean_diff"], "SE", s["p_adj"], s["ci_low"], s["ci_high"]],
                          data, [None, None, 0, None, 0, None, 2, 3, 3, 2, 2])
        title = self.f("posthoc_title", method=s.get(f"posthoc_{method}", method), name=name)
        return Table(f"posthoc-{slug(plan_id)}", title, header, rows, [s["stars_note"]], data=sheet)

    def _means_figures(self, plan_id: str, name: str, entries: list[dict]) -> list[Figure]:
        """One figure per comparison plan (Schick's Graf 1-3: mean bars by group, 95% CI error bars).

        One grouping variable: a row per outcome, a bar per group. Several: the groups of each grouping
        variable under its heading, a bar per outcome (so a one-outcome plan such as "job satisfaction by
        gender, employer, education ..." is one compact chart, not one chart per grouping variable)."""
        lang = self.lang
        outcomes, groups = self._layout(entries)
        by_key = {(e["outcome"], e["group"]): e for e in entries}
        names = self._group_names(entries)
        axis = self.s["means_axis"]

        def cell(o: str, gv: str, label: str) -> tuple[float | None, float | None]:
            g = (by_key.get((o, gv)) or {}).get("groups") or {}
            return as_float(get(g, label, "mean")), ci_half(get(g, label, "sd"), get(g, label, "n"))

        if len(groups) == 1:
            (gv, labels), = groups.items()
            shown = [o for o in outcomes if (o, gv) in by_key]
            pairs = [[cell(o, gv, lab) for lab in labels] for o in shown]
            blocks = [("", [self.label(o) for o in shown])]
            series, legend_title = [names.get((gv, lab), lab) for lab in labels], self.label(gv)
            title = self.f("means_fig", group=self.label(gv).lower(), name=name)
        else:
            pairs = [[cell(o, gv, lab) for o in outcomes] for gv, labels in groups.items() for lab in labels]
            blocks = [(self.label(gv), [names.get((gv, lab), lab) for lab in labels]) for gv, labels in groups.items()]
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
            row_names, col_names = x.get("row_labels") or {}, x.get("col_labels") or {}
            header = [[txt(self.label(x.get("row", ""))), *[txt(str(col_names.get(c, c)), "block", 2) for c in col_labels]],
                      [txt(""), *[cell for _ in col_labels for cell in (txt(s["n_lower"]), txt(s["row_pct"]))]]]
            rows = []
            hidden = False
            for rlab, row in counts.items():
                cells = [txt(str(row_names.get(rlab, rlab)), "label")]
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
                adj = f", {s['p_adj_short']} = {fmt.p_value(x['p_adj'], lang)}" if x.get("p_adj") is not None else ""
                notes.append(f"{test}, {fmt.p_text(x.get('p'), lang)}{adj}, {assoc}.")
            if fmt.is_number(x.get("fisher_p")):
                notes.append(f"{s['fisher']}: {fmt.p_text(x['fisher_p'], lang)}.")
            if fmt.is_number(x.get("expected_below_5_pct")) and x["expected_below_5_pct"] > 0:
                notes.append(self.f("expected_low", pct=fmt.pct(x["expected_below_5_pct"], lang)))
            merged = [*(x.get("merged_rows") or []), *(x.get("merged_cols") or [])]
            if merged:
                notes.append(self.f("xt_note_merged", k=self.min_group, what="; ".join(merged)))
            if hidden:
                notes.append(self.f("xt_note_suppressed", k=self.min_group))
            if x.get("test_withheld"):
                notes.append(s["xt_note_withheld"])
            title = self.f("xt_title", row=self.label(x.get("row", "")), col=self.label(x.get("col", "")).lower())
            # the workbook: one row per cell (hidden cells empty), the test's numbers in columns of their own
            test = [x.get("chi2"), x.get("df"), x.get("p"), x.get("cramers_v"), x.get("fisher_p"), x.get("n")]
            data = [[rlab, c, get(counts, rlab, c), get(row_pct, rlab, c), get(x, "col_pct", rlab, c), *test]
                    for rlab in counts for c in col_labels]
            sheet = DataSheet([self.label(x.get("row", "")), self.label(x.get("col", "")), "n", s["row_pct"],
                               s["col_pct"], "χ²", "df", "p", s["cramers_v"], s["fisher"] + " p", "N"],
                              data, [None, None, 0, 1, 1, 2, 0, 3, 3, 3, 0])
            sec.blocks.append(Table(f"xt-{i + 1}-{slug(x.get('row', ''))}-{slug(x.get('col', ''))}", title,
                                    header, rows, notes, data=sheet))
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
    # confidentiality -------------------------------------------------------------------------
