"""One report per unit (issue 16): ``units/<code>/report.html``, ``tables.xlsx``, ``results.json`` and
``units/index.html`` linking them, from the records of :mod:`surveykit.pipeline.per_unit`.

Formats only: every number comes from the record (already protected); the document model, the HTML
template and the workbook are the organisation report's (report/document.py, html.py, excel.py).
"""

from __future__ import annotations

import html
import json
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from surveykit import __version__
from surveykit.stats.parallel import WORKERS

from . import format as fmt
from .cells import ci_decimals_cell, head, num, txt
from .document import Bullets, Cell, Document, Heading, Paragraph, Row, Section, Table
from .excel import write_workbook
from .html import render_html
from .i18n import strings
from .sections_organisation import FLAG_MARK

TEXTS = {
    "nb": {
        "unit_title": "{unit} – enhetsrapport", "sec_response": "Svarprosent", "sec_results": "Resultater",
        "sec_trends": "Utvikling over tid", "sec_comments": "Kommentarer", "sec_drivers": "Drivere i hele organisasjonen",
        "sec_protect": "Personvern: hva som er skjult", "response_text":
            "{n} av {headcount} ansatte svarte ({rate}).", "response_no_headcount": "{n} svarte (antall ansatte ukjent).",
        "results_title": "Indekser og påstander: {unit} sammenlignet med {parent} og {org}",
        "results_note": "n = antall svar; snitt på skalaen; gunstig % = andel gunstige svar (for en indeks samlet "
                        "over påstandene). – = ikke vist (færre enn {k} svar, eller skjult for å beskytte en mindre "
                        "enhet; se siste del).",
        "col_n": "n", "col_mean": "Snitt", "col_fav": "Gunstig %", "variable": "Indeks / påstand",
        "trend_title": "Snitt per runde for {unit}", "trend_note": "Bare runder med minst {k} svar vises.",
        "comments_intro": "Svarene vises i tilfeldig rekkefølge og uten bakgrunnsopplysninger, bare når enheten har "
                          "minst {k} svar på spørsmålet.",
        "comments_hidden": "Kommentarene vises ikke: {reason}.", "themes_title": "Tema i kommentarene: {label}",
        "theme": "Tema", "count": "Antall", "drivers_title": "Drivere: {outcome} (hele organisasjonen)",
        "drivers_note": "Beregnet for hele organisasjonen (n = {n}, R² = {r2}); ikke for enheten alene.",
        "weight": "Relativ vekt %", "quadrant": "Kvadrant",
        "protect_intro": "Tall for en enhet vises bare når de bygger på minst {k} svar. Et tall skjules også når "
                         "det ellers kunne regnes ut ved å trekke synlige enheter fra enheten over "
                         "(komplementær skjuling). Ingen tall brytes ned etter bakgrunn.",
        "protect_none": "Ingen tall er skjult i denne rapporten.", "mean": "snitt", "favourable": "gunstig %",
        "index_title": "Enhetsrapporter", "index_intro": "Én rapport per enhet. Enheter med færre enn {k} svar "
                     "(og enheter skjult for å beskytte dem) har ingen rapport; svarene deres teller med i enhetene over.",
        "unit": "Enhet", "level": "Nivå", "parent": "Over", "respondents": "Svar", "rate": "Svarprosent",
        "no_report": "ingen rapport: {reason}", "org_report": "Organisasjonsrapporten",
        "sec_changes": "Endring siden {prev}", "changes_title": "Endring fra {prev} til {curr} for {unit}",
        "changes_note": "Bare indekser og påstander der enheten har minst {k} svar i begge rundene vises.",
        "eng_unit_title": "{label}: {unit} sammenlignet med {parent} og {org}", "index": "indeks", "enps": "eNPS",
        "where": "Enhet",
        "eng_unit_method": "{label}: andelen som svarer positivt ({fav}) på alle påstandene i indeksen {index}, "
                           "blant dem som har svart på alle; Wilsons konfidensintervall.",
        "enps_unit_method": "{label}: eNPS = % ambassadører (9–10) minus % kritikere (0–6) på «{item}» (0–10), "
                            "fra −100 til 100, med justert Wald-intervall (Rocks 2016).",
        "eng_unit_note": "– = ikke vist (færre enn {k} svar, eller skjult for å beskytte en "
                                            "mindre enhet; se siste del).",
    },
    "en": {
        "unit_title": "{unit} – unit report", "sec_response": "Response rate", "sec_results": "Results",
        "sec_trends": "Trends", "sec_comments": "Comments", "sec_drivers": "Drivers across the organisation",
        "sec_protect": "Confidentiality: what is hidden", "response_text":
            "{n} of {headcount} employees answered ({rate}).", "response_no_headcount": "{n} answered (headcount unknown).",
        "results_title": "Indices and statements: {unit} compared with {parent} and {org}",
        "results_note": "n = answers; mean on the scale; favourable % = share of favourable answers (for an index "
                        "pooled over its statements). – = not shown (fewer than {k} answers, or hidden to protect a "
                        "smaller unit; see the last part).",
        "col_n": "n", "col_mean": "Mean", "col_fav": "Favourable %", "variable": "Index / statement",
        "trend_title": "Mean per wave for {unit}", "trend_note": "Only waves with at least {k} answers are shown.",
        "comments_intro": "Answers in random order and without any background information, shown only when the "
                          "unit has at least {k} answers to the question.",
        "comments_hidden": "The comments are not shown: {reason}.", "themes_title": "Themes of the comments: {label}",
        "theme": "Theme", "count": "Count", "drivers_title": "Drivers: {outcome} (whole organisation)",
        "drivers_note": "Computed for the whole organisation (n = {n}, R² = {r2}); not for the unit alone.",
        "weight": "Relative weight %", "quadrant": "Quadrant",
        "protect_intro": "A unit's numbers are shown only when based on at least {k} answers. A number is also "
                         "hidden when it could otherwise be worked out by subtracting visible units from the unit "
                         "above (complementary hiding). No number is broken down by background.",
        "protect_none": "No number is hidden in this report.", "mean": "mean", "favourable": "favourable %",
        "index_title": "Unit reports", "index_intro": "One report per unit. Units with fewer than {k} answers "
                     "(and units hidden to protect them) have no report; their answers count in the units above.",
        "unit": "Unit", "level": "Level", "parent": "Parent", "respondents": "Respondents", "rate": "Response rate",
        "no_report": "no report: {reason}", "org_report": "The organisation report",
        "sec_changes": "Change since {prev}", "changes_title": "Change from {prev} to {curr} for {unit}",
        "changes_note": "Only indices and statements with at least {k} answers from the unit in both waves are shown.",
        "eng_unit_title": "{label}: {unit} compared with {parent} and {org}", "index": "index", "enps": "eNPS",
        "where": "Unit",
        "eng_unit_method": "{label}: the share answering favourably ({fav}) on every item of the index {index}, "
                           "among those who answered all of them; Wilson confidence interval.",
        "enps_unit_method": "{label}: eNPS = % promoters (9–10) minus % detractors (0–6) on “{item}” (0–10), "
                            "from −100 to 100, with the adjusted Wald interval (Rocks 2016).",
        "eng_unit_note": "– = not shown (fewer than {k} answers, or hidden to protect a smaller "
                                          "unit; see the last part).",
    },
}


