"""The scorecard report: a :class:`surveykit.report.content.Document` built from results.json, rendered
with the survey report's HTML template and Excel writer. Formats numbers; computes nothing statistical.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from surveykit import __version__
from surveykit.report import format as fmt
from surveykit.report.content import (
    Document,
    Figure,
    Paragraph,
    Row,
    Section,
    Table,
    head,
    num,
    txt,
)
from surveykit.report.excel import write_workbook
from surveykit.report.html import render_html
from surveykit.report.i18n import strings

from . import figures as figs
from .spec import Scorecard, text_in

TEXTS = {
    "en": {
        "sec_replication": "Published and reproduced values", "sec_indicators": "Indicators",
        "sec_attainment": "Target attainment", "sec_validity": "Indicator validity",
        "sec_stability": "Stability and ranking uncertainty", "sec_wear": "Wear-out",
        "sec_decoupling": "Decoupling of paired indicators", "sec_audit": "Scorecard versus audit",
        "sec_bunching": "Deadline bunching", "sec_notes": "Notes",
        "published": "Published", "reproduced": "Reproduced", "difference": "Difference", "tolerance": "Tolerance",
        "within": "Within", "source": "Source", "quantity": "Quantity", "yes": "yes", "no": "NO",
        "indicator": "Indicator", "unit": "Unit", "direction": "Better", "target": "Target", "attribution": "Attribution rule",
        "higher": "higher", "lower": "lower", "percent": "%", "count": "count",
        "green": "at target", "yellow": "near target", "red": "below", "black": "no data",
        "matrix": "Traffic lights per unit and indicator", "matrix_note": "Green: at or beyond the target (or, without a target, at or beyond the mean of the units); yellow: within the yellow band; red: below; black: no value.",
        "counts": "Units per traffic-light colour", "by_group": "Units at target (green) by {group}",
        "by_group_note": "Number of units in the group whose value is green: at target, or at or above the mean of all units for indicators without a target.",
        "group": "Group", "n_units": "Units", "n_at_target": "At target", "share": "Share",
        "corr": "Correlation of each indicator with the outcome {outcome}", "r": "r", "ci": "95 % CI", "p": "p", "n": "n",
        "models": "OLS models of {outcome}", "model": "Model", "r2": "R²", "adj_r2": "Adjusted R²", "f": "F",
        "coef": "Coefficients, model {id}", "term": "Term", "b": "B", "se": "SE", "beta": "Beta",
        "scatter": "Each indicator against {outcome} (one point per unit, OLS line)",
        "lagged": "Lagged correlations over the panel: {x} at month t with {y} at month t + lag (within-unit centred)",
        "lag": "Lag (months)",
        "variance": "Between- and within-unit variance over the panel", "var_b": "Between", "var_w": "Within",
        "icc": "ICC", "obs": "Unit-months",
        "funnel": "Funnel plot: {ind} by denominator", "funnel_table": "Funnel: units against control limits ({ind})",
        "den": "Denominator", "lim95": "95 % limits", "lim998": "99.8 % limits", "outside": "Outside",
        "centre": "Centre", "l95": "95 % limits", "l998": "99.8 % limits",
        "ranks": "Rank intervals ({ind}; exact binomial 95 % CIs)", "rank": "Rank", "rank_range": "Compatible ranks",
        "wear": "Spread between units per month: {ind}", "period": "Month", "mean": "Mean", "sd": "SD", "cv": "CV",
        "iqr": "IQR", "at_target": "Share at target",
        "dec": "Trends per month: {easy} against {hard}", "slope_easy": "Trend {easy}", "slope_hard": "Trend {hard}",
        "slope_diff": "Difference", "cross": "Across units: r({easy}, {hard}) = {r}, 95 % CI [{lo}, {hi}], {p}, n = {n}.",
        "series": "{easy} and {hard} over time",
        "sd_trend": "Trend of the SD: {v} per month", "share_trend": "; of the share at target: {v} points per month",
        "dec_note": "Trends are OLS slopes in percentage points per month; the SE of the difference treats the two series as independent and their months as independent, so with autocorrelated monthly series p is too small.", "aggregate": "total",
        "rubric": "Audit scores per unit and criterion (0 = not met, 1 = neutral, 2 = met)",
        "criterion": "Criterion", "n0": "0", "n1": "1", "n2": "2", "strict": "Strict (2)", "lenient": "Lenient (1-2)",
        "mva": "Scorecard share and audit share of {crit}: gaps (audit - scorecard) with Newcombe 95 % CIs",
        "scorecard": "Scorecard", "gap_strict": "Gap, strict", "gap_lenient": "Gap, lenient", "flag": "Possible over-registration",
        "near": "At/near target", "mva_chart": "Scorecard share against the audit ({crit})",
        "mva_note": "Flagged only where the strict gap's interval lies below zero and the unit is at or within {near} points of its target: a unit far below target has no reason to register strategically.",
        "corr_crit": "Within-unit correlations of {ref} with the other criteria",
        "kappa": "Agreement of two coders on the double-coded cases (Cohen's kappa)", "agreement": "Agreement",
        "synthetic_audit": "SYNTHETIC case rows: the audit's case-level data are not printed in the source. The rows were generated to match the printed score distributions, so the means and shares below equal the printed ones; correlations and kappa describe the synthetic rows only.",
        "bunch": "Registrations in the last {k} days of each counting period against a flat rate",
        "days": "Eligible days", "win_days": "Days in window", "regs": "Registrations", "in_win": "In window",
        "expected": "Expected share", "observed": "Observed share", "ratio": "Ratio",
        "bunch_overall": "All periods: {x} of {n} registrations ({obs}) in the last {k} days against {exp} expected at a flat rate; ratio {ratio}, one-sided binomial {p}. Weekends and {hol} masked.",
        "first_day": "First day", "last_day": "Last day",
        "bunch_fig": "Share of registrations in the last {k} days of each counting period: observed against a flat rate",
        "bunch_note": "Eligible days: weekdays outside the masked holidays. A period whose last days all fall in a holiday has no window and is not tested.",
        "synthetic_reg": "SYNTHETIC registrations (the source prints only a chart of them): this section shows how the analysis works, not what happened.",
        "outcome": "outcome", "n_offices": "{n} units",
    },
    "nb": {
        "sec_replication": "Publiserte og reproduserte tall", "sec_indicators": "Indikatorer",
        "sec_attainment": "Måloppnåelse", "sec_validity": "Indikatorenes validitet",
        "sec_stability": "Stabilitet og usikkerhet i rangering", "sec_wear": "Nedslitte indikatorer",
        "sec_decoupling": "Frakobling av indikatorpar", "sec_audit": "Målekort mot revisjon",
        "sec_bunching": "Registrering mot fristen", "sec_notes": "Merknader",
        "published": "Publisert", "reproduced": "Reprodusert", "difference": "Differanse", "tolerance": "Toleranse",
        "within": "Innenfor", "source": "Kilde", "quantity": "Størrelse", "yes": "ja", "no": "NEI",
        "indicator": "Indikator", "unit": "Enhet", "direction": "Bedre", "target": "Mål", "attribution": "Tellingsregel",
        "higher": "høyere", "lower": "lavere", "count": "antall",
        "green": "nådd mål", "yellow": "nær mål", "red": "under", "black": "ingen data",
        "matrix": "Trafikklys per enhet og indikator", "matrix_note": "Grønn: målet nådd (eller, uten mål, minst gjennomsnittet av enhetene); gul: innenfor gult bånd; rød: under; svart: ingen verdi.",
        "counts": "Enheter per trafikklysfarge", "by_group": "Enheter som når målet (grønn), etter {group}",
        "by_group_note": "Antall enheter i gruppen med grønn verdi: nådd målet, eller minst gjennomsnittet av alle enhetene for indikatorer uten mål.",
        "group": "Gruppe", "n_units": "Enheter", "n_at_target": "Nådd mål", "share": "Andel",
        "corr": "Korrelasjon mellom hver indikator og utfallet {outcome}", "ci": "95 % KI",
        "models": "OLS-modeller av {outcome}", "model": "Modell", "adj_r2": "Justert R²",
        "coef": "Koeffisienter, modell {id}", "term": "Ledd",
        "scatter": "Hver indikator mot {outcome} (ett punkt per enhet, OLS-linje)",
        "lagged": "Korrelasjoner med tidsforskyvning: {x} i måned t mot {y} i måned t + forskyvning (sentrert per enhet)",
        "lag": "Forskyvning (måneder)",
        "variance": "Varians mellom og innen enheter over panelet", "var_b": "Mellom", "var_w": "Innen", "obs": "Enhetsmåneder",
        "funnel": "Traktplott: {ind} etter nevner", "funnel_table": "Traktplott: enhetene mot kontrollgrensene ({ind})",
        "den": "Nevner", "lim95": "95 %-grenser", "lim998": "99,8 %-grenser", "outside": "Utenfor",
        "centre": "Senter", "l95": "95 %-grenser", "l998": "99,8 %-grenser",
        "ranks": "Rangintervaller ({ind}; eksakte binomiske 95 % KI)", "rank": "Rang", "rank_range": "Mulige ranger",
        "wear": "Spredning mellom enhetene per måned: {ind}", "period": "Måned", "mean": "Gj.snitt", "sd": "SA",
        "at_target": "Andel som når målet",
        "dec": "Trend per måned: {easy} mot {hard}", "slope_easy": "Trend {easy}", "slope_hard": "Trend {hard}",
        "slope_diff": "Differanse", "cross": "På tvers av enhetene: r({easy}, {hard}) = {r}, 95 % KI [{lo}, {hi}], {p}, n = {n}.",
        "series": "{easy} og {hard} over tid",
        "sd_trend": "Trend i SA: {v} per måned", "share_trend": "; i andelen som når målet: {v} prosentpoeng per måned",
        "dec_note": "Trendene er OLS-stigningstall i prosentpoeng per måned; SE for differansen behandler de to seriene og månedene som uavhengige, så med autokorrelerte månedsserier blir p for liten.", "aggregate": "samlet",
        "rubric": "Revisjonsskår per enhet og kriterium (0 = ikke godkjent, 1 = nøytral, 2 = godkjent)",
        "criterion": "Kriterium", "strict": "Streng (2)", "lenient": "Mild (1-2)",
        "mva": "Målekortets andel og revisjonens andel for {crit}: differanse (revisjon - målekort) med Newcombe 95 % KI",
        "scorecard": "Målekort", "gap_strict": "Differanse, streng", "gap_lenient": "Differanse, mild",
        "flag": "Mulig overregistrering", "near": "Ved/nær mål", "mva_chart": "Målekortets andel mot revisjonen ({crit})",
        "mva_note": "Flagget bare der intervallet for den strenge differansen ligger under null og enheten er på eller innen {near} poeng fra målet: en enhet langt under målet har ingen grunn til å registrere strategisk.",
        "corr_crit": "Korrelasjoner innen enhet mellom {ref} og de andre kriteriene",
        "kappa": "Samsvar mellom to kodere på dobbeltkodede saker (Cohens kappa)", "agreement": "Samsvar",
        "synthetic_audit": "SYNTETISKE saksrader: kilden trykker ikke data per sak. Radene er laget slik at fordelingen av skår er lik den trykte, så gjennomsnitt og andeler under er lik de trykte; korrelasjoner og kappa beskriver bare de syntetiske radene.",
        "bunch": "Registreringer de siste {k} dagene av hver tellemåned mot jevn fordeling",
        "days": "Tellbare dager", "win_days": "Dager i vinduet", "regs": "Registreringer", "in_win": "I vinduet",
        "expected": "Forventet andel", "observed": "Observert andel", "ratio": "Forhold",
        "bunch_overall": "Alle perioder: {x} av {n} registreringer ({obs}) de siste {k} dagene mot {exp} forventet ved jevn fordeling; forhold {ratio}, ensidig binomisk {p}. Helger og {hol} er maskert.",
        "first_day": "Første dag", "last_day": "Siste dag",
        "bunch_fig": "Andel registreringer de siste {k} dagene av hver tellemåned: observert mot jevn fordeling",
        "bunch_note": "Tellbare dager: ukedager utenom maskerte ferier. En periode der de siste dagene alle er ferie har intet vindu og testes ikke.",
        "synthetic_reg": "SYNTETISKE registreringer (kilden viser dem bare i en figur): avsnittet viser hvordan analysen virker, ikke hva som skjedde.",
        "outcome": "utfall", "n_offices": "{n} enheter",
        "basis_target": "mål", "basis_bands": "grønt bånd", "basis_mean_of_units": "gjennomsnittet av enhetene",
    },
}


def _s(lang: str) -> dict:
    return {**TEXTS["en"], **TEXTS[lang]}


class _Builder:
    def __init__(self, results: dict, card: Scorecard, lang: str):
        self.r, self.card, self.lang, self.t = results, card, lang, _s(lang)
        self.n = partial(num, lang=lang)
        self.sections: list[Section] = []
        self.table_no = self.fig_no = 0

    def label(self, ind_id: str) -> str:
        ind = self.card.indicator_map.get(ind_id)
        return text_in(ind.label, self.lang, ind_id) if ind else ind_id

    def table(self, key, title, header, rows, notes=()) -> Table:
        self.table_no += 1
        return Table(key, title, [head(*header)], rows, list(notes), self.table_no)

    def figure(self, key, title, draw, notes=()) -> Figure:
        self.fig_no += 1
        return Figure(key, title, draw, list(notes), self.fig_no)

    def f2(self, v):
        return fmt.number(v, 2, self.lang)

    def pct0(self, v):  # a share 0..1 as a whole percentage
        return fmt.number(v * 100, 0, self.lang) + " %"

    def fval(self, v):
        return fmt.number(v, 0 if abs(v) >= 100 or float(v).is_integer() else 1, self.lang)


def build_document(results: dict, card: Scorecard, lang: str = "nb", data_file: str = "") -> Document:
    """The report's content from results.json."""
    b = _Builder(results, card, lang)
    t, L = b.t, lang
    _replication(b)
    _indicators(b)
    if "attainment" in results:
        _attainment(b)
    if "validity" in results:
        _validity(b)
    if "stability" in results:
        _stability(b)
    if results.get("wear_out"):
        _wear(b)
    if results.get("decoupling"):
        _decoupling(b)
    if "audit" in results:
        _audit(b)
    if "bunching" in results:
        _bunching(b)
    if "survey_link" in results:  # (h): surveykit/scorecard/report_link.py
        from .report_link import survey_link_section

        survey_link_section(b)
    if results.get("notes"):
        b.sections.append(Section("notes", t["sec_notes"], [Paragraph(n) for n in results["notes"]]))
    s = {**strings(L), **{k: v for k, v in t.items()}}
    return Document(lang=L, title=text_in(card.scorecard.title, L, card.scorecard.id),
                    citation=card.scorecard.citation or "", n=None, synthetic=False, data_file=data_file,
                    version=__version__, sections=b.sections, s=s)


