"""The report's opening page: a summary written from the run's own numbers (no new statistics).

Sample and answer rates, the indices with alpha, mean and favourable %, the largest significant group
differences (by effect size r), each regression's R² and what the confidentiality rules hid."""
from __future__ import annotations

from . import format as fmt
from .cells import get, head, num, txt
from .document import Bullets, Paragraph, Row, Section, Table

TOP_DIFFERENCES = 5


class SummarySections:
    """Mixin of :class:`~surveykit.report.content.Builder`: the summary section."""

    def summary(self) -> Section:
        s, lang = self.s, self.lang
        sec = Section("summary", s["sec_summary"])
        n = self.r.get("n_respondents")
        if not fmt.is_number(n):
            return sec
        sentences = [self.f("sum_sample", n=fmt.integer(n, lang))]
        rates = [100.0 * d["n"] / n for d in (self.r.get("descriptives") or {}).values()
                 if d.get("kind") == "item" and fmt.is_number(d.get("n")) and n]
        if rates:
            lo, hi = fmt.pct(min(rates), lang), fmt.pct(max(rates), lang)
            # "between 100.0% and 100.0%" reads as a glitch: one number when both round alike
            sentences.append(self.f("sum_answers", lo=lo, hi=hi) if lo != hi else self.f("sum_answers_same", pct=lo))
        sec.blocks.append(Paragraph(" ".join(sentences)))

        indices = self.r.get("indices") or {}
        fav = get(self.r, "favourable", "indices") or {}
        if indices:
            rows = [Row([txt(v.get("label") or self.label(iid), "label"), num(len(v.get("items") or []), fmt.integer, lang),
                         num(v.get("n_scored"), fmt.integer, lang), num(v.get("alpha"), fmt.bounded, lang),
                         num(v.get("mean"), fmt.mean, lang), num(v.get("sd"), fmt.sd, lang),
                         num(get(fav, iid, "pct_favourable"), fmt.pct, lang),
                         num(get(fav, iid, "pct_unfavourable"), fmt.pct, lang)])
                    for iid, v in indices.items()]
            header = [head(s["scale"], s["n_items"], s["n"], s["alpha"], s["mean"], s["sd"], s["fav_pct"],
                           s["unfav_pct"])]
            sec.blocks.append(Table("summary-indices", s["sum_indices_title"], header, rows, [s["sum_indices_note"]]))

        differences = self._largest_differences()
        if differences:
            sec.blocks.append(Paragraph(self.f("sum_differences", k=len(differences)), "lead-in"))
            sec.blocks.append(Bullets(differences))
        elif self.r.get("comparisons"):
            sec.blocks.append(Paragraph(s["sum_no_differences"]))

        for rid, reg in (self.r.get("regressions") or {}).items():
            steps = [st for st in reg.get("steps") or [] if fmt.is_number(st.get("r2"))]
            if steps:
                last = steps[-1]
                sec.blocks.append(Paragraph(self.f(
                    "sum_regression", outcome=self.label(reg.get("outcome", rid)), r2=self.b(last.get("r2")),
                    adj=self.b(last.get("adj_r2")), n=fmt.integer(reg.get("n"), lang), k=len(steps))))

        entries = self.r.get("suppressed") or []
        if entries:
            sec.blocks.append(Paragraph(self._protection_summary(entries)))
        elif self.q.background:  # "no group had to be hidden" says nothing when the survey has no groups
            sec.blocks.append(Paragraph(self.f("sum_none_suppressed", k=self.min_group)))
        return sec

    def _protection_summary(self, entries: list[dict]) -> str:
        """How many groups were hidden and how many merged (a merge is not a hiding), with singular forms;
        a group protected in several analyses counts once."""
        hidden, merged = set(), set()
        for e in entries:
            group = e.get("group")
            codes = tuple(map(str, group)) if isinstance(group, list) else (str(group),)
            target = merged if e.get("action") == "merged" and len(codes) > 1 else hidden
            target.update((e.get("variable"), code) for code in codes)
        merged -= hidden
        parts = []
        if hidden:
            parts.append(self.s["sum_hidden_one"] if len(hidden) == 1 else self.f("sum_hidden_many", n=len(hidden)))
        if merged:
            parts.append(self.f("sum_merged_many", n=len(merged)))
        variables = sorted({v for v, _ in hidden | merged if v}, key=str)
        return self.f("sum_protected", parts=self.s["and"].join(parts), k=self.min_group,
                      variables=", ".join(self.label(v) for v in variables))

    def _largest_differences(self) -> list[str]:
        """The significant comparisons with the largest effect sizes r, one line each, with the groups
        that have the highest and lowest mean."""
        lang = self.lang
        alpha = self.settings.get("alpha", self.q.analysis.alpha)
        seen, found = set(), []
        for e in self.r.get("comparisons") or []:
            key = (e.get("outcome"), e.get("group"))
            if key in seen or not (fmt.is_number(e.get("p")) and e["p"] < alpha and fmt.is_number(e.get("effect_r"))):
                continue
            seen.add(key)
            found.append(e)
        found.sort(key=lambda e: -e["effect_r"])
        lines = []
        for e in found[:TOP_DIFFERENCES]:
            groups = [(str(g.get("label", key)), g) for key, g in (e.get("groups") or {}).items() if fmt.is_number(g.get("mean"))]
            if len(groups) < 2:
                continue
            high = max(groups, key=lambda x: x[1]["mean"])
            low = min(groups, key=lambda x: x[1]["mean"])
            test = fmt.test_result(e.get("test", ""), e.get("statistic"), e.get("df"), lang)
            lines.append(self.f("sum_difference", outcome=self.label(e["outcome"]), group=self.label(e["group"]).lower(),
                                test=test, p=fmt.p_text(e.get("p"), lang), r=self.b(e.get("effect_r")),
                                high=high[0], high_m=fmt.mean(high[1]["mean"], lang), low=low[0],
                                low_m=fmt.mean(low[1]["mean"], lang)))
        return lines
