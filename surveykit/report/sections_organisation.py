"""Report sections of the survey cycle: response rates by unit, change over time, key drivers, engagement/eNPS.

Everything shown comes from results.json (``organisation``, ``waves``, ``drivers``, ``engagement``); units
hidden for confidentiality are not in those records, so nothing here can show them.
"""
from __future__ import annotations

from functools import partial

from . import figures_organisation as figs
from . import format as fmt
from .cells import ci_decimals_cell, head, num, slug, txt
from .document import Cell, Figure, Paragraph, Row, Section, Table

FLAG_MARK = {"up": "↑", "down": "↓"}


class OrganisationSections:
    """Mixin of :class:`~surveykit.report.content.Builder`: the sections of issue 16."""

    # helpers -----------------------------------------------------------------------------------
    def _unit_names(self) -> dict:
        org = self.r.get("organisation") or {}
        return {u.get("unit"): u.get("name") or u.get("unit") for u in org.get("units") or []}

    def _unit_list(self, codes) -> str:
        names = self._unit_names()
        return ", ".join(f"{names.get(c, c)} ({c})" for c in codes)

    def _ci(self, lo, hi, decimals: int = 2) -> Cell:
        """"[low; high]", the bounds also as numbers of their own in the workbook."""
        return ci_decimals_cell(lo, hi, decimals, self.lang, (self.s["ci_low"], self.s["ci_high"]))

    def _hidden_text(self) -> str:
        org = self.r.get("organisation") or {}
        hidden = org.get("hidden_units") or []
        if not hidden:
            return self.s["units_none_hidden"]
        reasons = {"fewer": "reason_small", "complementary": "reason_complementary", "a unit": "reason_parent"}
        parts = []
        for h in hidden:
            key = next((v for k, v in reasons.items() if str(h.get("reason", "")).startswith(k)), "reason_small")
            parts.append(f"{h.get('name')} ({h.get('unit')}; {self.f(key, k=self.min_group)})")
        return self.f("units_hidden", units="; ".join(parts))

    # response rates ----------------------------------------------------------------------------
    def response_rates(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("response-rates", s["sec_response"])
        org = self.r.get("organisation") or {}
        units = org.get("units") or []
        if not units:
            return sec
        sec.blocks.append(Paragraph(self.f("rr_text", file=org.get("units_file", "")) + " "
                                    + self.f("units_protect", k=self.min_group)))
        sec.blocks.append(Paragraph(self._hidden_text()))
        rows, over = [], False
        order = self._tree_order(units)
        for u in sorted(units, key=lambda u: order[u.get("unit")]):
            indent = "\u2003" * int(u.get("level") or 0)
            hc = num(u.get("headcount"), fmt.integer, lang, suffix=" Σ" if u.get("headcount_source") == "subunits" else "")
            if not u.get("shown"):
                rows.append(Row([txt(indent + str(u.get("name")), "label muted"), txt(u.get("unit"), "muted"), hc,
                                 txt(s["unit_hidden"], "muted"), txt("")]))
                continue
            over = over or bool(u.get("over_100"))
            rate = u.get("rate")
            rows.append(Row([txt(indent + str(u.get("name")), "label" + (" strong" if u.get("level") == 0 else "")),
                             txt(u.get("unit")), hc, num(u.get("respondents"), fmt.integer, lang),
                             num(100 * rate if fmt.is_number(rate) else None, fmt.pct, lang)],
                            "flagged" if u.get("over_100") else ""))
        notes = [s["rr_over_100"]] if over else []
        sec.blocks.append(Table("response-rates", s["rr_title"],
                                [head(s["unit"], "", s["headcount"], s["respondents"], s["rate_pct"])], rows, notes))
        return sec

    @staticmethod
    def _tree_order(units: list[dict]) -> dict:
        """Sort keys for a depth-first order (each unit under its parent) from the breadth-first list."""
        keys: dict = {}
        for i, u in enumerate(units):  # parents come first
            keys[u.get("unit")] = keys.get(u.get("parent"), ()) + (i,)
        return keys

    # waves -------------------------------------------------------------------------------------
    def waves(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("waves", s["sec_waves"])
        w = self.r.get("waves") or {}
        compared = w.get("compared") or []
        if not compared:
            return sec
        current = w.get("current")
        sec.blocks.append(Paragraph(self.f("waves_method", current=current, alpha=self.b(w.get("alpha"), 2),
                                           mean=fmt.number(w.get("min_mean_change"), 1, lang),
                                           pct=fmt.number(w.get("min_pct_change"), 0, lang))))
        notes = [self.f("waves_n", label=c.get("previous"), n=fmt.integer(c.get("n_respondents"), lang),
                        file=c.get("file")) for c in compared]
        notes.append(self.f("waves_n", label=current, n=fmt.integer(self.r.get("n_respondents"), lang),
                            file=(self.r.get("data") or {}).get("file", "")))
        sec.blocks.append(Paragraph(" ".join(notes)))
        for c in compared:
            extra = []
            if c.get("only_in"):
                extra.append(self.f("waves_only_in", vars=", ".join(
                    f"{self.label(v)} ({where})" for v, where in c["only_in"].items())))
            if c.get("renamed"):
                extra.append(self.f("waves_renamed", prev=c.get("previous"),
                                    pairs=", ".join(f"{o} → {n}" for o, n in c["renamed"].items())))
            if c.get("units_only_in"):
                extra.append(self.f("waves_units_only", prev=c.get("previous"), curr=current, units=", ".join(
                    f"{self._unit_list([u])}: {where}" for u, where in c["units_only_in"].items())))
            if c.get("ignored_columns"):
                extra.append(self.f("waves_ignored", file=c.get("file"), cols=", ".join(c["ignored_columns"])))
            if extra:
                sec.blocks.append(Paragraph(" ".join(extra), "muted"))
        fig = self._trend_figure(w)
        if fig is not None:
            sec.blocks.append(fig)
        last = compared[-1]
        prev = last.get("previous")
        indices = list(self.q.index_map)
        means = [m for m in last.get("means") or [] if m.get("variable") in indices]
        favs = {(f.get("unit"), f.get("item")): f for f in last.get("favourable") or []}
        rows = []
        names = self._unit_names()
        for unit in dict.fromkeys(m.get("unit") for m in means):
            rows.append(Row([txt(f"{names.get(unit, unit)}" if unit != "all" else s["total"], "label", 9)],
                            "group-head"))
            for m in (m for m in means if m.get("unit") == unit):
                rows.append(self._change_row(self.label(m["variable"]), m, favs.get((unit, m["variable"]))))
        header = [head(s["variable"], f"{s['mean']} {prev}", f"{s['mean']} {current}", s["change"], s["ci95"],
                       s["p"], "d", s["fav_change"], s["flag"])]
        hidden = last.get("hidden_units") or []
        tnotes = [self.f("waves_hidden", units=self._unit_list(hidden))] if hidden else []
        sec.blocks.append(Table(f"waves-index-{slug(prev)}", self.f("wave_index_title", prev=prev, curr=current),
                                header, rows, tnotes))
        items = [m for m in last.get("means") or [] if m.get("variable") in self.q.item_map and m.get("level") == 0]
        rows = [self._change_row(self.label(m["variable"]), m, favs.get((m.get("unit"), m["variable"])))
                for m in items]
        if rows:
            sec.blocks.append(Table(f"waves-items-{slug(prev)}", self.f("wave_item_title", prev=prev, curr=current),
                                    header, rows))
        return sec

    def _change_row(self, label: str, m: dict, fav: dict | None) -> Row:
        lang = self.lang
        flags = [m.get("flag"), (fav or {}).get("flag")]
        mark = " ".join(FLAG_MARK[f] + (" %" if i else "") for i, f in enumerate(flags) if f in FLAG_MARK)
        return Row([txt(label, "label"), num(m.get("mean_prev"), fmt.mean, lang), num(m.get("mean_curr"), fmt.mean, lang),
                    num(m.get("diff"), fmt.mean, lang), self._ci(m.get("ci_low"), m.get("ci_high")),
                    num(m.get("p"), fmt.p_value, lang), num(m.get("d"), fmt.stat, lang),
                    num((fav or {}).get("diff"), fmt.pct, lang), txt(mark, "strong")], "flagged" if mark else "")

    def _trend_figure(self, w: dict) -> Figure | None:
        labels = w.get("labels") or []
        root = next((u.get("unit") for u in (self.r.get("organisation") or {}).get("units") or []
                     if u.get("level") == 0), "all")
        series, values = [], []
        for index in self.q.index_map:
            by_wave = {t.get("wave"): t.get("mean") for t in w.get("trend") or []
                       if t.get("variable") == index and t.get("unit") == root}
            if sum(fmt.is_number(v) for v in by_wave.values()) >= 2:
                series.append(self.label(index))
                values.append([by_wave.get(lab) for lab in labels])
        if not series:
            return None
        lang = self.lang
        draw = partial(figs.trend_lines, labels, series, values, lambda x: fmt.number(x, 1, lang), self.s["trend_axis"])
        return Figure("trend", self.s["trend_fig"], draw)

    # drivers -----------------------------------------------------------------------------------
    def drivers(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("drivers", s["sec_drivers"])
        for did, d in (self.r.get("drivers") or {}).items():
            outcome = self.label(d.get("outcome", did))
            sec.blocks.append(Paragraph(self.f(
                "drivers_method", outcome=outcome, boot=fmt.integer(d.get("n_boot"), lang), seed=d.get("seed"),
                n=fmt.integer(d.get("n"), lang), excluded=fmt.integer(d.get("n_excluded"), lang),
                r2=self.b(d.get("r2")))))
            rows = []
            table = sorted(d.get("table") or [], key=lambda r: r.get("rank") or 0)
            for r in table:
                rows.append(Row([txt(r.get("label") or self.label(r.get("predictor")), "label"),
                                 num(r.get("r"), fmt.bounded, lang), num(r.get("beta"), fmt.bounded, lang),
                                 num(r.get("rescaled_weight"), fmt.pct, lang),
                                 self._ci(r.get("rescaled_ci_low"), r.get("rescaled_ci_high"), 1),
                                 num(r.get("general_dominance_pct"), fmt.pct, lang),
                                 self._ci(r.get("general_dominance_pct_ci_low"), r.get("general_dominance_pct_ci_high"), 1),
                                 txt(r.get("rank")), num(r.get("favourable_pct"), fmt.pct, lang),
                                 txt(s.get(f"q_{r.get('quadrant')}", r.get("quadrant") or ""))],
                                "flagged" if r.get("quadrant") == "priorities" else ""))
            header = [head(s["variable"], "r", "β", s["rw_pct"], s["ci95"], s["gd_pct"], s["ci95"], s["rank"],
                           s["fav_pct"], s["quadrant"])]
            notes = []
            complete = d.get("complete_dominance") or {}
            pairs = [f"{self.label(a)} > {self.label(b)}" for a, bs in complete.items() for b in bs]
            if pairs:
                notes.append(self.f("complete_dom", pairs="; ".join(pairs)))
            sec.blocks.append(Table(f"drivers-{slug(did)}", self.f("drivers_title", outcome=outcome), header, rows,
                                    notes))
            fig = self._matrix_figure(did, d, outcome)
            if fig is not None:
                sec.blocks.append(fig)
        return sec

    def _matrix_figure(self, did: str, d: dict, outcome: str) -> Figure | None:
        table = [r for r in d.get("table") or [] if fmt.is_number(r.get("favourable_pct"))]
        if not table or not fmt.is_number(d.get("importance_cut")):
            return None
        s, lang = self.s, self.lang
        labels = {"xlabel": s["matrix_x"], "ylabel": s["matrix_y"],
                  **{k: s[f"q_{k}"] for k in ("strengths", "priorities", "maintain", "monitor")}}
        draw = partial(figs.priority_matrix, [r.get("label") or r.get("predictor") for r in table],
                       [r.get("rescaled_weight") for r in table], [r.get("favourable_pct") for r in table],
                       [r.get("quadrant") for r in table], d["importance_cut"], d["favourable_cut"],
                       lambda x: fmt.number(x, 0, lang), lambda x: fmt.number(x, 0, lang), labels)
        note = self.f("matrix_note", icut=fmt.pct(d["importance_cut"], lang), fcut=fmt.pct(d["favourable_cut"], lang))
        return Figure(f"matrix-{slug(did)}", self.f("matrix_fig", outcome=outcome), draw, [note])

    # engagement --------------------------------------------------------------------------------
    def engagement(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("engagement", s["sec_engagement"])
        for eid, e in (self.r.get("engagement") or {}).items():
            label = e.get("label") or eid
            rows = []
            entries = ([e["overall"]] if e.get("overall") else []) + list(e.get("units") or [])
            if e.get("kind") == "enps":
                sec.blocks.append(Paragraph(self.f("enps_method", label=label, item=self.label(e.get("item")),
                                                   missing=fmt.integer(e.get("n_missing"), lang))))
                for u in entries:
                    rows.append(Row([self._unit_cell(u), num(u.get("n"), fmt.integer, lang),
                                     num(u.get("pct_promoters"), fmt.pct, lang),
                                     num(u.get("pct_detractors"), fmt.pct, lang), num(u.get("enps"), fmt.pct, lang),
                                     self._ci(u.get("adjusted_low"), u.get("adjusted_high"), 1)]))
                header = [head(s["unit"], s["n_lower"], s["promoters"], s["detractors"], "eNPS", s["ci95"])]
            else:
                sec.blocks.append(Paragraph(self.f(
                    "eng_index_method", label=label, index=self.label(e.get("index")),
                    fav=", ".join(str(v) for v in e.get("favourable") or []),
                    incomplete=fmt.integer(e.get("n_incomplete"), lang))))
                for u in entries:
                    rows.append(Row([self._unit_cell(u), num(u.get("n"), fmt.integer, lang),
                                     num(u.get("pct"), fmt.pct, lang), self._ci(u.get("ci_low"), u.get("ci_high"), 1)]))
                header = [head(s["unit"], s["n_lower"], s["pct_engaged"], s["ci95"])]
            sec.blocks.append(Table(f"engagement-{slug(eid)}", self.f("eng_title", label=label), header, rows,
                                    [self.f("eng_hidden", k=self.min_group)]))
        return sec

    def _unit_cell(self, u: dict) -> Cell:
        level = int(u.get("level") or 0)
        name = u.get("name") or (self.s["total"] if u.get("unit") == "all" else u.get("unit"))
        return txt("\u2003" * level + str(name), "label" + (" strong" if level == 0 else ""))