REASONS_NB = [(r"^fewer than (\d+) answers$", r"færre enn \1 svar"),
              (r"^fewer than (\d+) respondents$", r"færre enn \1 svarpersoner"),
              (r"^complementary: protects a smaller (unit|group)$", "komplementær: beskytter en mindre enhet"),
              (r"^a unit above it is hidden$", "en enhet over den er skjult"),
              (r"^no answers$", "ingen svar"), (r"^no respondents$", "ingen svarpersoner")]


def reason_text(reason: str, lang: str) -> str:
    """A reason recorded in results.json (English) in the report's language."""
    if lang == "nb":
        for pattern, nb in REASONS_NB:
            if re.match(pattern, reason):
                return re.sub(pattern, nb, reason)
    return reason


def _statistic(name: str, s: dict) -> str:
    head_word, _, wave = name.partition(" ")
    return f"{s.get(head_word, head_word)} {wave}".strip()


def _texts(lang: str) -> dict:
    return {**strings(lang), **TEXTS.get(lang, TEXTS["en"])}


def _stat_cells(cell: dict | None, lang: str) -> list[Cell]:
    if cell is None:
        return [txt("–", "num muted")] * 3
    return [num(cell.get("n"), fmt.integer, lang) if cell.get("n") is not None else txt("–", "num muted"),
            num(cell.get("mean"), fmt.mean, lang) if cell.get("mean") is not None else txt("–", "num muted"),
            num(cell.get("favourable_pct"), fmt.pct, lang) if cell.get("favourable_pct") is not None
            else txt("–", "num muted")]


