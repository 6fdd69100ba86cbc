"""Report section of the HR view: favourable, neutral and unfavourable answers per index, item and group."""
from __future__ import annotations

from functools import partial

from . import figures as figs
from . import format as fmt
from .cells import as_float, get, head, num, slug, txt, value_key
from .document import Cell, DataSheet, Figure, Row, Section, Table


class FavourableSections:
    """Mixin of :class:`~surveykit.report.content.Builder`: the favourable-answers section (numbers from
    ``results["favourable"]``, computed by :mod:`surveykit.compare.favourable`)."""

    def favourable(self) -> Section:
        """The HR view: % favourable / neutral / unfavourable of every index and item (All), the indices by
        group (stacked, one block of rows per grouping variable, with each group's difference from All),
        and heatmaps of indices and items by the first grouping variable (the units)."""
        fav = self.r.get("favourable") or {}
        # "by unit" only when there are groups to break down by (a survey without background questions has none)
        sec = Section("favourable", self.s["sec_favourable" if fav.get("group_vars") else "sec_favourable_all"])
        indices, items = fav.get("indices") or {}, fav.get("items") or {}
        if not indices and not items:
            return sec
        s, lang = self.s, self.lang
        notes = self._favourable_notes(fav)
        # whole sample: each index, then its items
        rows = []
        for iid, rec in indices.items():
            rows.append(Row([txt(rec.get("label") or self.label(iid), "label"), *self._fav_cells(rec)], "group-head"))
            for item in rec.get("items") or []:
                if item in items:
                    name = self.label(item) + (f" {s['reversed']}" if items[item].get("reversed") else "")
                    rows.append(Row([txt(name, "label indent"), *self._fav_cells(items[item])]))
        stats = ["n", "n_answers", "pct_favourable", "pct_neutral", "pct_unfavourable"]
        tidy_header = ["n", s["n_answers"], s["fav_pct"], s["neutral_pct"], s["unfav_pct"]]
        if rows:
            header = [head(s["variable"], s["n_lower"], s["fav_pct"], s["neutral_pct"], s["unfav_pct"])]
            data = []
            for iid, rec in indices.items():
                data.append([rec.get("label") or self.label(iid), iid, "", None, *[rec.get(k) for k in stats]])
                data += [[rec.get("label") or self.label(iid), item, self.label(item), bool(items[item].get("reversed")),
                          *[items[item].get(k) for k in stats]] for item in rec.get("items") or [] if item in items]
            sheet = DataSheet([s["index"], "id", s["item"], s["reversed_col"], *tidy_header], data,
                              [None, None, None, None, 0, 0, 1, 1, 1])
            sec.blocks.append(Table("fav-overall", s["fav_overall_title"], header, rows, notes, data=sheet))
        group_vars = [gv for gv in fav.get("group_vars") or []
                      if any((rec.get("groups") or {}).get(gv) for rec in indices.values())]
        names = list(indices)
        per_table = 4  # % / difference / n per index: four indices fit the printed page's width
        chunks = [names[i:i + per_table] for i in range(0, len(names), per_table)] if group_vars else []
        for part, chunk in enumerate(chunks, 1):
            top = [txt("")] + [txt(indices[i].get("label") or self.label(i), "block", 3) for i in chunk]
            low = [txt(s["group"])] + [c for _ in chunk for c in (txt(s["pct"]), txt(s["diff_pp"]), txt(s["n_lower"]))]
            rows = [Row([txt(s["all"], "label"), *[c for i in chunk for c in (
                num(indices[i].get("pct_favourable"), fmt.pct, lang), txt(""),
                num(indices[i].get("n"), fmt.integer, lang))]], "total")]
            for gv in group_vars:
                rows.append(Row([txt(self.label(gv), "label", 1 + 3 * len(chunk))], "group-head"))
                codes = list(dict.fromkeys(c for i in chunk for c in (indices[i].get("groups") or {}).get(gv) or {}))
                for code in sorted(codes, key=value_key):
                    cells = [txt(self._fav_group_label(indices, chunk, gv, code), "label indent")]
                    for i in chunk:
                        g = get(indices[i], "groups", gv, code) or {}
                        cells += [num(g.get("pct_favourable"), fmt.pct, lang),
                                  num(g.get("diff_favourable"), fmt.signed_pct, lang),
                                  num(g.get("n"), fmt.integer, lang)]
                    rows.append(Row(cells))
            title = s["fav_title"] + (f" ({part}/{len(chunks)})" if len(chunks) > 1 else "")
            data = [[s["all"], None, s["all"], indices[i].get("label") or self.label(i),
                     *[indices[i].get(k) for k in stats], 0.0] for i in chunk]
            data += [[self.label(gv), g.get("code"), g.get("label"), indices[i].get("label") or self.label(i),
                      *[g.get(k) for k in stats], g.get("diff_favourable")]
                     for gv in group_vars for i in chunk
                     for g in sorted(((indices[i].get("groups") or {}).get(gv) or {}).values(),
                                     key=lambda g: value_key(g.get("code")))]
            sheet = DataSheet([s["grouping"], s["code"], s["group"], s["index"], *tidy_header, s["diff_pp"]], data,
                              [None, 0, None, None, 0, 0, 1, 1, 1, 1])
            sec.blocks.append(Table(f"fav-groups-{part}", title, [top, low], rows,
                                    notes + [self.f("method_min_group", k=self.min_group)], data=sheet))
        fmt_pct = lambda x: fmt.number(x, 0, lang)  # noqa: E731
        heat = partial(figs.heatmap, fmt=fmt_pct, vmin=0, vmax=100, palette="RdYlGn", colorbar_label=s["fav_axis"])
        shown = []
        for gv in group_vars:
            codes = sorted(dict.fromkeys(c for rec in indices.values() for c in (rec.get("groups") or {}).get(gv) or {}),
                           key=value_key)
            if not codes:
                continue
            cols = [s["all"]] + [self._fav_group_label(indices, names, gv, c) for c in codes]
            shown.append((gv, codes, cols))
        if shown:  # the HR heatmaps: index x unit and item x unit, for the first grouping variable
            gv, codes, cols = shown[0]
            group = self.label(gv)
            matrix = [[as_float(rec.get("pct_favourable"))] + [as_float(get(rec, "groups", gv, c, "pct_favourable"))
                                                                for c in codes] for rec in indices.values()]
            draw = partial(heat, [("", [rec.get("label") or self.label(i) for i, rec in indices.items()])], cols, matrix,
                           first_apart=True)
            sec.blocks.append(Figure(f"fav-{slug(gv)}", self.f("fav_fig", group=group.lower()), draw))
            blocks, matrix = [], []
            for iid, rec in indices.items():
                members = [i for i in rec.get("items") or [] if i in items]
                if not members:
                    continue
                blocks.append((rec.get("label") or self.label(iid),
                               [self.label(i) + (f" {s['reversed']}" if items[i].get("reversed") else "") for i in members]))
                matrix += [[as_float(items[i].get("pct_favourable"))]
                           + [as_float(get(items[i], "groups", gv, c, "pct_favourable")) for c in codes] for i in members]
            if matrix:
                draw = partial(heat, blocks, cols, matrix, first_apart=True)
                sec.blocks.append(Figure(f"fav-items-{slug(gv)}", self.f("fav_items_fig", group=group.lower()), draw))
        if len(shown) > 1:  # every grouping variable in one picture: its groups as rows, under its name
            blocks = [("", [s["all"]])] + [(self.label(gv), cols[1:]) for gv, _, cols in shown]
            matrix = [[as_float(rec.get("pct_favourable")) for rec in indices.values()]]
            matrix += [[as_float(get(rec, "groups", gv, c, "pct_favourable")) for rec in indices.values()]
                       for gv, codes, _ in shown for c in codes]
            draw = partial(heat, blocks, [rec.get("label") or self.label(i) for i, rec in indices.items()], matrix)
            sec.blocks.append(Figure("fav-all", s["fav_fig_all"], draw))
        return sec

    def _fav_cells(self, rec: dict) -> list[Cell]:
        lang = self.lang
        return [num(rec.get("n"), fmt.integer, lang), num(rec.get("pct_favourable"), fmt.pct, lang),
                num(rec.get("pct_neutral"), fmt.pct, lang), num(rec.get("pct_unfavourable"), fmt.pct, lang)]

    def _fav_group_label(self, indices: dict, names: list[str], gv: str, code: str) -> str:
        for i in names:
            label = get(indices[i], "groups", gv, code, "label")
            if label is not None:
                return str(label)
        return self.q.code_label(gv, code, self.lang)

    def _favourable_notes(self, fav: dict) -> list[str]:
        """What counts as favourable, from the questionnaire's own scales (only those the indices use)."""
        used = list(dict.fromkeys(rec.get("scale") for rec in {**(fav.get("items") or {}),
                                                                 **(fav.get("indices") or {})}.values()))
        lang = self.lang
        parts = []
        for sid in used:
            sc = (fav.get("scales") or {}).get(sid)
            if not sc:
                continue
            scale = self.q.scales.get(sid)
            labels = {}
            if scale is not None:
                labels = scale.labels.get(lang) or scale.labels.get("en") or scale.labels.get("nb") or {}

            def values(vs: list) -> str:
                text = fmt.value_list(vs, lang)
                named = [str(labels[v]) for v in vs if v in labels]
                return f"{text} ({', '.join(named)})" if named and len(named) == len(vs) else text

            parts.append(self.f("fav_scale_note", lo=sc.get("min"), hi=sc.get("max"), fav=values(sc.get("favourable") or []),
                                neu=values(sc.get("neutral") or []) if sc.get("neutral") else self.s["none"],
                                unf=values(sc.get("unfavourable") or [])))
        parts = list(dict.fromkeys(parts))  # two scales with the same values and codes: one sentence
        return [" ".join(parts) + " " + self.s["fav_pool_note"]] if parts else [self.s["fav_pool_note"]]