def _replication(b: _Builder) -> None:
    rows, t = [], b.t
    for rec in b.r.get("replication", []):
        ok = rec["within"]
        dec = _decimals(rec["published"])
        # one decimal more than printed (shows rounding against truncation), at least the tolerance's
        finer = partial(_places, decimals=max(dec + 1, _decimals(rec["tolerance"])) if rec["tolerance"] > 0 else dec)
        rows.append(Row([txt(rec["table"]), txt(text_in(rec["quantity"], b.lang), "label"), b.n(rec["published"], partial(_places, decimals=dec)),
                         b.n(rec["reproduced"], finer), b.n(rec["difference"], finer),
                         b.n(rec["tolerance"], partial(_places, decimals=_decimals(rec["tolerance"]))),
                         txt(t["yes"] if ok else (rec.get("note") or t["no"]), "ok" if ok else "bad")]))
    if rows:
        n_ok = sum(1 for rec in b.r["replication"] if rec["within"])
        b.sections.append(Section("replication", t["sec_replication"], [
            Paragraph(f"{n_ok} / {len(rows)}", "summary"),
            b.table("replication", t["sec_replication"],
                    [t["source"], t["quantity"], t["published"], t["reproduced"], t["difference"], t["tolerance"],
                     t["within"]], rows, [b.card.scorecard.source or ""])]))