def build_unit_document(record: dict, lang: str) -> Document:
    """The document of one unit's report (sections: response, results, trends, comments, drivers, hidden)."""
    s = _texts(lang)
    k = record["min_group_size"]
    unit, parent, org = record["name"], record.get("parent_name"), record["organisation_name"]
    sections = []
    sec = Section("response", s["sec_response"])
    resp = record["response"]
    if resp.get("headcount") is not None and resp.get("rate") is not None:
        sec.blocks.append(Paragraph(s["response_text"].format(n=fmt.integer(resp["respondents"], lang),
                                                              headcount=fmt.integer(resp["headcount"], lang),
                                                              rate=fmt.pct(resp["rate"] * 100, lang) + " %")))
    else:
        sec.blocks.append(Paragraph(s["response_no_headcount"].format(n=fmt.integer(resp["respondents"], lang))))
    sections.append(sec)

    sec = Section("results", s["sec_results"])
    has_parent = any(r.get("parent") for r in record["results"])
    blocks = [("unit", unit)] + ([("parent", parent)] if has_parent else []) + [("organisation", org)]
    header = [[txt("")] + [Cell(name, colspan=3, css="block") for _, name in blocks],
              head(s["variable"], *([s["col_n"], s["col_mean"], s["col_fav"]] * len(blocks)))]
    rows = []
    for r in record["results"]:
        cells = [txt(r["label"], "label" + ("" if r["kind"] == "index" else " indent"))]
        for role, _ in blocks:
            cells += _stat_cells(r.get(role), lang)
        rows.append(Row(cells, "retained" if r["kind"] == "index" else ""))
    sec.blocks.append(Table("unit-results", s["results_title"].format(unit=unit, parent=parent or org, org=org),
                            header, rows, [s["results_note"].format(k=k)]))
    sections.append(sec)

    if record.get("engagement"):
        sections.append(_engagement_section(record, s, lang))
    if record.get("trends"):
        sections.append(_trend_section(record, s, lang))
    if record.get("changes"):
        sections.append(_change_section(record, s, lang))
    if record.get("comments"):
        sections.append(_comment_section(record, s, lang))
    if record.get("drivers"):
        sections.append(_driver_section(record, s, lang))
    sec = Section("confidentiality", s["sec_protect"])
    sec.blocks.append(Paragraph(s["protect_intro"].format(k=k)))
    labels = {r["variable"]: r["label"] for r in record["results"]}
    hidden = [f"{labels.get(h['variable'], h.get('label', h['variable']))} ({_statistic(h['statistic'], s)}): "
              f"{reason_text(h['reason'], lang)}" for h in record.get("hidden", [])]
    hidden += [f"{c['label']}: {reason_text(c['reason'], lang)}" for c in record.get("comments", [])
               if not c["shown"] and c["reason"]]
    sec.blocks.append(Bullets(hidden) if hidden else Paragraph(s["protect_none"], "muted"))
    sections.append(sec)
    for number, table in enumerate((b for x in sections for b in x.blocks if isinstance(b, Table)), 1):
        table.number = number
    q = record["questionnaire"]
    return Document(lang=lang, title=s["unit_title"].format(unit=unit), citation=q["title"],
                    n=resp["respondents"], synthetic=record.get("synthetic", False), data_file="",
                    version=__version__, sections=sections, s=s)


