"""The report's content: sections of paragraphs, numbered tables and figures, built from ``results``.

This module decides what the report shows and how each number is displayed; it computes nothing
statistical. The same :class:`Table` objects feed the HTML (their ``text``) and the Excel workbook (their
``value``: the unrounded number behind each cell), so the two outputs never disagree.

Every key of ``results`` is optional here: a missing or empty part simply leaves its section out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from surveykit.spec.questionnaire import Questionnaire, text_in

from . import figures as figs
from . import format as fmt
from .i18n import strings


# ------------------------------------------------------------------------------------------- model
@dataclass
class Cell:
    text: str = ""
    value: Any = None  # the number behind the text (written to Excel); None for a text cell
    css: str = ""
    colspan: int = 1


@dataclass
class Row:
    cells: list[Cell]
    css: str = ""


@dataclass
class Table:
    key: str
    title: str
    header: list[list[Cell]]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    number: int = 0
    kind: str = "table"


@dataclass
class Figure:
    """A figure; ``draw`` makes the image, on first use (building a document without its images is cheap)."""

    key: str
    title: str
    draw: Callable[[], figs.Rendered] = field(repr=False)
    notes: list[str] = field(default_factory=list)
    number: int = 0
    kind: str = "figure"
    _image: figs.Rendered | None = field(default=None, repr=False)

    @property
    def image(self) -> figs.Rendered:
        if self._image is None:
            self._image = self.draw()
        return self._image


@dataclass
class Paragraph:
    text: str
    css: str = ""
    kind: str = "p"


@dataclass
class Heading:
    text: str
    anchor: str
    kind: str = "h3"


@dataclass
class Bullets:
    items: list[str]
    css: str = ""
    kind: str = "ul"


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    lang: str
    title: str
    citation: str
    n: int | None
    synthetic: bool
    data_file: str
    version: str
    sections: list[Section]
    s: dict[str, str]

    @property
    def tables(self) -> list[Table]:
        return [b for sec in self.sections for b in sec.blocks if isinstance(b, Table)]

    @property
    def figures(self) -> list[Figure]:
        return [b for sec in self.sections for b in sec.blocks if isinstance(b, Figure)]


# ------------------------------------------------------------------------------------ cell helpers
def slug(text: str) -> str:
    """A safe file/anchor name: letters, digits, '-' and '_' only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-") or "x"


def txt(text: Any, css: str = "", colspan: int = 1) -> Cell:
    return Cell("" if text is None else str(text), None, css, colspan)


def num(value: Any, formatter, lang: str, css: str = "num", suffix: str = "") -> Cell:
    """A numeric cell: display text from ``formatter`` and the raw value for Excel."""
    if not fmt.is_number(value):
        return Cell("", None, css)
    return Cell(formatter(value, lang=lang) + suffix, value, css)


def head(*labels: Any) -> list[Cell]:
    return [label if isinstance(label, Cell) else txt(label) for label in labels]


