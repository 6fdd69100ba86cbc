"""The report's fixed texts in Norwegian (bokmål) and English. Placeholders use str.format names.

Longer than 500 lines because it is a table of every fixed text of the report in two languages (no logic).
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "nb": {
        "html_lang": "nb",
        "report": "Rapport",
        "contents": "Innhold",
        "table": "Tabell",
        "figure": "Figur",
        "note": "Merknad",
        "synthetic_title": "Syntetiske data",
        "synthetic_text": "Tallene i denne rapporten er beregnet på syntetiske data, ikke på svarene fra "
                          "respondentene i oppgaven.",
        "citation": "Kilde",
        "n_respondents": "Antall respondenter analysert: {n}",
        "data_file": "Datafil: {file}",
        "version": "Laget med surveykit {version}",
        # sections
        "sec_sample": "Utvalget",
        "sec_method": "Metode",
        "sec_descriptives": "Beskrivende statistikk",
        "sec_factor": "Faktoranalyse",
        "sec_reliability": "Reliabilitet",
        "sec_comparisons": "Sammenligning av grupper",
        "sec_crosstabs": "Krysstabeller",
        "sec_correlations": "Korrelasjoner",
        "sec_regressions": "Regresjonsanalyse",
        "sec_favourable": "Andel positive svar per enhet",
        "sec_confidentiality": "Konfidensialitet",
        "sec_replication": "Publiserte og reproduserte tall",
        "sec_free_text": "Åpne svar",
        # common headers
        "variable": "Variabel",
        "category": "Kategori",
        "item": "Påstand",
        "scale": "Skala",
        "group": "Gruppe",
        "where": "Analyse",
        "n": "N",
        "n_lower": "n",
        "pct": "%",
        "mean": "M",
        "sd": "SD",
        "min": "Min",
        "max": "Maks",
        "total": "Totalt",
        "missing": "Manglende",
        "test": "Test",
        "p": "p",
        "r": "r",
        "stars_note": "* p < ,05. ** p < ,01. *** p < ,001.",
        "suppressed_cell": "–",
        # sample
        "sample_title": "Utvalget etter bakgrunnsvariabler",
        "sample_missing": "ubesvart",
        "sample_missing_or_hidden": "ubesvart eller skjult",
        "sample_hidden": "skjulte små grupper til sammen",
        # method
        "method_n": "Analysen omfatter {n} respondenter.",
        "method_missing_codes": "{n} svar var kodet som «ikke besvart» og ble behandlet som manglende.",
        "method_out_of_range": "{n} svar utenfor skalaens verdier ble satt til manglende.",
        "method_missing_rule": "Korrelasjoner og faktoranalyser bruker {rule} sletting av manglende verdier; "
                               "regresjonsanalysene bruker listevis sletting, og gruppesammenligningene bruker "
                               "alle som har svart på både utfallsvariabelen og grupperingsvariabelen.",
        "pairwise": "parvis",
        "listwise": "listevis",
        "method_alpha": "Signifikansnivået er α = {alpha}.",
        "method_min_group": "Grupper med færre enn {k} respondenter vises ikke i noen tabell eller figur.",
        "method_fa": "Faktoranalysen {id} brukte {extraction} med {rotation}; antall faktorer ({k}) ble valgt "
                     "{rule}. Ladninger under {cutoff} i absoluttverdi er ikke vist.",
        "rule_kaiser": "etter Kaisers kriterium (egenverdier over 1)",
        "rule_parallel": "ved parallellanalyse",
        "rule_fixed": "på forhånd",
        "method_reliability": "Indre konsistens er målt med Cronbachs α med 95 % konfidensintervall (Feldt), "
                              "beregnet på dem som har svart på alle påstandene i skalaen (listevis utelatelse); "
                              "for skalaer med to påstander vises også korrelasjonen r og "
                              "Spearman–Brown-koeffisienten. En indeksskåre er gjennomsnittet av påstandene "
                              "(etter eventuell snuing av skalaen) for dem som har svart på minst det antall "
                              "påstander spørreskjemaet krever.",
        "method_compare": "To grupper er sammenlignet med t-test for uavhengige utvalg (Welchs t når Levenes test "
                          "er signifikant), tre eller flere med enveis variansanalyse og {posthoc} post hoc-test. "
                          "Effektstørrelsen er r.",
        "method_regression": "Hierarkisk lineær regresjon (minste kvadraters metode) med blokkvis inntak av "
                             "prediktorer og listevis sletting.",
        "method_recodes": "Omkodede variabler",
        "extraction_paf": "prinsipal aksefaktorering",
        "extraction_minres": "minste residualer (minres)",
        "extraction_ml": "sannsynlighetsmaksimering (ML)",
        "extraction_pca": "prinsipalkomponentanalyse",
        "rotation_oblimin": "oblimin-rotasjon",
        "rotation_quartimin": "quartimin-rotasjon",
        "rotation_promax": "promax-rotasjon",
        "rotation_varimax": "varimax-rotasjon",
        "rotation_quartimax": "quartimax-rotasjon",
        "rotation_none": "uten rotasjon",
        "posthoc_bonferroni": "Bonferroni",
        "posthoc_tukey": "Tukey",
        "posthoc_games-howell": "Games–Howell",
        # descriptives
        "desc_title": "Fordeling av svar: {name}",
        "desc_index_title": "Beskrivende statistikk for indekser og tallvariabler",
        "desc_note": "Prosent av gyldige svar per verdi. Topp 2 = andel som svarte en av de to høyeste verdiene.",
        "top2": "Topp 2 %",
        "likert_fig": "Svarfordeling: {name}",
        "likert_axis": "Prosent av gyldige svar",
        "all_items": "alle påstander",
        "question": "spørsmål {q}",
        # factor analysis
        "fa_heading": "Faktoranalyse {id}",
        "fa_factorability": "KMO = {kmo}; Bartletts test: {bartlett}, {p}; determinant = {det}. N = {n} ({missing} "
                            "sletting).",
        "fa_low_msa": "Påstander med MSA under ,50: {items}.",
        "fa_eigen_title": "Egenverdier og forklart varians: {id}",
        "factor": "Faktor",
        "eigenvalue": "Egenverdi",
        "pct_variance": "% varians",
        "cum_pct": "Kumulativ %",
        "parallel_p95": "Parallellanalyse (95. persentil)",
        "fa_pattern_title": "Mønstermatrise: {id}",
        "fa_pattern_note": "{extraction}, {rotation}. Ladninger under {cutoff} i absoluttverdi er ikke vist. "
                           "h² = kommunalitet.",
        "ss_loadings": "Sum kvadrerte ladninger",
        "fa_phi_title": "Korrelasjoner mellom faktorene: {id}",
        "scree_fig": "Screeplott: {id}",
        "scree_x": "Faktor",
        "scree_y": "Egenverdi",
        "scree_observed": "Observerte egenverdier",
        "scree_parallel": "Parallellanalyse (95. persentil)",
        "scree_kaiser": "Kaisers kriterium (1)",
        "fa_warnings": "Advarsler",
        "fa_not_converged": "Ekstraksjonen konvergerte ikke.",
        # reliability
        "rel_title": "Reliabilitet for indeksene",
        "n_items": "Påstander",
        "alpha": "α",
        "alpha_std": "α std.",
        "alpha_ci": "95 % KI",
        "average_r": "Gj.sn. r",
        "omega": "ω",
        "two_item_r": "r (2 påstander)",
        "spearman_brown": "Spearman–Brown",
        "rel_items_title": "Påstandsanalyse: {name}",
        "item_total": "Korrigert r påstand–total",
        "alpha_if_deleted": "α hvis slettet",
        "flags": "Merknad",
        "flag_low": "lav r påstand–total",
        "flag_raises": "α øker hvis slettet",
        "reversed": "(reversert)",
        # comparisons
        "cmp_title": "Gjennomsnitt etter gruppe: {name}",
        "cmp_note": "M = gjennomsnitt, SD = standardavvik, N = antall svar. r = effektstørrelse. "
                    "W = Welchs t (Levenes test signifikant).",
        "posthoc_title": "Post hoc-tester ({method}): {name}",
        "group_a": "Gruppe A",
        "group_b": "Gruppe B",
        "mean_diff": "Differanse",
        "se": "SE",
        "p_adj": "Justert p",
        "ci95": "95 % KI",
        "means_fig": "Gjennomsnitt med 95 % konfidensintervall etter {group}: {name}",
        "means_fig_groups": "Gjennomsnitt med 95 % konfidensintervall per gruppe: {name}",
        "means_axis": "Gjennomsnitt",
        # crosstabs
        "xt_title": "{row} etter {col}",
        "xt_note_suppressed": "– = celle skjult fordi den har færre enn {k} respondenter (eller kan regnes ut fra "
                              "totalene).",
        "row_pct": "rad-%",
        "cramers_v": "Cramérs V",
        "phi": "φ",
        "fisher": "Fishers eksakte test",
        "expected_low": "{pct} % av cellene har forventet antall under 5.",
        # correlations
        "corr_title": "Korrelasjoner: {name}",
        "corr_note": "{method}-korrelasjoner, parvis sletting (N = {n}).",
        "pearson": "Pearson",
        "spearman": "Spearman",
        "corr_fig": "Korrelasjoner: {name}",
        # regressions
        "reg_steps_title": "Hierarkisk regresjon av {outcome}: modelloppsummering",
        "reg_coef_title": "Hierarkisk regresjon av {outcome}: koeffisienter",
        "step": "Trinn",
        "term": "Prediktor",
        "added": "Nye prediktorer",
        "r2": "R²",
        "adj_r2": "Justert R²",
        "delta_r2": "ΔR²",
        "f_change": "F-endring",
        "p_change": "p (endring)",
        "b": "B",
        "beta": "β",
        "t": "t",
        "ci_b": "95 % KI for B",
        "const": "(Konstant)",
        "reg_note": "N = {n} (listevis sletting; {excluded} utelatt). Siste trinn er uthevet.",
        "reg_diag": "Diagnostikk for siste trinn: VIF {vif}; toleranse {tol}; Durbin–Watson {dw}; største Cooks "
                    "avstand {cook} ({cook_n} over 1); {z2} % standardiserte residualer utenfor ±2, {z25} % utenfor "
                    "±2,5 og {z3} utenfor ±3; største |DFBETA| (standardisert) {dfb}.",
        "reg_screen": "Prediktorpar med høy korrelasjon før analysen: {pairs}.",
        "coef_fig": "Standardiserte koeffisienter (β) med 95 % konfidensintervall, siste trinn: {outcome}",
        "coef_axis": "β",
        # favourable
        "fav_fig": "Andel positive svar per indeks og {group}",
        "fav_fig_all": "Andel positive svar per indeks og gruppe, alle grupperingsvariabler",
        "fav_note": "Andel respondenter med indeksskår på eller over den laveste positive skalaverdien "
                    "(på en skala 1–6: 5 eller mer).",
        "fav_axis": "% positive",
        "fav_title": "Andel positive svar (%) per indeks og {group}",
        # confidentiality
        "conf_text": "Grupper med færre enn {k} respondenter vises ikke. Disse gruppene er utelatt:",
        "conf_none": "Ingen grupper måtte utelates.",
        "conf_title": "Utelatte grupper",
        "conf_size": "Grunn",
        "conf_lt": "færre enn {k} respondenter",
        "conf_complementary": "skjult for å beskytte en mindre gruppe (kunne ellers regnes ut fra totalene)",
        # replication
        "rep_title": "Publiserte og reproduserte tall",
        "rep_summary": "{k} av {n} tall ligger innenfor toleransen.",
        "rep_table": "Tabell",
        "quantity": "Størrelse",
        "published": "Publisert",
        "reproduced": "Reprodusert",
        "difference": "Differanse",
        "tolerance": "Toleranse",
        "within": "Innenfor",
        # free text
        "free_text_intro": "Svarene vises i tilfeldig rekkefølge og uten bakgrunnsopplysninger.",
        "no_answers": "Ingen svar.",
    },
    "en": {
        "html_lang": "en",
        "report": "Report",
        "contents": "Contents",
        "table": "Table",
        "figure": "Figure",
        "note": "Note",
        "synthetic_title": "Synthetic data",
        "synthetic_text": "Synthetic data: not the thesis's respondents. Every number in this report was computed "
                          "on a synthetic sample.",
        "citation": "Source",
        "n_respondents": "Respondents analysed: {n}",
        "data_file": "Data file: {file}",
        "version": "Made with surveykit {version}",
        "sec_sample": "Sample",
        "sec_method": "Method",
        "sec_descriptives": "Descriptive statistics",
        "sec_factor": "Factor analysis",
        "sec_reliability": "Reliability",
        "sec_comparisons": "Group comparisons",
        "sec_crosstabs": "Crosstabulations",
        "sec_correlations": "Correlations",
        "sec_regressions": "Regression analysis",
        "sec_favourable": "Favourable answers by unit",
        "sec_confidentiality": "Confidentiality",
        "sec_replication": "Published vs reproduced",
        "sec_free_text": "Free-text answers",
        "variable": "Variable",
        "category": "Category",
        "item": "Item",
        "scale": "Scale",
        "group": "Group",
        "where": "Analysis",
        "n": "N",
        "n_lower": "n",
        "pct": "%",
        "mean": "M",
        "sd": "SD",
        "min": "Min",
        "max": "Max",
        "total": "Total",
        "missing": "Missing",
        "test": "Test",
        "p": "p",
        "r": "r",
        "stars_note": "* p < .05. ** p < .01. *** p < .001.",
        "suppressed_cell": "–",
        "sample_title": "Sample by background variables",
        "sample_missing": "not answered",
        "sample_missing_or_hidden": "not answered or hidden",
        "sample_hidden": "small groups hidden, together",
        "method_n": "The analysis covers {n} respondents.",
        "method_missing_codes": "{n} answers coded as 'not answered' were treated as missing.",
        "method_out_of_range": "{n} answers outside the scale range were set to missing.",
        "method_missing_rule": "Correlations and factor analyses use {rule} deletion of missing values; regressions "
                               "use listwise deletion, and group comparisons use every respondent who answered both "
                               "the outcome and the grouping variable.",
        "pairwise": "pairwise",
        "listwise": "listwise",
        "method_alpha": "The significance level is α = {alpha}.",
        "method_min_group": "Groups with fewer than {k} respondents are not shown in any table or figure.",
        "method_fa": "Factor analysis {id} used {extraction} with {rotation}; the number of factors ({k}) was chosen "
                     "{rule}. Loadings below {cutoff} in absolute value are not shown.",
        "rule_kaiser": "by Kaiser's criterion (eigenvalues above 1)",
        "rule_parallel": "by parallel analysis",
        "rule_fixed": "in advance",
        "method_reliability": "Internal consistency is Cronbach's α with a 95% confidence interval (Feldt), "
                              "computed on the respondents who answered every item of the scale (listwise "
                              "deletion); for two-item scales the correlation r and the Spearman–Brown "
                              "coefficient are shown too. An index score is the mean of its items (after "
                              "reverse-keying) for respondents who answered at least the number of items the "
                              "questionnaire requires.",
        "method_compare": "Two groups are compared with an independent-samples t-test (Welch's t when Levene's test "
                          "is significant), three or more with one-way ANOVA and {posthoc} post hoc tests. The "
                          "effect size is r.",
        "method_regression": "Hierarchical linear (OLS) regression with blockwise entry of predictors and listwise "
                             "deletion.",
        "method_recodes": "Recoded variables",
        "extraction_paf": "principal axis factoring",
        "extraction_minres": "minimum residual (minres) extraction",
        "extraction_ml": "maximum likelihood extraction",
        "extraction_pca": "principal component analysis",
        "rotation_oblimin": "oblimin rotation",
        "rotation_quartimin": "quartimin rotation",
        "rotation_promax": "promax rotation",
        "rotation_varimax": "varimax rotation",
        "rotation_quartimax": "quartimax rotation",
        "rotation_none": "no rotation",
        "posthoc_bonferroni": "Bonferroni",
        "posthoc_tukey": "Tukey",
        "posthoc_games-howell": "Games–Howell",
        "desc_title": "Distribution of answers: {name}",
        "desc_index_title": "Descriptive statistics of indices and numeric variables",
        "desc_note": "Percent of valid answers per value. Top 2 = share answering one of the two highest values.",
        "top2": "Top 2 %",
        "likert_fig": "Distribution of answers: {name}",
        "likert_axis": "Percent of valid answers",
        "all_items": "all items",
        "question": "question {q}",
        "fa_heading": "Factor analysis {id}",
        "fa_factorability": "KMO = {kmo}; Bartlett's test: {bartlett}, {p}; determinant = {det}. N = {n} ({missing} "
                            "deletion).",
        "fa_low_msa": "Items with MSA below .50: {items}.",
        "fa_eigen_title": "Eigenvalues and explained variance: {id}",
        "factor": "Factor",
        "eigenvalue": "Eigenvalue",
        "pct_variance": "% of variance",
        "cum_pct": "Cumulative %",
        "parallel_p95": "Parallel analysis (95th percentile)",
        "fa_pattern_title": "Pattern matrix: {id}",
        "fa_pattern_note": "{extraction}, {rotation}. Loadings below {cutoff} in absolute value are not shown. "
                           "h² = communality.",
        "ss_loadings": "Sum of squared loadings",
        "fa_phi_title": "Factor correlations: {id}",
        "scree_fig": "Scree plot: {id}",
        "scree_x": "Factor",
        "scree_y": "Eigenvalue",
        "scree_observed": "Observed eigenvalues",
        "scree_parallel": "Parallel analysis (95th percentile)",
        "scree_kaiser": "Kaiser's criterion (1)",
        "fa_warnings": "Warnings",
        "fa_not_converged": "The extraction did not converge.",
        "rel_title": "Reliability of the indices",
        "n_items": "Items",
        "alpha": "α",
        "alpha_std": "Std. α",
        "alpha_ci": "95% CI",
        "average_r": "Mean r",
        "omega": "ω",
        "two_item_r": "r (2 items)",
        "spearman_brown": "Spearman–Brown",
        "rel_items_title": "Item analysis: {name}",
        "item_total": "Corrected item-total r",
        "alpha_if_deleted": "α if deleted",
        "flags": "Flag",
        "flag_low": "low item-total r",
        "flag_raises": "α rises if deleted",
        "reversed": "(reversed)",
        "cmp_title": "Means by group: {name}",
        "cmp_note": "M = mean, SD = standard deviation, N = number of answers. r = effect size. "
                    "W = Welch's t (Levene's test significant).",
        "posthoc_title": "Post hoc tests ({method}): {name}",
        "group_a": "Group A",
        "group_b": "Group B",
        "mean_diff": "Mean difference",
        "se": "SE",
        "p_adj": "Adjusted p",
        "ci95": "95% CI",
        "means_fig": "Means with 95% confidence intervals by {group}: {name}",
        "means_fig_groups": "Means with 95% confidence intervals by group: {name}",
        "means_axis": "Mean",
        "xt_title": "{row} by {col}",
        "xt_note_suppressed": "– = cell hidden because it has fewer than {k} respondents (or could be worked out "
                              "from the totals).",
        "row_pct": "row %",
        "cramers_v": "Cramér's V",
        "phi": "φ",
        "fisher": "Fisher's exact test",
        "expected_low": "{pct}% of the cells have an expected count below 5.",
        "corr_title": "Correlations: {name}",
        "corr_note": "{method} correlations, pairwise deletion (N = {n}).",
        "pearson": "Pearson",
        "spearman": "Spearman",
        "corr_fig": "Correlations: {name}",
        "reg_steps_title": "Hierarchical regression of {outcome}: model summary",
        "reg_coef_title": "Hierarchical regression of {outcome}: coefficients",
        "step": "Step",
        "term": "Predictor",
        "added": "Predictors added",
        "r2": "R²",
        "adj_r2": "Adjusted R²",
        "delta_r2": "ΔR²",
        "f_change": "F change",
        "p_change": "p (change)",
        "b": "B",
        "beta": "β",
        "t": "t",
        "ci_b": "95% CI for B",
        "const": "(Constant)",
        "reg_note": "N = {n} (listwise deletion; {excluded} excluded). The final step is highlighted.",
        "reg_diag": "Diagnostics of the final step: VIF {vif}; tolerance {tol}; Durbin–Watson {dw}; largest Cook's "
                    "distance {cook} ({cook_n} above 1); {z2}% of standardised residuals beyond ±2, {z25}% beyond ±2.5 "
                    "and {z3} beyond ±3; largest |standardised DFBETA| {dfb}.",
        "reg_screen": "Predictor pairs highly correlated before fitting: {pairs}.",
        "coef_fig": "Standardised coefficients (β) with 95% confidence intervals, final step: {outcome}",
        "coef_axis": "β",
        "fav_fig": "Favourable answers by index and {group}",
        "fav_fig_all": "Favourable answers by index and group, all grouping variables",
        "fav_note": "Share of respondents whose index score is at or above the lowest favourable scale value "
                    "(on a 1–6 scale: 5 or more).",
        "fav_axis": "% favourable",
        "fav_title": "Favourable answers (%) by index and {group}",
        "conf_text": "Groups with fewer than {k} respondents are not shown. These groups were left out:",
        "conf_none": "No group had to be left out.",
        "conf_title": "Groups left out",
        "conf_size": "Reason",
        "conf_lt": "fewer than {k} respondents",
        "conf_complementary": "hidden to protect a smaller group (it could otherwise be worked out from the totals)",
        "rep_title": "Published vs reproduced values",
        "rep_summary": "{k} of {n} values are within tolerance.",
        "rep_table": "Table",
        "quantity": "Quantity",
        "published": "Published",
        "reproduced": "Reproduced",
        "difference": "Difference",
        "tolerance": "Tolerance",
        "within": "Within",
        "free_text_intro": "Answers are shown in random order and without background information.",
        "no_answers": "No answers.",
    },
}


# Measurement models: ordinal factor analysis and alpha, omega hierarchical, CFA and invariance
# (report/sections_cfa.py).
STRINGS["nb"].update({
    "sec_ordinal": "Ordinale korrelasjoner og omega",
    "or_join": " eller ",
    "ord_fa_heading": "Faktoranalyse på polykoriske korrelasjoner: {id}",
    "ord_fa_name": "{id} (polykoriske korrelasjoner)",
    "ord_fa_method": "Påstander med {k} ordnede svarkategorier er behandlet som ordinale: faktoranalysen er "
                     "gjentatt på polykoriske korrelasjoner (Olsson 1979), som anslår korrelasjonen mellom de "
                     "kontinuerlige oppfatningene som antas å ligge bak kategoriene (Pearsons r mellom få ordnede "
                     "kategorier trekkes mot null). Samme ekstraksjon og rotasjon som over, {n_factors} faktorer; "
                     "N = {n} ({missing} sletting); KMO = {kmo}.",
    "ord_smoothed": "Den polykoriske matrisen var ikke positivt definitt og ble glattet (psych cor.smooth).",
    "ord_not_smoothed": "Den polykoriske matrisen er positivt definitt.",
    "ord_rel_title": "Ordinal α og omega hierarkisk",
    "ord_alpha": "Ordinal α",
    "omega_h": "ωₕ",
    "omega_t": "ω total",
    "omega_h_ci": "95 % KI for ωₕ",
    "ecv": "ECV",
    "omega_n": "N (ω)",
    "ord_alpha_note": "Ordinal α = Cronbachs α beregnet på polykoriske korrelasjoner (Zumbo, Gadermann og "
                      "Zeisser 2007), for de samme respondentene som α (listevis). Påstander med {k} ordnede "
                      "kategorier er behandlet som ordinale: polykoriske korrelasjoner (Olsson 1979) tar hensyn til "
                      "at svarene er ordnede kategorier og ikke målinger på en intervallskala. ω = McDonalds ω fra "
                      "én faktor.",
    "omega_note": "ωₕ (omega hierarkisk) og ω total fra en Schmid–Leiman-løsning med en generell faktor og {k} "
                  "gruppefaktorer (minres, oblimin), som psych::omega (Zinbarg mfl. 2005); ωₕ er andelen av "
                  "variansen i sumskåren som skyldes den generelle faktoren. ECV = andel felles varians forklart "
                  "av den generelle faktoren. Korrelasjoner med {missing} sletting.",
    "omega_boot_note": "Konfidensintervallet er et persentil-bootstrapintervall ({b} trekninger, {level} %, frø {seed}).",
    "sec_cfa": "Bekreftende faktoranalyse",
    "cfa_method": "Bekreftende faktoranalyse (CFA) er estimert med sannsynlighetsmaksimering (ML) etter "
                  "konvensjonene i lavaans cfa() (Rosseel 2012): hver faktors første ladning er fastsatt til 1, "
                  "faktorene korrelerer fritt, respondenter som mangler svar på en av påstandene utelates "
                  "(listevis), og standardfeilene bygger på den forventede informasjonsmatrisen. Standardiserte "
                  "ladninger er lavaans «std.all». Vanlige grenser for god tilpasning er CFI og TLI ≥ ,95, "
                  "RMSEA ≤ ,06 og SRMR ≤ ,08 (Hu og Bentler 1999).",
    "cfa_method_mlm": "Med MLM er standardfeilene robuste, og χ² er Satorra–Bentlers skalerte statistikk med "
                      "robuste CFI, TLI og RMSEA (Brosseau-Liard og Savalei 2012, 2014).",
    "cfa_heading": "Bekreftende faktoranalyse: {id}",
    "cfa_n": "N = {n} respondenter med svar på alle påstandene ({dropped} utelatt ved listevis sletting); "
             "estimator {estimator}.",
    "cfa_fit_title": "Modelltilpasning: {id}",
    "cfa_model": "Estimator",
    "cfa_dropped": "Utelatt",
    "cfa_rmsea_ci": "90 % KI (RMSEA)",
    "cfa_robust_row": "Satorra–Bentler (robust)",
    "cfa_fit_note": "χ² = likelihood-ratio-test mot den mettede modellen; CFI = comparative fit index; TLI = "
                    "Tucker–Lewis-indeks; RMSEA med 90 % konfidensintervall; SRMR = standardisert "
                    "gjennomsnittlig kvadrert residual; AIC og BIC for sammenligning av modeller.",
    "cfa_load_title": "Faktorladninger: {id}",
    "cfa_std_loading": "Standardisert ladning",
    "cfa_unstd": "Ustandardisert",
    "cfa_fixed": "fast",
    "cfa_load_note": "Standardiserte ladninger (std.all) med standardfeil fra deltametoden. «fast» = markørladning "
                     "fastsatt til 1 for å gi faktoren en skala.",
    "cfa_phi_title": "Korrelasjoner mellom faktorene: {id}",
    "cfa_rel_title": "Sammensatt reliabilitet og AVE: {id}",
    "cr": "CR",
    "ave": "AVE",
    "cfa_rel_note": "CR = sammensatt reliabilitet fra de standardiserte ladningene, AVE = gjennomsnittlig "
                    "forklart varians (Fornell og Larcker 1981); ω = reliabiliteten til sumskåren fra de "
                    "ustandardiserte estimatene (Raykov 1997). Rader med AVE under ,50 er markert.",
    "cfa_mi_title": "Modifikasjonsindekser: {id}",
    "cfa_mi_kind": "Parameter",
    "cfa_mi_from": "Fra",
    "cfa_mi_to": "Til",
    "cfa_mi_loading": "kryssladning",
    "cfa_mi_cov": "residualkovarians",
    "cfa_sepc": "Std. EPC",
    "cfa_mi_note": "Modifikasjonsindekser på eller over {t}: forventet nedgang i χ² om parameteren settes fri "
                   "(EPC = forventet verdi). De er forslag å vurdere faglig, ikke funn.",
    "cfa_mi_none": "Ingen modifikasjonsindeks er på eller over {t}.",
    "inv_configural": "konfigural",
    "inv_metric": "metrisk",
    "inv_scalar": "skalar",
    "inv_heading": "Målingsinvarians etter {group}: {id}",
    "inv_title": "Målingsinvarians etter {group}: {id}",
    "inv_method": "Målingsinvarians etter {group} ({groups}; N = {n}, {dropped} utelatt ved listevis sletting; "
                  "{estimator}): flergruppe-CFA med konfigural modell (samme mønster), metrisk modell (like "
                  "ladninger) og skalar modell (like ladninger og konstantledd) (Meredith 1993), hver sammenlignet "
                  "med den forrige. Beslutningsregel etter Chen (2007), {rule}: et nivå holder når CFI ikke faller "
                  "med mer enn {dcfi} og RMSEA ikke øker med mer enn {drmsea} (endringen i SRMR vises mot "
                  "{dsrmr_m} for metrisk og {dsrmr_s} for skalar invarians).",
    "inv_model": "Modell",
    "inv_holds": "Holder",
    "inv_note": "Δ = endring fra forrige modell; p gjelder likelihood-ratio-testen av Δχ². Et nivå holder ikke "
                "når nivået under ikke holdt.",
    "inv_error": "Målingsinvarians etter {group} kunne ikke testes: {reason}",
    "inv_scalar_ok": "Skalar invarians etter {group} holder: gjennomsnittene til faktorene kan sammenlignes "
                     "mellom gruppene.",
    "inv_metric_only": "Metrisk, men ikke skalar invarians etter {group}: ladningene er like, men "
                       "konstantleddene er det ikke, så forskjeller i gjennomsnitt mellom gruppene kan skyldes "
                       "hvordan påstandene fungerer i gruppene og ikke bare forskjeller i det som måles.",
    "inv_none": "Verken metrisk eller skalar invarians etter {group} holder: indeksene måler ikke det samme på "
                "samme måte i gruppene.",
    "gate_ok": "{plan}: {level} invarians av {cfa} etter {group} holder, så gjennomsnittene til {outcomes} etter "
               "{group} kan sammenlignes.",
    "gate_fail": "Advarsel – {plan}: {level} invarians av {cfa} etter {group} holder ikke (Chen 2007). "
                 "Sammenligningen av {outcomes} etter {group} er beregnet, men forskjellen i gjennomsnitt kan "
                 "skyldes at påstandene fungerer ulikt i gruppene; tolk den med forsiktighet.",
    "gate_untested": "{plan}: {level} invarians av {cfa} etter {group} kunne ikke testes; sammenligningen av "
                     "{outcomes} etter {group} forutsetter den uten at den er prøvd.",
})
STRINGS["en"].update({
    "sec_ordinal": "Ordinal correlations and omega",
    "or_join": " or ",
    "ord_fa_heading": "Factor analysis on polychoric correlations: {id}",
    "ord_fa_name": "{id} (polychoric correlations)",
    "ord_fa_method": "Items with {k} ordered categories treated as ordinal: the factor analysis was repeated on "
                     "polychoric correlations (Olsson 1979), which estimate the correlation of the continuous "
                     "responses assumed behind the categories (Pearson r between a few ordered categories is "
                     "biased towards zero). Same extraction and rotation as above, {n_factors} factors; N = {n} "
                     "({missing} deletion); KMO = {kmo}.",
    "ord_smoothed": "The polychoric matrix was not positive definite and was smoothed (psych cor.smooth).",
    "ord_not_smoothed": "The polychoric matrix is positive definite.",
    "ord_rel_title": "Ordinal α and omega hierarchical",
    "ord_alpha": "Ordinal α",
    "omega_h": "ωₕ",
    "omega_t": "ω total",
    "omega_h_ci": "95% CI for ωₕ",
    "ecv": "ECV",
    "omega_n": "N (ω)",
    "ord_alpha_note": "Ordinal α = Cronbach's α computed on polychoric correlations (Zumbo, Gadermann & Zeisser "
                      "2007), for the same respondents as α (listwise). Items with {k} ordered categories treated "
                      "as ordinal: polychoric correlations (Olsson 1979) take into account that the answers are "
                      "ordered categories, not measurements on an interval scale. ω = McDonald's one-factor ω.",
    "omega_note": "ωₕ (omega hierarchical) and ω total from a Schmid–Leiman solution with a general factor and {k} "
                  "group factors (minres, oblimin), as psych::omega (Zinbarg et al. 2005); ωₕ is the share of the "
                  "variance of the sum score due to the general factor. ECV = share of the common variance "
                  "explained by the general factor. Correlations with {missing} deletion.",
    "omega_boot_note": "The confidence interval is a percentile bootstrap interval ({b} resamples, {level}%, seed {seed}).",
    "sec_cfa": "Confirmatory factor analysis",
    "cfa_method": "Confirmatory factor analysis (CFA) was estimated by maximum likelihood (ML) following the "
                  "conventions of lavaan's cfa() (Rosseel 2012): the first loading of each factor is fixed to 1, "
                  "the factors correlate freely, respondents missing any of the items are left out (listwise "
                  "deletion), and standard errors come from the expected information matrix. Standardised "
                  "loadings are lavaan's std.all. Common cut-offs for good fit are CFI and TLI ≥ .95, "
                  "RMSEA ≤ .06 and SRMR ≤ .08 (Hu & Bentler 1999).",
    "cfa_method_mlm": "With MLM the standard errors are robust and χ² is the Satorra–Bentler scaled statistic, "
                      "with robust CFI, TLI and RMSEA (Brosseau-Liard & Savalei 2012, 2014).",
    "cfa_heading": "Confirmatory factor analysis: {id}",
    "cfa_n": "N = {n} respondents who answered every item ({dropped} left out by listwise deletion); "
             "estimator {estimator}.",
    "cfa_fit_title": "Model fit: {id}",
    "cfa_model": "Estimator",
    "cfa_dropped": "Left out",
    "cfa_rmsea_ci": "90% CI (RMSEA)",
    "cfa_robust_row": "Satorra–Bentler (robust)",
    "cfa_fit_note": "χ² = likelihood-ratio test against the saturated model; CFI = comparative fit index; TLI = "
                    "Tucker–Lewis index; RMSEA with its 90% confidence interval; SRMR = standardised root mean "
                    "square residual; AIC and BIC for comparing models.",
    "cfa_load_title": "Factor loadings: {id}",
    "cfa_std_loading": "Standardised loading",
    "cfa_unstd": "Unstandardised",
    "cfa_fixed": "fixed",
    "cfa_load_note": "Standardised loadings (std.all) with delta-method standard errors. 'fixed' = marker loading "
                     "fixed to 1 to give the factor its scale.",
    "cfa_phi_title": "Factor correlations: {id}",
    "cfa_rel_title": "Composite reliability and AVE: {id}",
    "cr": "CR",
    "ave": "AVE",
    "cfa_rel_note": "CR = composite reliability from the standardised loadings, AVE = average variance extracted "
                    "(Fornell & Larcker 1981); ω = reliability of the sum score from the unstandardised estimates "
                    "(Raykov 1997). Rows with AVE below .50 are highlighted.",
    "cfa_mi_title": "Modification indices: {id}",
    "cfa_mi_kind": "Parameter",
    "cfa_mi_from": "From",
    "cfa_mi_to": "To",
    "cfa_mi_loading": "cross-loading",
    "cfa_mi_cov": "residual covariance",
    "cfa_sepc": "Std. EPC",
    "cfa_mi_note": "Modification indices at or above {t}: the expected fall in χ² if the parameter were freed "
                   "(EPC = its expected value). They are suggestions to weigh on substantive grounds, not findings.",
    "cfa_mi_none": "No modification index is at or above {t}.",
    "inv_configural": "configural",
    "inv_metric": "metric",
    "inv_scalar": "scalar",
    "inv_heading": "Measurement invariance by {group}: {id}",
    "inv_title": "Measurement invariance by {group}: {id}",
    "inv_method": "Measurement invariance by {group} ({groups}; N = {n}, {dropped} left out by listwise deletion; "
                  "{estimator}): multi-group CFA with a configural model (same pattern), a metric model (equal "
                  "loadings) and a scalar model (equal loadings and intercepts) (Meredith 1993), each compared with "
                  "the previous one. Decision rule of Chen (2007), {rule}: a level holds when CFI falls by no more "
                  "than {dcfi} and RMSEA rises by no more than {drmsea} (the change in SRMR is shown against "
                  "{dsrmr_m} for metric and {dsrmr_s} for scalar invariance).",
    "inv_model": "Model",
    "inv_holds": "Holds",
    "inv_note": "Δ = change from the previous model; p is that of the likelihood-ratio test of Δχ². A level does "
                "not hold when the level below it did not hold.",
    "inv_error": "Measurement invariance by {group} could not be tested: {reason}",
    "inv_scalar_ok": "Scalar invariance by {group} holds: the factor means may be compared between the groups.",
    "inv_metric_only": "Metric but not scalar invariance by {group}: the loadings are equal but the intercepts "
                       "are not, so differences in means between the groups may reflect how the items function "
                       "in the groups rather than differences in what is measured.",
    "inv_none": "Neither metric nor scalar invariance by {group} holds: the indices do not measure the same thing "
                "in the same way in the groups.",
    "gate_ok": "{plan}: {level} invariance of {cfa} by {group} holds, so the means of {outcomes} by {group} may be "
               "compared.",
    "gate_fail": "Warning – {plan}: {level} invariance of {cfa} by {group} does not hold (Chen 2007). The "
                 "comparison of {outcomes} by {group} is computed, but its difference in means may reflect items "
                 "that function differently in the groups; interpret it with caution.",
    "gate_untested": "{plan}: {level} invariance of {cfa} by {group} could not be tested; the comparison of "
                     "{outcomes} by {group} assumes it untested.",
})


def strings(lang: str) -> dict[str, str]:
    """The texts of ``lang`` ('nb' or 'en'); a key missing in nb falls back to English."""
    if lang not in STRINGS:
        raise ValueError(f"unknown report language {lang!r}; choose one of {sorted(STRINGS)}")
    return {**STRINGS["en"], **STRINGS[lang]}