def _trend_section(record: dict, s: dict, lang: str) -> Section:
    sec = Section("trends", s["sec_trends"])
    labels = record["trends"]["labels"]
    by_var: dict[str, dict] = {}
    for r in record["trends"]["rows"]:
        by_var.setdefault(r["variable"], {})[r["wave"]] = r
    header = [[txt("")] + [Cell(w, colspan=2, css="block") for w in labels],
              head(s["variable"], *([s["col_n"], s["col_mean"]] * len(labels)))]
    rows = []
    for r in record["results"]:
        waves = by_var.get(r["variable"], {})
        if not waves:
            continue
        cells = [txt(r["label"], "label")]
        for w in labels:
            x = waves.get(w)
            cells += ([num(x["n"], fmt.integer, lang), num(x["mean"], fmt.mean, lang)] if x
                      else [txt("–", "num muted"), txt("–", "num muted")])
        rows.append(Row(cells, "retained" if r["kind"] == "index" else ""))
    sec.blocks.append(Table("unit-trends", s["trend_title"].format(unit=record["name"]), header, rows,
                            [s["trend_note"].format(k=record["min_group_size"])]))
    return sec


def _change_section(record: dict, s: dict, lang: str) -> Section:
    """The change since the last earlier wave: the organisation report's test, for this unit."""
    ch = record["changes"]
    bounds = (s["ci_low"], s["ci_high"])  # the CI's columns in the workbook
    sec = Section("changes", s["sec_changes"].format(prev=ch["previous"]))
    sec.blocks.append(Paragraph(s["waves_method"].format(
        current=ch["current"], alpha=fmt.number(ch["alpha"], 2, lang), mean=fmt.number(ch["min_mean_change"], 1, lang),
        pct=fmt.number(ch["min_pct_change"], 0, lang))))
    favs = {f["item"]: f for f in ch["favourable"]}
    kinds = {r["variable"]: r["kind"] for r in record["results"]}
    order = {r["variable"]: j for j, r in enumerate(record["results"])}  # indices first, as in the results
    rows = []
    for m in sorted(ch["means"], key=lambda m: order.get(m["variable"], len(order))):
        fav = favs.get(m["variable"]) or {}
        flags = [(m.get("flag"), ""), (fav.get("flag"), " %")]
        mark = " ".join(FLAG_MARK[f] + unit for f, unit in flags if f in FLAG_MARK)
        css = "retained" if kinds.get(m["variable"]) == "index" else ""
        rows.append(Row([txt(m["label"], "label"), num(m["mean_prev"], fmt.mean, lang), num(m["mean_curr"], fmt.mean, lang),
                         num(m["diff"], fmt.mean, lang), ci_decimals_cell(m["ci_low"], m["ci_high"], 2, lang, bounds),
                         num(m["p"], fmt.p_value, lang), num(m["d"], fmt.stat, lang), num(fav.get("diff"), fmt.pct, lang),
                         ci_decimals_cell(fav.get("ci_low"), fav.get("ci_high"), 1, lang, bounds), txt(mark, "strong")],
                        (css + " flagged").strip() if mark else css))
    header = [head(s["variable"], f"{s['col_mean']} {ch['previous']}", f"{s['col_mean']} {ch['current']}", s["change"],
                   s["ci95"], s["p"], "d", s["fav_change"], s["ci95"], s["flag"])]
    sec.blocks.append(Table("unit-changes", s["changes_title"].format(prev=ch["previous"], curr=ch["current"],
                                                                      unit=record["name"]),
                            header, rows, [s["changes_note"].format(k=record["min_group_size"])]))
    return sec