def _decimals(x) -> int:
    """The decimals a published value or tolerance was given with (up to 6)."""
    x = float(x)
    return next((d for d in range(7) if abs(round(x, d) - x) < 1e-9), 6)


def _places(x, lang="en", decimals=2):
    """Reproduced values get the decimals of the published value or its tolerance, whichever has more."""
    return fmt.number(x, decimals, lang)


def _coef(x, lang="en"):
    """A coefficient with three significant decimals at least (count predictors have tiny slopes)."""
    x = float(x)
    return fmt.number(x, 2 if abs(x) >= 1 else 4 if abs(x) < 0.01 else 3, lang)


def _indicators(b: _Builder) -> None:
    t, rows = b.t, []
    for ind in b.card.indicators:
        rows.append(Row([txt(ind.id), txt(b.label(ind.id), "label"), txt(t.get(ind.unit, ind.unit)),
                         txt(t[ind.direction]), b.n(ind.target, lambda x, lang: b.fval(x)),
                         txt(text_in(ind.attribution, b.lang), "label")]))
    b.sections.append(Section("indicators", t["sec_indicators"], [
        b.table("indicators", t["sec_indicators"], ["ID", t["indicator"], t["unit"], t["direction"], t["target"],
                                                      t["attribution"]], rows)]))