def _get(d: Any, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def _as_float(x: Any) -> float | None:
    return float(x) if fmt.is_number(x) else None


def _value_key(key: Any) -> float:
    try:
        return float(key)
    except (TypeError, ValueError):
        return math.inf


def _value_text(key: Any) -> str:
    v = _value_key(key)
    return str(int(v)) if math.isfinite(v) and v == int(v) else str(key)


# ------------------------------------------------------------------------------------------ builder
class Builder:
    """Builds a :class:`Document` from results, the questionnaire and optional free-text answers."""

    def __init__(self, results: dict, q: Questionnaire, lang: str, free_text: dict | None):
        self.r = results
        self.q = q
        self.lang = lang
        self.s = strings(lang)
        self.free_text = free_text or {}
        self.settings = results.get("settings") or {}
        self.min_group = self.settings.get("min_group_size", q.analysis.min_group_size)

    # small helpers -------------------------------------------------------------------------
    def label(self, var: str) -> str:
        return self.q.label_of(var, self.lang)

    def plan_label(self, plans: list, plan_id: str, record: dict | None = None) -> str:
        """The label of an analysis plan: from results (written in the run's language), else the YAML."""
        if isinstance(record, dict) and record.get("label"):
            return str(record["label"])
        for plan in plans:
            if plan.id == plan_id and plan.label is not None:
                return text_in(plan.label, self.lang, plan_id)
        return str(plan_id)

    def term_label(self, term: str) -> str:
        if term == "const":
            return self.s["const"]
        if "=" in term:
            var, code = term.split("=", 1)
            return f"{self.label(var)}: {self.q.code_label(var, code, self.lang)}"
        return self.label(term)

    def f(self, key: str, **kw) -> str:
        return self.s[key].format(**kw)

    def b(self, x: Any, decimals: int = 3) -> str:
        return fmt.bounded(x, decimals, self.lang)

    # document --------------------------------------------------------------------------------
    def build(self) -> Document:
        sections = [
            self.sample(), self.method(), self.descriptives(), self.factor_analyses(), self.reliability(),
            self.comparisons(), self.crosstabs(), self.correlations(), self.regressions(), self.favourable(),
            self.confidentiality(), self.replication(), self.free_texts(),
        ]
        sections = [s for s in sections if s is not None and s.blocks]
        table_no = figure_no = 0
        for sec in sections:
            for block in sec.blocks:
                if isinstance(block, Table):
                    table_no += 1
                    block.number = table_no
                elif isinstance(block, Figure):
                    figure_no += 1
                    block.number = figure_no
        meta = self.r.get("questionnaire") or {}
        title = meta.get("title")
        if isinstance(title, dict) or title is None:
            title = text_in(title if title is not None else self.q.meta.title, self.lang, self.q.meta.id)
        return Document(
            lang=self.lang,
            title=str(title),
            citation=str(meta.get("citation") or self.q.meta.citation or ""),
            n=self.r.get("n_respondents"),
            synthetic=bool(meta.get("synthetic", False)),
            data_file=str(_get(self.r, "data", "file", default="") or ""),
            version=str(self.r.get("surveykit_version", "")),
            sections=sections,
            s=self.s,
        )

    # sample ----------------------------------------------------------------------------------
    def sample(self) -> Section:
        sec = Section("sample", self.s["sec_sample"])
        sample = self.r.get("sample") or {}
        if not sample:
            return sec
        lang = self.lang
        rows: list[Row] = []
        for var, info in sample.items():
            rows.append(Row([txt(info.get("label") or self.label(var), "label", 2),
                             num(info.get("n"), fmt.integer, lang), txt("")], "group-head"))
            for cat, c in (info.get("counts") or {}).items():
                rows.append(Row([txt(""), txt(cat), num(c.get("n"), fmt.integer, lang),
                                 num(c.get("pct"), fmt.pct, lang)]))
            n_hidden = info.get("n_hidden")
            if n_hidden:  # hidden groups together (never fewer than the minimum group size)
                rows.append(Row([txt(""), txt(self.s["sample_hidden"], "muted"), num(n_hidden, fmt.integer, lang),
                                 num(100.0 * n_hidden / info["n"], fmt.pct, lang)]))
            n_missing = info.get("n_missing", info.get("n_missing_or_hidden"))
            if n_missing:
                key = "sample_missing" if "n_missing" in info else "sample_missing_or_hidden"
                rows.append(Row([txt(""), txt(self.s[key], "muted"), num(n_missing, fmt.integer, lang), txt("")]))
        header = [head(self.s["variable"], self.s["category"], self.s["n_lower"], self.s["pct"])]
        sec.blocks.append(Table("sample", self.s["sample_title"], header, rows,
                                [self.f("method_min_group", k=self.min_group)]))
        return sec

    # method ----------------------------------------------------------------------------------
    def method(self) -> Section:
        sec = Section("method", self.s["sec_method"])
        s, lang = self.s, self.lang
        lines = []
        if fmt.is_number(self.r.get("n_respondents")):
            lines.append(self.f("method_n", n=fmt.integer(self.r["n_respondents"], lang)))
        md = self.r.get("missing_data") or {}
        n_codes = sum(v for v in (md.get("missing_codes") or {}).values() if fmt.is_number(v))
        if n_codes:
            lines.append(self.f("method_missing_codes", n=fmt.integer(n_codes, lang)))
        n_range = sum(v for v in (md.get("out_of_range_set_missing") or {}).values() if fmt.is_number(v))
        if n_range:
            lines.append(self.f("method_out_of_range", n=fmt.integer(n_range, lang)))
        rule = md.get("rule") or self.settings.get("missing") or self.q.analysis.missing
        lines.append(self.f("method_missing_rule", rule=s.get(rule, rule)))
        alpha = self.settings.get("alpha", self.q.analysis.alpha)
        lines.append(self.f("method_alpha", alpha=self.b(alpha, 2 if round(alpha, 2) == alpha else 3)))
        lines.append(self.f("method_min_group", k=self.min_group))
        sec.blocks.append(Paragraph(" ".join(lines)))

        plans = {p.id: p for p in self.q.analysis.factor_analyses}
        for fa_id, fa in (self.r.get("factor_analyses") or {}).items():
            plan = plans.get(fa_id)
            wanted = plan.n_factors if plan is not None else None
            rule_key = ("rule_kaiser" if wanted in (None, "kaiser") else
                        "rule_parallel" if wanted == "parallel" else "rule_fixed")
            sec.blocks.append(Paragraph(self.f(
                "method_fa", id=self.plan_label(self.q.analysis.factor_analyses, fa_id, fa),
                extraction=s.get(f"extraction_{fa.get('extraction')}", str(fa.get("extraction"))),
                rotation=s.get(f"rotation_{fa.get('rotation')}", str(fa.get("rotation"))),
                k=fa.get("n_factors", ""), rule=s[rule_key],
                cutoff=self.b(fa.get("loading_cutoff", plan.loading_cutoff if plan else 0.1), 2),
            )))
        if self.r.get("indices") or self.r.get("reliability"):
            sec.blocks.append(Paragraph(s["method_reliability"]))
        if self.r.get("comparisons"):
            posthoc = self.settings.get("posthoc") or self.q.analysis.posthoc
            sec.blocks.append(Paragraph(self.f("method_compare", posthoc=s.get(f"posthoc_{posthoc}", posthoc))))
        if self.r.get("regressions"):
            sec.blocks.append(Paragraph(s["method_regression"]))
        recodes = md.get("recodes") or []
        if recodes:
            items = [f"{self.label(rc.get('id'))} ({rc.get('id')}, {rc.get('type')}): "
                     f"{s['n']} = {fmt.integer(rc.get('n_valid'), lang)}, "
                     f"{s['missing'].lower()} = {fmt.integer(rc.get('n_missing'), lang)}" for rc in recodes]
            sec.blocks.append(Paragraph(s["method_recodes"] + ":", "lead-in"))
            sec.blocks.append(Bullets(items))
        return sec

    # descriptives ----------------------------------------------------------------------------
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
            values = sorted({k for v in likert for k in desc[v]["pct"]}, key=_value_key)
            labels = self._value_labels(likert[0], values)
            header = [head(s["item"], s["n"], s["mean"], s["sd"], *[f"{_value_text(k)} %" for k in values],
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
            legend = "; ".join(f"{_value_text(k)} = {lab}" for k, lab in zip(values, labels) if lab != _value_text(k))
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
            v = _value_key(k)
            key = int(v) if math.isfinite(v) and v == int(v) else None
            out.append(str(labels.get(key, _value_text(k))) if key is not None else _value_text(k))
        return out

    # factor analysis -------------------------------------------------------------------------
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
                and abs(fa["determinant"]) >= 1e-4 else _sci(fa.get("determinant"), lang),
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
            par = _get(fa, "parallel", "p95") or []
            varp, cum = fa.get("variance_pct") or [], fa.get("cumulative_pct") or []
            cols = [s["factor"], s["eigenvalue"], s["pct_variance"], s["cum_pct"]] + ([s["parallel_p95"]] if par else [])
            rows = []
            for i, e in enumerate(eig):
                cells = [txt(i + 1), num(e, fmt.stat, lang), num(_at(varp, i), fmt.pct, lang),
                         num(_at(cum, i), fmt.pct, lang)]
                if par:
                    cells.append(num(_at(par, i), fmt.stat, lang))
                rows.append(Row(cells, "retained" if i < (fa.get("n_factors") or 0) else ""))
            if rows:
                sec.blocks.append(Table(f"fa-eigen-{slug(fa_id)}", self.f("fa_eigen_title", id=name), [head(*cols)], rows))
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
        order = _sorted_items(loadings)
        comm = fa.get("communalities") or {}
        rows = []
        for item in order:
            cells = [txt(self.label(item), "label")]
            for j in range(k):
                value = _at(loadings[item], j)
                shown = fmt.is_number(value) and abs(value) >= cutoff
                cells.append(num(value, self._loading, lang, "num strong" if shown and abs(value) >= 0.4 else "num")
                             if shown else Cell("", None, "num"))
            cells.append(num(comm.get(item), fmt.bounded, lang))
            rows.append(Row(cells))
        ss = fa.get("rotated_ss") or []
        if ss:
            rows.append(Row([txt(s["ss_loadings"], "label"), *[num(_at(ss, j), fmt.stat, lang) for j in range(k)],
                             txt("")], "total"))
        header = [head(s["item"], *[f"F{j + 1}" for j in range(k)], "h²")]
        note = self.f("fa_pattern_note",
                      extraction=s.get(f"extraction_{fa.get('extraction')}", str(fa.get("extraction"))).capitalize(),
                      rotation=s.get(f"rotation_{fa.get('rotation')}", str(fa.get("rotation"))),
                      cutoff=self.b(cutoff, 2))
        out = [Table(f"fa-pattern-{slug(fa_id)}", self.f("fa_pattern_title", id=name), header, rows, [note])]
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
            ci_text = f"[{self.b(ci[0])}; {self.b(ci[1])}]" if fmt.is_number(ci[0]) and fmt.is_number(ci[1]) else ""
            cells = [txt(v.get("label") or self.label(sid), "label"), num(len(v.get("items") or []), fmt.integer, lang),
                     num(v.get("n"), fmt.integer, lang), num(v.get("alpha"), fmt.bounded, lang),
                     num(v.get("alpha_std"), fmt.bounded, lang), Cell(ci_text, None, "num"),
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
                name = self.label(item) + (f" {s['reversed']}" if item in reverse else "")
                rows.append(Row([txt(name, "label"), num(itr.get(item), fmt.bounded, lang),
                                 num(_get(v, "alpha_if_deleted", item), fmt.bounded, lang),
                                 txt(", ".join(marks), "flag" if marks else "")], "flagged" if marks else ""))
            title = self.f("rel_items_title", name=v.get("label") or self.label(sid))
            sec.blocks.append(Table(f"rel-items-{slug(sid)}", title,
                                    [head(s["item"], s["item_total"], s["alpha_if_deleted"], s["flags"])], rows))
        return sec

    # comparisons -----------------------------------------------------------------------------
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
                    cells += [num(_get(g, label, "mean"), fmt.mean, lang), num(_get(g, label, "sd"), fmt.sd, lang),
                              num(_get(g, label, "n"), fmt.integer, lang)]
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
                                 txt(_pair_label(pair, "a", e)), txt(_pair_label(pair, "b", e)),
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
            return _as_float(_get(g, label, "mean")), _ci_half(_get(g, label, "sd"), _get(g, label, "n"))

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
                    n, p = row.get(c), _get(row_pct, rlab, c)
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
                        r, p = _get(c, "r", v, w), _get(c, "p", v, w)
                        cells.append(num(r, fmt.bounded, lang, suffix=fmt.stars(p)) if r is not None
                                     else txt(s["suppressed_cell"], "num muted"))
                    elif j == i:
                        cells.append(txt("—", "num muted"))
                    else:
                        cells.append(txt("", "num"))
                rows.append(Row(cells))
            ns = [_get(c, "n", v, w) for i, v in enumerate(variables) for w in variables[:i]]
            ns = [n for n in ns if fmt.is_number(n)]
            n_text = (fmt.integer(min(ns), lang) if min(ns) == max(ns) else
                      f"{fmt.integer(min(ns), lang)}–{fmt.integer(max(ns), lang)}") if ns else ""
            method = s.get(c.get("method") or "pearson", c.get("method") or "")
            notes = [self.f("corr_note", method=method, n=n_text), s["stars_note"]]
            header = [head(s["variable"], *[str(j + 1) for j in range(len(variables))])]
            sec.blocks.append(Table(f"corr-{slug(cid)}", self.f("corr_title", name=name), header, rows, notes))
            if len(variables) < 3:  # a 2 x 2 heatmap would picture the single r in the table above
                continue
            matrix = [[_get(c, "r", v, w) for w in variables] for v in variables]
            draw = partial(figs.heatmap, [("", [f"{i + 1}. {self.label(v)}" for i, v in enumerate(variables)])],
                           [str(j + 1) for j in range(len(variables))], matrix,
                           lambda x: fmt.bounded(x, 2, lang), vmin=-1, vmax=1, palette="RdBu_r")
            sec.blocks.append(Figure(f"corr-{slug(cid)}", self.f("corr_fig", name=name), draw))
        return sec

    # regressions -----------------------------------------------------------------------------
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
                added = _at(blocks, step) if isinstance(step, int) else None
                added_text = ", ".join(self.term_label(t) for t in added) if isinstance(added, list) else ""
                rows.append(Row([txt(_step_no(step)), txt(added_text, "label"), num(st.get("r"), fmt.bounded, lang),
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
                ci = (c.get("ci_low"), c.get("ci_high"))
                ci_text = (f"[{fmt.number(ci[0], 3, lang)}; {fmt.number(ci[1], 3, lang)}]"
                           if fmt.is_number(ci[0]) and fmt.is_number(ci[1]) else "")
                rows.append(Row([txt(_step_no(c.get("step"))), txt(self.term_label(str(c.get("term"))), "label"),
                                 num(c.get("b"), lambda x, lang: fmt.number(x, 3, lang), lang),
                                 num(c.get("se"), lambda x, lang: fmt.number(x, 3, lang), lang),
                                 num(c.get("beta"), fmt.bounded, lang), num(c.get("t"), fmt.stat, lang),
                                 num(c.get("p"), fmt.p_value, lang, suffix=fmt.stars(c.get("p"))),
                                 Cell(ci_text, None, "num")],
                                "final" if c.get("step") == final else ""))
            header = [head(s["step"], s["term"], s["b"], s["se"], s["beta"], s["t"], s["p"], s["ci_b"])]
            sec.blocks.append(Table(f"reg-coef-{slug(rid)}", self.f("reg_coef_title", outcome=outcome), header, rows,
                                    [note, s["stars_note"]]))
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
            if c.get("term") == "const" or not fmt.is_number(beta):
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
                         *[c for u in units for c in (num(_get(per_index, i, u, "pct"), fmt.pct, lang),
                                                      num(_get(per_index, i, u, "n"), fmt.integer, lang))]])
                    for i in indices]
            header = [[txt(self.s["variable"]), *[txt(u, "block", 2) for u in units]],
                      [txt(""), *[c for _ in units for c in (txt(self.s["pct"]), txt(self.s["n_lower"]))]]]
            notes = [self.s["fav_note"]] if thresholds else []
            sec.blocks.append(Table(f"fav-{slug(gv)}", self.f("fav_title", group=group.lower()), header, rows,
                                    notes + [self.f("method_min_group", k=self.min_group)]))
            if not shown:  # the HR heatmap: index x unit, for the first grouping variable (the units)
                matrix = [[_as_float(_get(per_index, i, u, "pct")) for u in units] for i in indices]
                draw = partial(heat, [("", [self.label(i) for i in indices])], units, matrix)
                sec.blocks.append(Figure(f"fav-{slug(gv)}", self.f("fav_fig", group=group.lower()), draw))
            shown.append((gv, indices, units))
        if len(shown) > 1:  # every grouping variable in one picture: its groups as rows, under its name
            indices = list(dict.fromkeys(i for _, idx, _ in shown for i in idx))
            blocks = [(self.label(gv), units) for gv, _, units in shown]
            matrix = [[_as_float(_get(by_group, gv, i, u, "pct")) for i in indices] for gv, _, units in shown
                      for u in units]
            draw = partial(heat, blocks, [self.label(i) for i in indices], matrix)
            sec.blocks.append(Figure("fav-all", self.s["fav_fig_all"], draw))
        return sec

    # confidentiality -------------------------------------------------------------------------
    def confidentiality(self) -> Section:
        s = self.s
        sec = Section("confidentiality", s["sec_confidentiality"])
        suppressed = self.r.get("suppressed") or []
        seen, rows = set(), []
        for e in suppressed:
            key = (str(e.get("variable")), str(e.get("group")), str(e.get("where", "")))
            if key in seen:
                continue
            seen.add(key)
            var = e.get("variable")
            group = e.get("group")
            group_text = self.q.code_label(var, group, self.lang) if var and self.q.codes_of(var) else str(group)
            where = e.get("where")
            where_text = ", ".join(map(str, where)) if isinstance(where, (list, tuple)) else str(where or "")
            reason = str(e.get("reason") or "")
            if not reason or reason.startswith("fewer than"):
                reason = self.f("conf_lt", k=self.min_group)
            elif reason.startswith("complementary"):
                reason = s["conf_complementary"]
            rows.append(Row([txt(self.label(var) if var else "", "label"), txt(group_text), txt(where_text),
                             txt(reason)]))
        if not rows:
            sec.blocks.append(Paragraph(self.f("method_min_group", k=self.min_group) + " " + s["conf_none"]))
            return sec
        sec.blocks.append(Paragraph(self.f("conf_text", k=self.min_group)))
        sec.blocks.append(Table("suppressed", s["conf_title"], [head(s["variable"], s["group"], s["where"], s["conf_size"])],
                                rows))
        return sec

    # replication -----------------------------------------------------------------------------
    def replication(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("replication", s["sec_replication"])
        entries = self.r.get("replication") or []
        if not entries:
            return sec
        within = sum(1 for e in entries if e.get("within") is True)
        sec.blocks.append(Paragraph(self.f("rep_summary", k=within, n=len(entries)), "summary"))
        rows = []
        for e in entries:
            ok = e.get("within")
            mark = "✓" if ok is True else "✗"
            rows.append(Row([txt(e.get("table")), txt(e.get("quantity"), "label"),
                             num(e.get("published"), _general, lang), num(e.get("reproduced"), _general, lang),
                             num(e.get("difference"), _general, lang), num(e.get("tolerance"), _general, lang),
                             txt(mark, "ok" if ok is True else "bad")], "" if ok is True else "flagged"))
        header = [head(s["rep_table"], s["quantity"], s["published"], s["reproduced"], s["difference"], s["tolerance"],
                       s["within"])]
        sec.blocks.append(Table("replication", s["rep_title"], header, rows))
        return sec

    # free text -------------------------------------------------------------------------------
    def free_texts(self) -> Section:
        sec = Section("free-text", self.s["sec_free_text"])
        if not self.free_text:
            return sec
        sec.blocks.append(Paragraph(self.s["free_text_intro"]))
        for qid, answers in self.free_text.items():
            sec.blocks.append(Heading(self.label(qid), f"free-{slug(qid)}"))
            answers = [str(a) for a in answers or [] if a is not None and str(a).strip()]
            sec.blocks.append(Bullets(answers, "answers") if answers else Paragraph(self.s["no_answers"], "muted"))
        return sec


# ------------------------------------------------------------------------------------------ helpers
def _at(seq: Any, i: int) -> Any:
    return seq[i] if isinstance(seq, (list, tuple)) and 0 <= i < len(seq) else None


def _pair_label(pair: dict, side: str, entry: dict) -> str:
    """A post hoc group's label: ``label_a``, else the label whose code is ``group_a``."""
    if pair.get(f"label_{side}") is not None:
        return str(pair[f"label_{side}"])
    group = pair.get(f"group_{side}")
    for label, g in (entry.get("groups") or {}).items():
        if isinstance(g, dict) and str(g.get("code")) == str(group):
            return str(label)
    return "" if group is None else str(group)


def _step_no(step: Any) -> str:
    """Steps are numbered from 0 in results.json and from 1 in the tables."""
    return str(step + 1) if isinstance(step, int) else str(step or "")


def _general(x: float, lang: str) -> str:
    """A number of unknown kind (published values): up to 3 decimals, trailing zeros kept to 2."""
    value = float(x)
    decimals = 3 if value != round(value, 2) else 2
    return fmt.number(value, decimals, lang)


def _sci(x: Any, lang: str) -> str:
    if not fmt.is_number(x):
        return ""
    mantissa, exponent = f"{float(x):.3e}".split("e")
    m = fmt.number(float(mantissa), 3, lang)
    return f"{m} × 10^{int(exponent)}"


def _ci_half(sd: Any, n: Any) -> float | None:
    """Half-width of the 95% CI of a mean: t(.975, n-1) * sd / sqrt(n)."""
    from surveykit.stats.distributions import t_ppf

    if not (fmt.is_number(sd) and fmt.is_number(n)) or n < 2:
        return None
    return float(t_ppf(0.975, n - 1) * sd / math.sqrt(n))


def _sorted_items(loadings: dict[str, list]) -> list[str]:
    """Items grouped by the factor they load highest on, by decreasing |loading| within a factor (SPSS
    'sorted by size')."""

    def key(item: str):
        values = [abs(v) if fmt.is_number(v) else -1.0 for v in loadings[item]]
        top = max(range(len(values)), key=lambda j: values[j])
        return (top, -values[top])

    return sorted(loadings, key=key)


def build_document(results: dict, q: Questionnaire, lang: str = "nb", free_text: dict | None = None) -> Document:
    return Builder(results, q, lang, free_text).build()