def _engagement_section(record: dict, s: dict, lang: str) -> Section:
    """Engagement index and eNPS: the unit, its parent and the organisation (the organisation report's numbers)."""
    sec = Section("engagement", s["sec_engagement"])
    bounds = (s["ci_low"], s["ci_high"])  # the CI's columns in the workbook
    labels = {r["variable"]: r["label"] for r in record["results"]}
    for e in record["engagement"]:
        places = [(e.get("unit"), record["name"]), (e.get("parent"), record.get("parent_name")),
                  (e.get("organisation"), record["organisation_name"])]
        places = [(row, name) for row, name in places if name and (row is not None or name == record["name"])]
        rows = []
        if e["kind"] == "enps":
            sec.blocks.append(Paragraph(s["enps_unit_method"].format(label=e["label"],
                                                                     item=labels.get(e["item"], e["item"]))))
            for row, name in places:
                if row is None:  # hidden for this unit: said with a dash, as in the other tables
                    rows.append(Row([txt(name, "label")] + [txt("–", "num muted")] * 5))
                    continue
                rows.append(Row([txt(name, "label"), num(row.get("n"), fmt.integer, lang),
                                 num(row.get("pct_promoters"), fmt.pct, lang), num(row.get("pct_detractors"), fmt.pct, lang),
                                 num(row.get("enps"), fmt.pct, lang),
                                 ci_decimals_cell(row.get("adjusted_low"), row.get("adjusted_high"), 1, lang, bounds)]))
            header = [head(s["where"], s["n_lower"], s["promoters"], s["detractors"], "eNPS", s["ci95"])]
        else:
            sec.blocks.append(Paragraph(s["eng_unit_method"].format(
                label=e["label"], index=labels.get(e["index"], e["index"]),
                fav=", ".join(str(v) for v in e.get("favourable") or []))))
            for row, name in places:
                if row is None:
                    rows.append(Row([txt(name, "label")] + [txt("–", "num muted")] * 3))
                    continue
                rows.append(Row([txt(name, "label"), num(row.get("n"), fmt.integer, lang),
                                 num(row.get("pct"), fmt.pct, lang),
                                 ci_decimals_cell(row.get("ci_low"), row.get("ci_high"), 1, lang, bounds)]))
            header = [head(s["where"], s["n_lower"], s["pct_engaged"], s["ci95"])]
        sec.blocks.append(Table(f"unit-engagement-{e['id']}", s["eng_unit_title"].format(
            label=e["label"], unit=record["name"], parent=record.get("parent_name") or record["organisation_name"],
            org=record["organisation_name"]), header, rows, [s["eng_unit_note"].format(k=record["min_group_size"])]))
    return sec


def _comment_section(record: dict, s: dict, lang: str) -> Section:
    sec = Section("comments", s["sec_comments"])
    sec.blocks.append(Paragraph(s["comments_intro"].format(k=record["min_group_size"])))
    for c in record["comments"]:
        sec.blocks.append(Heading(c["label"], f"comments-{c['question']}"))
        if not c["shown"]:
            sec.blocks.append(Paragraph(s["comments_hidden"].format(reason=reason_text(c["reason"], lang)), "muted"))
            continue
        sec.blocks.append(Bullets(c["answers"], "answers", title=c["label"]))
        for theme in c["themes"]:
            rows = [Row([txt(x["label"], "label"), num(x["n"], fmt.integer, lang)]) for x in theme["counts"]]
            sec.blocks.append(Table(f"themes-{theme['variable']}", s["themes_title"].format(label=theme["label"]),
                                    [head(s["theme"], s["count"])], rows, [f"n = {c['n']}"]))
    return sec


def _driver_section(record: dict, s: dict, lang: str) -> Section:
    sec = Section("drivers", s["sec_drivers"])
    for d in record["drivers"]:
        rows = []
        for x in d["table"]:  # one record per predictor (pipeline.organisation.driver_record)
            weight = x.get("rescaled_weight")
            rows.append(Row([txt(x.get("label", ""), "label"),
                             num(weight, fmt.pct, lang),
                             txt(s.get(f"q_{x['quadrant']}", x["quadrant"]) if x.get("quadrant") else "")]))
        sec.blocks.append(Table(f"drivers-{d['id']}", s["drivers_title"].format(outcome=d["label"]),
                                [head(s["variable"], s["weight"], s["quadrant"])], rows,
                                [s["drivers_note"].format(n=d["n"], r2=fmt.number(d["r2"], 2, lang))]))
    return sec