def _attainment(b: _Builder) -> None:
    t, a, L = b.t, b.r["attainment"], b.lang
    cols = [th["indicator"] for th in a["thresholds"]]
    units = [row["unit"] for row in a["colours"]]
    colours = [[row[c] for c in cols] for row in a["colours"]]
    values = b.r.get("table", {})
    grid = [[values.get(u, {}).get(c) for c in cols] for u in units]
    groups = [values.get(u, {}).get("group") for u in units] if any(values.get(u, {}).get("group") for u in units) else None
    legend = {k: t[k] for k in ("green", "yellow", "red", "black")}
    blocks = [b.figure("traffic-lights", t["matrix"], lambda: figs.traffic_light_matrix(
        units, groups, [c.replace("_", "\n") for c in cols], colours, grid, b.fval, legend), [t["matrix_note"]])]
    rows = [Row([txt(c["indicator"]), txt(b.label(c["indicator"]), "label"),
                 *[b.n(c[k], fmt.integer) for k in ("green", "yellow", "red", "black", "n")]]) for c in a["counts"]]
    basis = {th["indicator"]: th for th in a["thresholds"]}
    notes = [f"{k}: {b.f2(v['green'])} ({t.get('basis_' + v['basis'].replace(' ', '_'), v['basis'])})"
             for k, v in basis.items()]
    blocks.append(b.table("attainment-counts", t["counts"], ["ID", t["indicator"], t["green"], t["yellow"], t["red"],
                                                           t["black"], "n"], rows, ["; ".join(notes)]))
    if a["by_group"]:
        glabel = text_in(b.card.units.group_label, L, t["group"])
        inds = list(dict.fromkeys(g["indicator"] for g in a["by_group"]))
        rows = []
        for grp in dict.fromkeys(g["group"] for g in a["by_group"]):
            cells = {g["indicator"]: g for g in a["by_group"] if g["group"] == grp}
            first = next(iter(cells.values()))
            rows.append(Row([txt(grp), b.n(first["n_units"], fmt.integer),
                             *[b.n(cells[i]["n_at_target"], fmt.integer) for i in inds]]))
        notes = [t["by_group_note"]] + ([text_in(b.card.units.group_note, L)] if b.card.units.group_note else [])
        blocks.append(b.table("attainment-groups", t["by_group"].format(group=glabel.lower()),
                              [glabel, t["n_units"], *inds], rows, notes))
    b.sections.append(Section("attainment", t["sec_attainment"], blocks))


