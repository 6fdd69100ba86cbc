"""The report section of analysis (h), the survey ↔ scorecard link: who was linked, ICC(1)/ICC(2) of each
index by office, every index × indicator correlation, the regression of the outcome on the index means, the
office table and a scatter figure. Formats results.json['survey_link']; computes nothing statistical.
"""

from __future__ import annotations

from surveykit.report import format as fmt
from surveykit.report.content import Paragraph, Row, Section, txt

from . import figures as figs
from .spec import text_in
from .survey_side import load_unit_tree, office_names

TEXTS = {
    "en": {
        "sec_link": "Employee survey and scorecard",
        "link_intro": "{n} respondents answered the survey ({office_var} gives the office). {offices} offices were "
                      "surveyed; {below} offices with fewer than {k} respondents ({n_below} respondents) are left out "
                      "of every table below. {linked} offices have both a survey mean and a scorecard row{no_row}.",
        "link_no_row": "; {m} offices with enough respondents have no scorecard row ({n_no_row} respondents: {codes})",
        "link_no_office": " {n} respondents have no office and are not counted in any office.",
        "link_icc": "Index scores by office: ICC(1) and ICC(2) (offices with at least {k} respondents)",
        "link_icc_note": "ICC(1): the share of the variance of individual scores that lies between offices; ICC(2): "
                         "the reliability of an office mean (Bliese 2000), unbalanced offices with the adjusted group "
                         "size k. An office mean is a meaningful office property when ICC(2) is high (about .70 or more).",
        "index": "Index", "respondents": "Respondents", "offices": "Offices", "k": "k",
        "link_corr": "Office means of each index against the scorecard indicators",
        "link_corr_note": "One office per observation (n offices); r is Pearson's with a Fisher-z {conf} CI.",
        "link_model": "OLS regression of {outcome} on the office means of the indices",
        "link_model_note": "R² = {r2}, adjusted R² = {adj}, {ftest}, {p}, n = {n} offices.",
        "link_offices": "Offices: respondents, index means and indicators",
        "link_ids": "Indicators by their id (see the indicator table).",
        "office": "Office", "intercept": "(intercept)",
        "link_scatter": "{outcome} against the office mean of each index (one point per office, OLS line)",
    },
    "nb": {
        "sec_link": "Medarbeiderundersøkelse og målekort",
        "link_intro": "{n} svarte på undersøkelsen ({office_var} angir kontoret). {offices} kontor var med; {below} "
                      "kontor med færre enn {k} svar ({n_below} svar) er utelatt fra alle tabellene under. {linked} "
                      "kontor har både et gjennomsnitt fra undersøkelsen og en rad i målekortet{no_row}.",
        "link_no_row": "; {m} kontor med nok svar har ingen rad i målekortet ({n_no_row} svar: {codes})",
        "link_no_office": " {n} svar mangler kontor og telles ikke i noe kontor.",
        "link_icc": "Indeksskår etter kontor: ICC(1) og ICC(2) (kontor med minst {k} svar)",
        "link_icc_note": "ICC(1): andelen av variansen i individenes skår som ligger mellom kontorene; ICC(2): "
                         "reliabiliteten til et kontorgjennomsnitt (Bliese 2000), med justert gruppestørrelse k for "
                         "ulike kontorstørrelser. Et kontorgjennomsnitt er en meningsfull egenskap ved kontoret når "
                         "ICC(2) er høy (om lag ,70 eller mer).",
        "index": "Indeks", "respondents": "Svar", "offices": "Kontor",
        "link_corr": "Kontorgjennomsnitt for hver indeks mot målekortets indikatorer",
        "link_corr_note": "Ett kontor per observasjon (n kontor); r er Pearsons med {conf} KI (Fisher-z).",
        "link_model": "OLS-regresjon av {outcome} på kontorgjennomsnittene for indeksene",
        "link_model_note": "R² = {r2}, justert R² = {adj}, {ftest}, {p}, n = {n} kontor.",
        "link_offices": "Kontorene: antall svar, indeksgjennomsnitt og indikatorer",
        "link_ids": "Indikatorene med sin ID (se indikatortabellen).",
        "office": "Kontor", "intercept": "(konstant)",
        "link_scatter": "{outcome} mot kontorgjennomsnittet for hver indeks (ett punkt per kontor, OLS-linje)",
    },
}


