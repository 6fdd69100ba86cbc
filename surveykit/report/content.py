"""The report's content: sections of paragraphs, numbered tables and figures, built from ``results``.

This module decides what the report shows and how each number is displayed; it computes nothing
statistical. The same :class:`Table` objects feed the HTML (their ``text``) and the Excel workbook (their
``value``: the unrounded number behind each cell), so the two outputs never disagree.

Every key of ``results`` is optional here: a missing or empty part simply leaves its section out.
"""

from __future__ import annotations

import re
from typing import Any

from surveykit.spec.elements import text_in
from surveykit.spec.questionnaire import Questionnaire

from . import format as fmt
from .cells import general, get, head, num, slug, txt
from .document import Bullets, DataSheet, Document, Figure, Heading, Paragraph, Row, Section, Table
from .i18n import strings
from .sections_cfa import CFASections
from .sections_compare import CompareSections
from .sections_favourable import FavourableSections
from .sections_inference import InferenceSections
from .sections_measure import MeasureSections
from .sections_model import ModelSections
from .sections_organisation import OrganisationSections
from .sections_summary import SummarySections

# The report shows at most this many answers to a free-text question (a random selection, said so);
# tables.xlsx holds them all: at 1,000,000 respondents the comments would be most of report.html.
MAX_ANSWERS_SHOWN = 1000
# a plan label beginning with the source's table or figure number: "Table 11: ...", "Tabell 5. ..."
SOURCE_NUMBER = re.compile(r"^\s*(?:table|tabell|tab\.)\s*(?P<number>\d+[a-z]?)\s*[:.\u2013\u2014-]\s*(?P<title>.+)$",
                           re.IGNORECASE | re.DOTALL)