def _validity(b: _Builder) -> None:
    t, v, L = b.t, b.r["validity"], b.lang
    out = v["outcome"]
    corr = v["correlations"]["correlations"]
    rows = [Row([txt(k), txt(b.label(k), "label"), b.n(c["r"], fmt.bounded),
                 txt(f"[{fmt.bounded(c['ci_low'], 2, L)}, {fmt.bounded(c['ci_high'], 2, L)}]", "num"),
                 b.n(c["p"], fmt.p_value), b.n(c["n"], fmt.integer)]) for k, c in corr.items()]
    blocks = [b.table("validity", t["corr"].format(outcome=b.label(out)), ["ID", t["indicator"], "r", t["ci"], "p", "n"], rows)]
    values = b.r.get("table", {})
    panels = []
    for k, c in corr.items():
        xs = [values[u].get(k) for u in values]
        ys = [values[u].get(out) for u in values]
        panels.append((k, xs, ys, f"r = {fmt.bounded(c['r'], 3, L)}, n = {c['n']}"))
    if panels:
        blocks.append(b.figure("validity-scatter", t["scatter"].format(outcome=b.label(out)),
                               lambda: figs.scatter_grid(panels, b.label(out), lambda x: fmt.number(x, 0, L, thousands=False),
                                                         ncols=min(len(panels), 4))))
    if v["models"]:
        rows = [Row([txt(m["id"]), txt(", ".join(m["predictors"]), "label"), b.n(m["r2"], fmt.bounded),
                     b.n(m["adj_r2"], fmt.bounded), txt(fmt.f_test(m["f"], m["df_model"], m["df_resid"], L), "num"),
                     b.n(m["f_p"], fmt.p_value), b.n(m["n"], fmt.integer)]) for m in v["models"].values()]
        blocks.append(b.table("models", t["models"].format(outcome=b.label(out)),
                              [t["model"], t["indicator"], "R²", t["adj_r2"], "F", "p", "n"], rows))
        for m in v["models"].values():
            rows = [Row([txt(term), b.n(c["b"], _coef), b.n(c["se"], _coef), b.n(c["beta"], fmt.bounded),
                         b.n(c["t"], fmt.stat), b.n(c["p"], fmt.p_value)]) for term, c in m["coefficients"].items()]
            blocks.append(b.table(f"coef-{m['id']}", t["coef"].format(id=m["id"]),
                                  [t["term"], "B", "SE", "Beta", "t", "p"], rows))
    for x, lag in (v.get("lagged") or {}).items():
        rows = [Row([b.n(r["lag"], fmt.integer), b.n(r["r"], fmt.bounded),
                     txt(f"[{fmt.bounded(r['ci_low'], 2, L)}, {fmt.bounded(r['ci_high'], 2, L)}]", "num"),
                     b.n(r["p"], fmt.p_value), b.n(r["n"], fmt.integer)]) for r in lag["lags"]]
        blocks.append(b.table(f"lagged-{x}", t["lagged"].format(x=b.label(x), y=b.label(out)),
                              [t["lag"], "r", t["ci"], "p", "n"], rows))
    b.sections.append(Section("validity", t["sec_validity"], blocks))