def survey_link_section(b) -> None:
    """Append the (h) section to the scorecard report's builder ``b`` (surveykit.scorecard.report._Builder)."""
    L, s = b.lang, b.r["survey_link"]
    t = {**b.t, **TEXTS["en"], **TEXTS[L]}
    k = s["min_group_size"]
    labels = {i: text_in(lab, L, i) for i, lab in (s.get("index_labels") or {}).items()}
    conf = fmt.number(b.card.analyses.confidence * 100, 0, L) + " %"
    no_row = ""
    if s["offices_without_scorecard"]:
        no_row = t["link_no_row"].format(m=len(s["offices_without_scorecard"]), n_no_row=s["n_respondents_without_scorecard"],
                                         codes=", ".join(s["offices_without_scorecard"]))
    intro = t["link_intro"].format(n=s["n_respondents"], office_var=s["office_variable"], offices=s["n_offices_surveyed"],
                                   below=s["n_offices_below_minimum"], k=k, n_below=s["n_respondents_below_minimum"],
                                   linked=s["n_offices_linked"], no_row=no_row)
    if s["n_without_office"]:
        intro += t["link_no_office"].format(n=s["n_without_office"])
    blocks = [Paragraph(intro)]
    rows = [Row([txt(labels.get(r["index"], r["index"]), "label"), b.n(r["n"], fmt.integer), b.n(r["n_clusters"], fmt.integer),
                 b.n(r["k"], fmt.stat), txt(fmt.f_test(r["f"], r["df_between"], r["df_within"], L), "num"),
                 b.n(r["p"], fmt.p_value), b.n(r["icc1"], fmt.bounded), b.n(r["icc2"], fmt.bounded)]) for r in s["icc"]]
    blocks.append(b.table("link-icc", t["link_icc"].format(k=k),
                          [t["index"], t["respondents"], t["offices"], "k", "F", "p", "ICC(1)", "ICC(2)"], rows,
                          [t["link_icc_note"]]))
    rows = [Row([txt(labels.get(r["index"], r["index"]), "label"), txt(b.label(r["indicator"]), "label"),
                 b.n(r.get("r"), fmt.bounded),
                 txt(f"[{fmt.bounded(r['ci_low'], 2, L)}, {fmt.bounded(r['ci_high'], 2, L)}]"
                     if fmt.is_number(r.get("ci_low")) else "", "num"),
                 b.n(r.get("p"), fmt.p_value), b.n(r["n"], fmt.integer)]) for r in s["correlations"]]
    blocks.append(b.table("link-correlations", t["link_corr"], [t["index"], t["indicator"], "r", t["ci"], "p", "n"],
                          rows, [t["link_corr_note"].format(conf=conf)]))
    m = s.get("model")
    outcome = s.get("outcome")
    if m is not None:
        names_ = {**labels, "(intercept)": t["intercept"]}
        rows = [Row([txt(names_.get(term, term), "label"), b.n(c["b"], fmt.stat), b.n(c["se"], fmt.stat),
                     b.n(c["beta"], fmt.bounded), b.n(c["t"], fmt.stat), b.n(c["p"], fmt.p_value)])
                for term, c in m["coefficients"].items()]
        note = t["link_model_note"].format(r2=fmt.bounded(m["r2"], 3, L), adj=fmt.bounded(m["adj_r2"], 3, L),
                                           ftest=fmt.f_test(m["f"], m["df_model"], m["df_resid"], L),
                                           p=fmt.p_text(m["f_p"], L), n=m["n"])
        blocks.append(b.table("link-model", t["link_model"].format(outcome=b.label(outcome)),
                              [t["term"], "B", "SE", "Beta", "t", "p"], rows, [note]))
    names = office_names(b.card, load_unit_tree(b.card), L)
    indices, indicators = s["indices"], s["indicators"]
    rows = [Row([txt(f'{o["office"]} {names[o["office"]]}' if o["office"] in names else o["office"], "label"),
                 b.n(o["n_respondents"], fmt.integer),
                 *[b.n(o.get(i), fmt.mean) for i in indices], *[b.n(o.get(c), _indicator_value(b.card, c)) for c in indicators]])
            for o in s["offices"]]
    blocks.append(b.table("link-offices", t["link_offices"],
                          [t["office"], t["respondents"], *[labels.get(i, i) for i in indices],
                           *indicators], rows, [t["link_ids"]]))
    if outcome is not None:
        panels = []
        corr = {r["index"]: r for r in s["correlations"] if r["indicator"] == outcome}
        for i in indices:
            c = corr.get(i, {})
            note = f"r = {fmt.bounded(c.get('r'), 3, L)}, n = {c.get('n')}" if fmt.is_number(c.get("r")) else ""
            panels.append((labels.get(i, i), [o.get(i) for o in s["offices"]], [o.get(outcome) for o in s["offices"]], note))
        blocks.append(b.figure("link-scatter", t["link_scatter"].format(outcome=b.label(outcome)),
                               lambda: figs.scatter_grid(panels, b.label(outcome), lambda x: fmt.number(x, 1, L, thousands=False),
                                                         ncols=min(len(panels), 3))))
    b.sections.append(Section("survey-link", t["sec_link"], blocks))


def _indicator_value(card, ind_id: str):
    """Percentages with one decimal, counts as given (whole, or one decimal)."""
    ind = card.indicator_map.get(ind_id)

    def show(x, lang="en"):
        if ind is not None and ind.unit == "percent":
            return fmt.number(x, 1, lang)
        return fmt.number(x, 0 if float(x).is_integer() else 1, lang)
    return show