# ------------------------------------------------------------------------------------------ builder
class Builder(SummarySections, CompareSections, FavourableSections, MeasureSections, ModelSections, CFASections,
              InferenceSections, OrganisationSections):
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
        """The variable's label; an item declared reverse-keyed (shown in keyed direction) is marked so."""
        item = self.q.item_map.get(var)
        suffix = f" {self.s['reversed']}" if item is not None and item.reverse else ""
        return self.q.label_of(var, self.lang) + suffix

    def plan_label(self, plans: list, plan_id: str, record: dict | None = None) -> str:
        """The label of an analysis plan: from results (written in the run's language), else the YAML.

        A label that starts with the source's own table number ("Table 11: Goals by gender") is shown
        as "Goals by gender (Table 11 in the source)": the report numbers its tables itself, and two
        numbers in one caption read as a glitch."""
        label = None
        if isinstance(record, dict) and record.get("label"):
            label = str(record["label"])
        else:
            for plan in plans:
                if plan.id == plan_id and plan.label is not None:
                    label = text_in(plan.label, self.lang, plan_id)
                    break
        if label is None:
            return str(plan_id)
        match = SOURCE_NUMBER.match(label)
        if match:
            return self.f("source_table", title=match.group("title").strip(), number=match.group("number"))
        return label

    def term_label(self, term: str) -> str:
        if term in ("(Intercept)", "const"):
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
            self.summary(), self.sample(), self.response_rates(), self.method(), self.descriptives(),
            self.factor_analyses(), self.reliability(),
            self.ordinal_measures(), self.confirmatory(),  # report/sections_cfa.py
            self.comparisons(), self.crosstabs(), self.correlations(),
            self.regressions(), self.favourable(), self.engagement(), self.waves(), self.drivers(),  # organisation
            self.multiple_testing(), self.weighting(), self.clustering(),  # sections_inference.py
            self.confidentiality(), self.skipped(), self.replication(), self.free_texts(),
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
            data_file=str(get(self.r, "data", "file", default="") or ""),
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
                rows.append(Row([txt(""), txt(str(c.get("label", cat))), num(c.get("n"), fmt.integer, lang),
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
        data = []
        for var, info in sample.items():
            name = info.get("label") or self.label(var)
            data += [[name, c.get("code"), cat, c.get("n"), c.get("pct")] for cat, c in (info.get("counts") or {}).items()]
            if info.get("n_hidden"):  # as in the HTML: hidden groups only together, and never fewer than K
                data.append([name, None, self.s["sample_hidden"], info["n_hidden"], 100.0 * info["n_hidden"] / info["n"]])
            n_missing = info.get("n_missing", info.get("n_missing_or_hidden"))
            if n_missing:
                key = "sample_missing" if "n_missing" in info else "sample_missing_or_hidden"
                data.append([name, None, self.s[key], n_missing, None])
        sheet = DataSheet([self.s["variable"], self.s["code"], self.s["category"], "n", "%"], data,
                          [None, 0, None, 0, 1])
        sec.blocks.append(Table("sample", self.s["sample_title"], header, rows,
                                [self.f("method_min_group", k=self.min_group)], data=sheet))
        return sec

    def _non_substantive_lines(self, md: dict) -> list[str]:
        """The sentence on 'don't know' answers, from the questionnaire's declared codes and the counts."""
        n = sum(v for per in (md.get("non_substantive") or {}).values() for v in per.values() if fmt.is_number(v))
        declared = {code: text_in(label, self.lang) for scale in self.q.scales.values()
                    for code, label in scale.non_substantive.items()}
        if not n or not declared:
            return []
        labels = list(dict.fromkeys(declared.values()))
        return [self.f("method_non_substantive", n=fmt.integer(n, self.lang), labels="», «".join(labels)
                       if self.lang == "nb" else "', '".join(labels), codes=", ".join(map(str, sorted(declared))),
                       first=labels[0].lower())]

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
        lines += self._non_substantive_lines(md)
        reverse = [self.q.label_of(i.id, self.lang) for i in self.q.items if i.reverse]
        if reverse:
            lines.append(self.f("method_reversed", items="; ".join(reverse)))
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
    def confidentiality(self) -> Section:
        s = self.s
        sec = Section("confidentiality", s["sec_confidentiality"])
        suppressed = self.r.get("suppressed") or []
        seen, rows = set(), []
        for e in suppressed:
            key = (str(e.get("variable")), str(e.get("group")), str(e.get("where", "")), str(e.get("action")))
            if key in seen:
                continue
            seen.add(key)
            var = e.get("variable")
            group = e.get("group")
            codes = group if isinstance(group, list) else [group]
            group_text = " + ".join(self.q.code_label(var, g, self.lang) if var and self.q.codes_of(var) else str(g)
                                    for g in codes)
            where = e.get("where")
            where_text = ", ".join(map(str, where)) if isinstance(where, (list, tuple)) else str(where or "")
            if where_text == "all tables, figures and tests":
                where_text = s["conf_everywhere"]
            elif e.get("outcome"):
                where_text = self.f("conf_outcome", outcome=self.label(e["outcome"]))
            elif where_text.startswith(("regression ", "comparison ")):
                where_text = self.analysis_name(where_text)
            reason = str(e.get("reason") or "")
            if "alone or by difference with a linked" in reason:
                reason = self.f("conf_lt_linked", k=self.min_group)
            elif " in regression " in reason:
                reason = self.f("conf_lt_regression", k=self.min_group)
            elif " answers on " in reason:
                reason = self.f("conf_lt_outcome", k=self.min_group)
            elif not reason or reason.startswith("fewer than"):
                reason = self.f("conf_lt", k=self.min_group)
            elif reason.startswith("complementary"):
                reason = s["conf_complementary"]
            action = s["conf_merged"] if e.get("action") == "merged" else s["conf_hidden"]
            rows.append(Row([txt(self.label(var) if var else "", "label"), txt(group_text), txt(action),
                             txt(where_text), txt(reason)]))
        if not rows:
            sec.blocks.append(Paragraph(self.f("method_min_group", k=self.min_group) + " " + s["conf_none"]))
            return sec
        sec.blocks.append(Paragraph(self.f("conf_text", k=self.min_group)))
        sec.blocks.append(Table("suppressed", s["conf_title"], [head(s["variable"], s["group"], s["conf_action"],
                                                                     s["where"], s["conf_size"])],
                                rows))
        return sec

    def analysis_name(self, where: str) -> str:
        """'comparison by_dept' (how results.json names where something happened) as the analysis' label in
        the report's language; anything else as it is."""
        kind, _, rest = where.partition(" ")
        plans = {"comparison": self.q.analysis.comparisons, "regression": self.q.analysis.regressions,
                 "crosstab": self.q.analysis.crosstabs, "cfa": self.q.analysis.cfa}.get(kind)
        if plans is None or not rest:
            return where
        plan_id, _, extra = rest.partition(" ")
        name = self.f(f"where_{kind}", name=self.plan_label(plans, plan_id))
        return name + (f" ({self.s['where_invariance']})" if extra == "invariance" else "")

    def skipped(self) -> Section:
        """Analyses of the plan that could not be run: never dropped silently. The reason is the computation's
        message (English; results.json keeps it stable)."""
        s = self.s
        sec = Section("skipped", s["sec_skipped"])
        rows = []
        for e in self.r.get("skipped") or []:
            parts = [self.label(e[k]) for k in ("outcome", "group_var", "row", "col") if e.get(k)]
            rows.append(Row([txt(self.analysis_name(str(e.get("where") or "")), "label"), txt(" × ".join(parts)),
                             txt(str(e.get("reason") or ""))]))
        if rows:
            sec.blocks.append(Paragraph(s["skipped_text"]))
            sec.blocks.append(Table("skipped", s["skipped_title"], [head(s["skipped_analysis"], s["variable"],
                                                                         s["skipped_reason"])], rows))
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
                             num(e.get("published"), general, lang), num(e.get("reproduced"), general, lang),
                             num(e.get("difference"), general, lang), num(e.get("tolerance"), general, lang),
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
            if not answers:
                sec.blocks.append(Paragraph(self.s["no_answers"], "muted"))
                continue
            if len(answers) > MAX_ANSWERS_SHOWN:  # already shuffled: the first ones are a random selection
                sec.blocks.append(Paragraph(self.f("answers_selection", shown=fmt.integer(MAX_ANSWERS_SHOWN, self.lang),
                                                   n=fmt.integer(len(answers), self.lang)), "muted"))
            sec.blocks.append(Bullets(answers[:MAX_ANSWERS_SHOWN], "answers", title=self.label(qid),
                                      sheet_items=answers if len(answers) > MAX_ANSWERS_SHOWN else None))
        return sec


def build_document(results: dict, q: Questionnaire, lang: str = "nb", free_text: dict | None = None) -> Document:
    return Builder(results, q, lang, free_text).build()