def _stability(b: _Builder) -> None:
    t, s, L = b.t, b.r["stability"], b.lang
    blocks = []
    if s.get("variance"):
        rows = [Row([txt(k), b.n(v["n_units"], fmt.integer), b.n(v["n_obs"], fmt.integer),
                     b.n(v["var_between"], fmt.number), b.n(v["var_within"], fmt.number), b.n(v["icc"], fmt.bounded),
                     txt(fmt.f_test(v["f"], v["n_units"] - 1, v["n_obs"] - v["n_units"], L), "num"), b.n(v["p"], fmt.p_value)])
                for k, v in s["variance"].items()]
        blocks.append(b.table("variance", t["variance"], [t["indicator"], t["n_units"], t["obs"], t["var_b"], t["var_w"],
                                                          "ICC", "F", "p"], rows))
    for ind, f in (s.get("funnel") or {}).items():
        pts = [(u["unit"], u["n"], u["share"]) for u in f["units"]]
        curve = [(q["n"], q["lo95"], q["hi95"], q["lo998"], q["hi998"]) for q in f["curve"]]
        labels = {"xlabel": t["den"], "ylabel": b.label(ind), "centre": f"{t['centre']} ({f['centre_basis']})",
                  "l95": t["l95"], "l998": t["l998"]}
        blocks.append(b.figure(f"funnel-{ind}", t["funnel"].format(ind=b.label(ind)),
                               lambda pts=pts, curve=curve, f=f, labels=labels: figs.funnel_plot(
                                   pts, curve, f["centre"], labels, b.pct0, lambda x: fmt.integer(x, L))))
        rows = [Row([txt(u["unit"], "label"), b.n(u["share"] * 100, fmt.pct, suffix=" %"), b.n(u["n"], fmt.integer),
                     txt(f"{b.pct0(u['lo95'])} - {b.pct0(u['hi95'])}", "num"),
                     txt(f"{b.pct0(u['lo998'])} - {b.pct0(u['hi998'])}", "num"),
                     txt("99.8 %" if u["outside998"] else "95 %" if u["outside95"] else "-")]) for u in f["units"]]
        blocks.append(b.table(f"funnel-{ind}", t["funnel_table"].format(ind=b.label(ind)),
                              [t["unit"], t["share"], t["den"], t["lim95"], t["lim998"], t["outside"]], rows))
    for ind, rk in (s.get("rank_intervals") or {}).items():
        rows = [Row([txt(u["unit"], "label"), b.n(u["share"] * 100, fmt.pct, suffix=" %"), b.n(u["n"], fmt.integer),
                     txt(f"[{b.pct0(u['ci_low'])}, {b.pct0(u['ci_high'])}]", "num"), b.n(u["rank"], fmt.integer),
                     txt(f"{u['rank_best']}-{u['rank_worst']}", "num")]) for u in rk["units"]]
        blocks.append(b.table(f"ranks-{ind}", t["ranks"].format(ind=b.label(ind)),
                              [t["unit"], t["share"], "n", t["ci"], t["rank"], t["rank_range"]], rows))
    b.sections.append(Section("stability", t["sec_stability"], blocks))


def _wear(b: _Builder) -> None:
    t, L, blocks = b.t, b.lang, []
    for ind, w in b.r["wear_out"].items():
        rows = [Row([txt(p["period"]), b.n(p["n"], fmt.integer), b.n(p["mean"], fmt.number), b.n(p["sd"], fmt.number),
                     b.n(p["cv"], fmt.number), b.n(p["iqr"], fmt.number),
                     b.n(None if p["share_at_target"] is None else p["share_at_target"] * 100, fmt.pct, suffix=" %")])
                for p in w["periods"]]
        note = t["sd_trend"].format(v=fmt.number(w["sd_slope"], 3, L)) + (
            t["share_trend"].format(v=fmt.number(w["share_slope"] * 100, 2, L)) if w.get("share_slope") is not None else "")
        blocks.append(b.table(f"wear-{ind}", t["wear"].format(ind=b.label(ind)),
                              [t["period"], "n", t["mean"], t["sd"], "CV", "IQR", t["at_target"]], rows, [note]))
    b.sections.append(Section("wear-out", t["sec_wear"], blocks))