# ------------------------------------------------------------------------------------------ writing
PARALLEL_MIN_UNITS = 100  # below this, a second process costs more (its start, ~0.6 s) than it saves


def write_unit_reports(units: dict, folder: Path, lang: str) -> list[Path]:
    """Write every unit's report.html, tables.xlsx and results.json, and index.html, under ``folder``.

    With many units, a second process writes half of them meanwhile (formatting is Python work, so
    threads would not help); the files are the same either way."""
    records = units["units"]
    codes = list(records)
    written: list[Path] = []
    if len(codes) >= PARALLEL_MIN_UNITS and WORKERS > 1:
        theirs = codes[len(codes) // 2:]
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
                future = pool.submit(write_unit_files, {c: records[c] for c in theirs}, folder, lang)
                written = write_unit_files({c: records[c] for c in codes[:len(codes) // 2]}, folder, lang)
                written += future.result()
        except (BrokenProcessPool, PermissionError):  # no second process here: write them all in this one
            written = []
    if not written:
        written = write_unit_files(records, folder, lang)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(index_html(units, lang), encoding="utf-8")
    return [*written, folder / "index.html"]


def write_unit_files(records: dict, folder: Path, lang: str) -> list[Path]:
    """report.html, tables.xlsx and results.json of each unit record ({code: record}) in ``folder/<code>/``."""
    written = []
    for code, record in records.items():
        out = folder / code
        out.mkdir(parents=True, exist_ok=True)
        doc = build_unit_document(record, lang)
        (out / "report.html").write_text(render_html(doc), encoding="utf-8")
        write_workbook(doc, out / "tables.xlsx")
        (out / "results.json").write_text(json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                                          encoding="utf-8")
        written += [out / "report.html", out / "tables.xlsx", out / "results.json"]
    return written


def index_html(units: dict, lang: str) -> str:
    """The index page: every unit at the chosen levels, its response rate, and a link to its report."""
    s = _texts(lang)
    e = html.escape
    rows = []
    for row in units["index"]:
        name = e(row["name"])
        link = (f'<a href="{e(row["unit"])}/report.html">{name}</a>' if row["shown"]
                else f'{name} <span class="muted">({e(s["no_report"].format(reason=reason_text(row["reason"], lang)))})'
                '</span>')
        rate = fmt.pct(100 * row["rate"], lang) + " %" if row["shown"] and row.get("rate") is not None else "–"
        n = fmt.integer(row["respondents"], lang) if row["shown"] and row.get("respondents") is not None else "–"
        rows.append(f'<tr><td>{link}</td><td class="num">{e(str(row["level"]))}</td><td>{e(row.get("parent_name") or "")}'
                    f'</td><td class="num">{e(n)}</td><td class="num">{e(rate)}</td></tr>')
    return f"""<!DOCTYPE html>
<html lang="{e(s['html_lang'])}">
<head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{e(s['index_title'])}</title>
<style>body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }}
table {{ border-collapse: collapse; }} th, td {{ padding: .25em .6em; text-align: left; }}
thead {{ border-top: 2px solid #111; border-bottom: 1px solid #111; }} tbody {{ border-bottom: 2px solid #111; }}
td.num {{ text-align: right; }} .muted {{ color: #666; }} a {{ color: #1f4e8c; }}</style></head>
<body><h1>{e(s['index_title'])}</h1>
<p>{e(s['index_intro'].format(k=units['min_group_size']))}</p>
<p><a href="../report.html">{e(s['org_report'])}</a></p>
<table><thead><tr><th>{e(s['unit'])}</th><th>{e(s['level'])}</th><th>{e(s['parent'])}</th>
<th>{e(s['respondents'])}</th><th>{e(s['rate'])}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<footer><p class="muted">surveykit {e(__version__)}</p></footer>
</body></html>
"""