def _decoupling(b: _Builder) -> None:
    t, L, blocks = b.t, b.lang, []
    for key, d in b.r["decoupling"].items():
        e, h = d["easy"], d["hard"]
        if d["trends"]:
            rows = [Row([txt(r["unit"], "label"), b.n(r["slope_easy"], fmt.number), b.n(r["slope_hard"], fmt.number),
                         b.n(r["difference"], fmt.number), b.n(r["se_difference"], fmt.number), b.n(r["p"], fmt.p_value),
                         b.n(r["n_periods"], fmt.integer)]) for r in d["trends"]]
            blocks.append(b.table(f"decoupling-{key}", t["dec"].format(easy=b.label(e), hard=b.label(h)),
                                  [t["unit"], t["slope_easy"].format(easy=e), t["slope_hard"].format(hard=h),
                                   t["slope_diff"], "SE", "p", "n"], rows, [t["dec_note"]]))
        cs = d.get("cross_section")
        if cs:
            blocks.append(Paragraph(t["cross"].format(easy=b.label(e), hard=b.label(h), r=fmt.bounded(cs["r"], 3, L),
                                                      lo=fmt.bounded(cs["ci_low"], 2, L), hi=fmt.bounded(cs["ci_high"], 2, L),
                                                      p=fmt.p_text(cs["p"], L), n=cs["n"])))
        panel = b.r.get("panel") or []
        if panel:
            series = []
            for unit in dict.fromkeys(r["unit"] for r in panel):
                for ind, dash in ((e, None), (h, (5, 3))):
                    rows_u = sorted((r for r in panel if r["unit"] == unit and r["indicator"] == ind), key=lambda r: r["period"])
                    if rows_u:
                        series.append((f"{unit} – {ind}", [r["period"] for r in rows_u], [r["value"] for r in rows_u], dash))
            targets = [(f"{k}: {fmt.number(b.card.indicator_map[k].target, 0, L)} %", b.card.indicator_map[k].target)
                       for k in (e, h) if b.card.indicator_map[k].target is not None]
            blocks.append(b.figure(f"series-{key}", t["series"].format(easy=b.label(e), hard=b.label(h)),
                                   lambda series=series, targets=targets: figs.series_plot(
                                       series, targets, "%", lambda x: fmt.number(x, 0, L)),
                                   [f"{e}: —, {h}: - - -"]))
    b.sections.append(Section("decoupling", t["sec_decoupling"], blocks))


def _criterion_label(b: _Builder, cid: str) -> str:
    c = next((c for c in b.card.audit.criteria if c.id == cid), None)
    return text_in(c.label, b.lang, cid) if c else cid


def _audit(b: _Builder) -> None:
    t, a, L = b.t, b.r["audit"], b.lang
    blocks = []
    if a.get("synthetic"):
        blocks.append(Paragraph(t["synthetic_audit"], "warning"))
    rows = []
    for unit, crits in a["scores"].items():
        for cid, s in crits.items():
            rows.append(Row([txt(unit, "label"), txt(_criterion_label(b, cid), "label"), b.n(s["n"], fmt.integer),
                             b.n(s["n0"], fmt.integer), b.n(s["n1"], fmt.integer), b.n(s["n2"], fmt.integer),
                             b.n(s["mean"], fmt.number), b.n(s["strict"] * 100, fmt.pct, suffix=" %"),
                             b.n(s["lenient"] * 100, fmt.pct, suffix=" %")]))
    blocks.append(b.table("rubric", t["rubric"], [t["unit"], t["criterion"], "n", "0", "1", "2", t["mean"], t["strict"],
                                                  t["lenient"]], rows))
    for cid, m in (b.r.get("measured_vs_audited") or {}).items():
        units = list(m["units"].values())
        rows = [Row([txt(u["unit"], "label"), b.n(u["scorecard"] * 100, fmt.pct, suffix=" %"),
                     b.n(u["strict"] * 100, fmt.pct, suffix=" %"),
                     txt(f"{fmt.number(u['gap_strict'] * 100, 0, L)} [{fmt.number(u['gap_strict_low'] * 100, 0, L)}, "
                         f"{fmt.number(u['gap_strict_high'] * 100, 0, L)}]", "num"),
                     b.n(u["lenient"] * 100, fmt.pct, suffix=" %"),
                     txt(f"{fmt.number(u['gap_lenient'] * 100, 0, L)} [{fmt.number(u['gap_lenient_low'] * 100, 0, L)}, "
                         f"{fmt.number(u['gap_lenient_high'] * 100, 0, L)}]", "num"),
                     b.n(u["n_audited"], fmt.integer), txt(t["yes"].lower() if u["at_or_near_target"] else "-"),
                     txt(t["yes"].upper() if u["over_registration"] else "-", "bad" if u["over_registration"] else "")])
                for u in units]
        crit = _criterion_label(b, cid)
        blocks.append(b.table(f"mva-{cid}", t["mva"].format(crit=crit),
                              [t["unit"], t["scorecard"], t["strict"], t["gap_strict"], t["lenient"], t["gap_lenient"],
                               "n", t["near"], t["flag"]], rows, [t["mva_note"].format(near=fmt.number(m["near"], 0, L))]))
        target = m["target"] / 100 if m["target"] is not None else None
        labels = {"target": f"{t['target']} {fmt.number(m['target'], 0, L)} %" if target is not None else "",
                  "scorecard": t["scorecard"], "strict": t["strict"], "lenient": t["lenient"]}
        blocks.append(b.figure(f"mva-{cid}", t["mva_chart"].format(crit=crit),
                               lambda units=units, target=target, labels=labels: figs.measured_vs_audited_chart(
                                   units, target, labels, b.pct0)))
    corr = a.get("correlations") or {}
    if corr:
        ref = b.card.audit.reference_criterion
        cids = list(next(iter(corr.values())).keys())
        rows = [Row([txt(unit, "label"), *[b.n(c[k]["r"], fmt.bounded) for k in cids], b.n(next(iter(c.values()))["n"], fmt.integer)])
                for unit, c in corr.items()]
        blocks.append(b.table("criteria-r", t["corr_crit"].format(ref=_criterion_label(b, ref)),
                              [t["unit"], *[_criterion_label(b, k) for k in cids], "n"], rows))
    if a.get("kappa"):
        rows = [Row([txt(_criterion_label(b, k), "label"), b.n(v["kappa"], fmt.bounded), b.n(v["agreement"] * 100, fmt.pct, suffix=" %"),
                     b.n(v["n"], fmt.integer)]) for k, v in a["kappa"].items()]
        blocks.append(b.table("kappa", t["kappa"], [t["criterion"], "κ", t["agreement"], "n"], rows))
    b.sections.append(Section("audit", t["sec_audit"], blocks))


def _bunching(b: _Builder) -> None:
    t, g, L = b.t, b.r["bunching"], b.lang
    blocks = []
    if g.get("synthetic"):
        blocks.append(Paragraph(t["synthetic_reg"], "warning"))
    rows = [Row([txt(p["period"], "num"), txt(p["first"], "num"), txt(p["last"], "num"),
                 b.n(p["eligible_days"], fmt.integer),
                 b.n(p["window_days"], fmt.integer), b.n(p["n"], fmt.integer), b.n(p["n_window"], fmt.integer),
                 b.n(p["expected_share"] * 100 if p["window_days"] else None, fmt.pct, suffix=" %"),
                 b.n(p["observed_share"] * 100 if p["window_days"] and p["observed_share"] is not None else None,
                     fmt.pct, suffix=" %"),
                 b.n(p["ratio"], fmt.number), b.n(p["p"], fmt.p_value)]) for p in g["periods"]]
    tested = [p for p in g["periods"] if p["window_days"] and p["n"]]
    blocks.append(b.figure("bunching", t["bunch_fig"].format(k=g["last_days"]), lambda: figs.window_shares(
        [p["period"] for p in tested], [p["observed_share"] for p in tested], [p["expected_share"] for p in tested],
        {"observed": t["observed"], "expected": t["expected"]}, b.pct0)))
    o = g["overall"]
    hol = ", ".join(text_in(h["label"], L, "") if h["label"] else f"{h['first']} – {h['last']}"
                    for h in g.get("holidays", [])) or "-"
    blocks.append(Paragraph(t["bunch_overall"].format(x=fmt.integer(o["n_window"], L), n=fmt.integer(o["n"], L),
                                                      obs=b.pct0(o["observed_share"]), k=g["last_days"],
                                                      exp=b.pct0(o["expected_share"]), ratio=fmt.number(o["ratio"], 2, L),
                                                      p=fmt.p_text(o["p"], L), hol=hol)))
    blocks.append(b.table("bunching", t["bunch"].format(k=g["last_days"]),
                          [t["period"], t["first_day"], t["last_day"], t["days"], t["win_days"], t["regs"], t["in_win"],
                           t["expected"], t["observed"], t["ratio"], "p"], rows, [t["bunch_note"]]))
    b.sections.append(Section("bunching", t["sec_bunching"], blocks))


def render_scorecard_report(results: dict, card: Scorecard, out_dir: Path, lang: str = "nb", data_file: str = "") -> dict:
    """Write report.html, tables.xlsx and figures/*.png|svg into ``out_dir``."""
    doc = build_document(results, card, lang, data_file)
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    for f in doc.figures:
        (fig_dir / f"{f.number:02d}-{f.key}.png").write_bytes(f.image.png)
        (fig_dir / f"{f.number:02d}-{f.key}.svg").write_bytes(f.image.svg)
    (out_dir / "report.html").write_text(render_html(doc), encoding="utf-8")
    write_workbook(doc, out_dir / "tables.xlsx")
    return {"tables": len(doc.tables), "figures": len(doc.figures)}
