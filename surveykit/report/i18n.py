"""The report's fixed texts in Norwegian (bokmål) and English. Placeholders use str.format names.

Longer than 500 lines because it holds every fixed text of the report in both languages, kept in one
place so that a translator sees each text beside its counterpart.
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
        "synthetic_text": "Tallene i denne rapporten er beregnet på syntetiske (simulerte) data, ikke på "
                          "virkelige svar.",
        "citation": "Kilde",
        "n_respondents": "Antall respondenter analysert: {n}",
        "data_file": "Datafil: {file}",
        "version": "Laget med surveykit {version}",
        # sections
        "sec_summary": "Sammendrag",
        "sum_sample": "Analysen omfatter {n} respondenter.",
        "sum_answers": "Hver påstand ble besvart av mellom {lo} % og {hi} % av dem.",
        "sum_answers_same": "Hver påstand ble besvart av {pct} % av dem.",
        "desc_n_items": "{n} påstander",
        "sum_indices_title": "Indeksene: reliabilitet, gjennomsnitt og andel positive svar",
        "sum_indices_note": "α = Cronbachs alfa; M og SD av indeksskårene; % positive og % negative av alle svar "
                            "på indeksens påstander samlet (se avsnittet om andel positive svar).",
        "sum_differences": "De {k} største signifikante forskjellene mellom grupper (etter effektstørrelse r):",
        "sum_difference": "{outcome} etter {group}: {test}, {p}, r = {r}; høyest {high} (M = {high_m}), lavest "
                          "{low} (M = {low_m}).",
        "sum_no_differences": "Ingen av gruppesammenligningene var signifikante.",
        "sum_regression": "Regresjonsmodellen for {outcome} forklarer R² = {r2} av variansen (justert R² = {adj}; "
                          "N = {n}, {k} trinn).",
        "sum_protected": "For å beskytte små grupper ble {parts} ({variables}); ellers kunne færre enn {k} "
                         "respondenter vises eller regnes ut fra totalene. Se avsnittet om konfidensialitet.",
        "sum_hidden_one": "1 gruppe skjult", "sum_hidden_many": "{n} grupper skjult",
        "sum_merged_many": "{n} grupper slått sammen",
        "and": " og ",
        "sum_none_suppressed": "Ingen grupper måtte skjules (alle hadde minst {k} respondenter).",
        "sec_sample": "Utvalget",
        "sec_method": "Metode",
        "sec_descriptives": "Beskrivende statistikk",
        "sec_factor": "Faktoranalyse",
        "sec_reliability": "Reliabilitet",
        "sec_comparisons": "Sammenligning av grupper",
        "sec_crosstabs": "Krysstabeller",
        "sec_correlations": "Korrelasjoner",
        "sec_regressions": "Regresjonsanalyse",
        "sec_favourable": "Andel positive svar per gruppe",
        "sec_favourable_all": "Andel positive svar",
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
        "method_fa": "Faktoranalysen «{id}» brukte {extraction} med {rotation}; antall faktorer ({k}) ble valgt "
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
        "desc_extremes_note": "– = minste eller største verdi vises ikke fordi færre enn {k} respondenter har "
                              "den (den ville beskrive dem).",
        "desc_note": "Prosent av gyldige svar per verdi. Topp 2 = andel som svarte en av de to høyeste verdiene.",
        "desc_reversed_note": "Påstander merket (reversert) vises snudd: {pairs}.",
        "desc_dont_know_note": "% {label}: andel av dem som svarte på påstanden; disse svarene er holdt utenfor N, "
                               "gjennomsnitt, standardavvik og prosentene per verdi.",
        "top2": "Topp 2 %",
        "likert_fig": "Svarfordeling: {name}",
        "likert_axis": "Prosent av gyldige svar",
        "all_items": "alle påstander",
        "question": "spørsmål {q}",
        # factor analysis
        "fa_heading": "Faktoranalyse: {id}",
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
        "cmp_note": "n = antall svar, M = gjennomsnitt, SD = standardavvik. r = effektstørrelse. "
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
        "fav_items_fig": "Andel positive svar per påstand og {group}",
        "fav_scale_note": "På skalaen {lo}–{hi} er {fav} positive, {neu} nøytrale og {unf} negative svar.",
        "fav_pool_note": "Prosent av gyldige svar på skalaen (ubesvart og svar utenfor skalaen telles ikke), "
                         "etter snuing av reverserte påstander. En indeks teller alle svarene på påstandene "
                         "sine samlet. Δ = gruppen minus Alle, i prosentpoeng; n = respondenter som har svart.",
        "fav_axis": "% positive",
        "fav_title": "Andel positive svar (%) per gruppe og indeks",
        "fav_overall_title": "Positive, nøytrale og negative svar (%) per indeks og påstand, hele utvalget",
        "fav_pct": "% positive",
        "neutral_pct": "% nøytrale",
        "unfav_pct": "% negative",
        "diff_pp": "Δ",
        "grouping": "Grupperingsvariabel",
        "code": "Kode",
        "statistic": "Testobservator",
        "test_text": "Test (tekst)",
        "t_variant": "t-test",
        "variant_student": "Student",
        "variant_welch": "Welch",
        "levene_f": "Levene F",
        "levene_p": "Levene p",
        "groups_compared": "Grupper",
        "reported": "Rapportert",
        "ci_low": "KI nedre",
        "ci_high": "KI øvre",
        "ttest_title": "t-tester for uavhengige utvalg: {name}",
        "ttest_note": "Levenes test for like varianser (sentrert om gjennomsnittet, som i SPSS). Students t antar like "
                      "varianser, Welchs t ikke; † = varianten som er rapportert i tabellen over (Welch når "
                      "Levenes test er signifikant). Differanse = første minus andre gruppe i parentes, med 95 % KI; "
                      "d = Cohens d (felles standardavvik); r = √(t²/(t² + df)).",
        "anova_title": "Variansanalyse: {name}",
        "anova_note": "KS = kvadratsum, GK = gjennomsnittlig kvadratsum (KS/df). η² = KS mellom / KS totalt; "
                      "ω² = (KS mellom − df mellom · GK innen) / (KS totalt + GK innen).",
        "source": "Kilde",
        "source_between": "Mellom grupper",
        "source_within": "Innen grupper",
        "source_total": "Totalt",
        "ss": "KS",
        "ms": "GK",
        "title_col": "Tittel",
        "sheet_col": "Ark",
        "block_col": "Blokk",
        "answers_sheet": "S",
        "initial_eigen": "Egenverdier (initiale)",
        "extraction_ss": "Ekstraksjon: sum kvadrerte ladninger",
        "rotation_ss": "Rotasjon: sum kvadrerte ladninger",
        "total_col": "Totalt",
        "fa_eigen_note": "Uthevet: faktorene som er beholdt. Ekstraksjonssummene er fra den uroterte løsningen.",
        "fa_eigen_note_oblique": "Uthevet: faktorene som er beholdt. Ekstraksjonssummene er fra den uroterte "
                                 "løsningen. Ved skjev rotasjon er rotasjonssummene summer av kvadrerte "
                                 "strukturladninger og kan ikke legges sammen til forklart varians (som i SPSS).",
        "fa_msa_note": "MSA = påstandens Kaiser–Meyer–Olkin-mål (diagonalen i anti-image-korrelasjonsmatrisen); "
                       "verdier under ,50 tilsier at påstanden passer dårlig i faktoranalysen.",
        "fa_structure_title": "Strukturmatrise: {id}",
        "fa_structure_note": "Korrelasjoner mellom påstander og faktorer (mønstermatrisen ganger "
                             "faktorkorrelasjonene). Verdier på ,40 eller mer er uthevet.",
        "index": "Indeks",
        "n_answers": "Antall svar",
        "reversed_col": "Reversert",
        "term_key": "Nøkkel",
        "col_pct": "kolonne-%",
        "all": "Alle",
        "source_table": "{title} (tabell {number} i kilden)",
        "none": "ingen",
        # confidentiality
        "conf_text": "Ingen tabell viser en gruppe med færre enn {k} respondenter, og ingen differanse mellom "
                     "publiserte tall (også mellom en variabel og dens omkodinger) skiller ut færre enn {k}. "
                     "Små grupper slås først sammen med en nabokategori; bare når det ikke hjelper, skjules de. "
                     "Disse kategoriene er slått sammen eller skjult:",
        "conf_none": "Ingen grupper måtte slås sammen eller skjules.",
        "conf_title": "Sammenslåtte og skjulte kategorier",
        "conf_size": "Grunn",
        "conf_action": "Tiltak",
        "conf_merged": "slått sammen",
        "conf_hidden": "skjult",
        "conf_lt": "færre enn {k} respondenter",
        "conf_lt_linked": "færre enn {k} respondenter, alene eller som differanse mot en koblet variabel",
        "conf_lt_outcome": "færre enn {k} svar på dette utfallet, alene eller som differanse",
        "conf_complementary": "skjult for å beskytte en mindre gruppe (kunne ellers regnes ut fra totalene)",
        "conf_everywhere": "alle tabeller, figurer og tester",
        "conf_outcome": "sammenligninger og andel positive for {outcome}",
        "conf_regression": "regresjonsanalysen {name}",
        "where_comparison": "sammenligningen «{name}»", "where_regression": "regresjonsanalysen «{name}»",
        "where_crosstab": "krysstabellen «{name}»", "where_cfa": "den bekreftende faktoranalysen «{name}»",
        "where_invariance": "målingsinvarians",
        "sec_skipped": "Analyser som ikke kunne gjennomføres",
        "skipped_text": "Disse analysene i analyseplanen ga ikke noe resultat og mangler derfor i rapporten. Grunnen "
                        "er meldingen fra beregningen (på engelsk, som i results.json).",
        "skipped_title": "Analyser uten resultat", "skipped_analysis": "Analyse", "skipped_reason": "Grunn",
        "cmp_note_protected": "Slått sammen eller skjult fordi grupper på færre enn {k} ellers kunne regnes ut "
                              "(se Konfidensialitet): {what}.",
        "conf_lt_regression": "færre enn {k} respondenter blant regresjonens respondenter, alene eller som differanse",
        "xt_note_merged": "Slått sammen fordi en celle ellers ville hatt færre enn {k} respondenter: {what}. "
                          "Testen og effektstørrelsen gjelder tabellen slik den vises.",
        "xt_note_withheld": "Testen og effektstørrelsen er holdt tilbake: med cellene som er skjult kunne de "
                            "ellers brukes til å regne ut de skjulte cellene.",
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
        "answers_selection": "Viser {shown} av {n} svar, et tilfeldig utvalg; alle står i tables.xlsx.",
        # reverse keys and non-substantive answers (surveykit.measure.scoring)
        "method_non_substantive": "{n} svar var «{labels}» (kode {codes}). De er telt og vist per påstand som "
                                  "«% {first}», men holdt utenfor gjennomsnitt, standardavvik, tester og "
                                  "andel positive.",
        "method_reversed": "Reverserte påstander ({items}) er snudd i alle analyser (svaret x teller som "
                           "min + maks − x, slik at en høy verdi er positiv) og merket «(reversert)»: prosent per "
                           "verdi, gjennomsnitt og andel positive gjelder de snudde svarene.",
        # the survey cycle (issue 16): report/sections_organisation.py
        "sec_response": "Svarprosent per enhet",
        "sec_waves": "Endring over tid",
        "sec_drivers": "Nøkkeldrivere",
        "sec_engagement": "Engasjement og eNPS",
        "unit": "Enhet",
        "level": "Nivå",
        "headcount": "Ansatte",
        "respondents": "Respondenter",
        "rate_pct": "Svarprosent",
        "unit_hidden": "skjult",
        "rr_title": "Svarprosent per enhet, alle nivåer",
        "rr_text": "Svarprosenten er antall respondenter i enheten og alle enheter under den, delt på antall "
                   "ansatte i enhetsfilen {file}. En enhet uten oppgitt antall ansatte får summen av "
                   "underenhetene sine (merket Σ).",
        "rr_over_100": "Over 100 %: antall ansatte i enhetsfilen er trolig utdatert, eller noen har valgt feil enhet.",
        "units_protect": "Enheter med færre enn {k} respondenter vises ikke, og heller ikke noe under dem; "
                         "respondentene deres teller med i enhetene over. For at en skjult enhet ikke skal kunne "
                         "regnes ut som enheten over minus de synlige søsterenhetene, skjules også den minste "
                         "søsterenheten når bare én del er skjult eller de skjulte delene til sammen har færre enn "
                         "{k} respondenter (komplementær skjuling). Samme regel gjelder antall svar bak hvert tall.",
        "units_hidden": "Skjult: {units}.",
        "units_none_hidden": "Ingen enhet måtte skjules.",
        "reason_small": "færre enn {k} respondenter",
        "reason_complementary": "beskytter en mindre enhet",
        "reason_parent": "en enhet over den er skjult",
        "waves_method": "Runden {current} sammenlignes med hver tidligere runde: endring i gjennomsnitt med Welchs "
                        "t-test (95 % KI, Cohens d) og endring i andel positive svar med Newcombes KI og z-test. "
                        "En endring markeres (↑/↓) bare når p < {alpha} og den er minst {mean} skalapoeng "
                        "(gjennomsnitt) eller {pct} prosentpoeng (andel positive). Mange endringer testes "
                        "samtidig, så noen markerte endringer kan være tilfeldige. Enhetene er koblet på kode "
                        "mellom rundene. For en indeks er andelen positive her andelen respondenter med indeksskår "
                        "på eller over skalaens laveste positive verdi (Newcombes intervall trenger ett ja/nei per "
                        "respondent); tabellene over andel positive slår i stedet sammen svarene på påstandene.",
        "trend_fig": "Indeksene i hver runde (gjennomsnitt, hele organisasjonen)",
        "trend_axis": "Gjennomsnitt",
        "wave_index_title": "Endring i indeksene fra {prev} til {curr}, hele organisasjonen og per enhet",
        "wave_item_title": "Endring per påstand fra {prev} til {curr}, hele organisasjonen",
        "change": "Endring",
        "fav_change": "Endring % positive",
        "flag": "Markert",
        "waves_n": "{label}: {n} respondenter ({file}).",
        "waves_only_in": "Bare i én runde, ikke sammenlignet: {vars}.",
        "waves_renamed": "Lest under nytt navn fra runden {prev}: {pairs}.",
        "waves_units_only": "Enheter med respondenter i bare én av rundene {prev} og {curr} (nye, sammenslåtte "
                            "eller nedlagte): {units}.",
        "waves_hidden": "Ikke vist per enhet fordi de er skjult i en av rundene: {units}.",
        "waves_ignored": "Kolonner i {file} som spørreskjemaet ikke lenger har, ble ikke lest: {cols}.",
        "drivers_method": "Hvor mye hver prediktor bidrar til den forklarte variansen (R²) i {outcome} er delt opp "
                          "på to måter som tar hensyn til at prediktorene henger sammen: relative vekter (Johnson "
                          "2000) og dominansanalyse, der generell dominans er den gjennomsnittlige økningen i R² "
                          "når prediktoren legges til (Budescu 1993; Azen og Budescu 2003). Begge summerer til R². "
                          "Konfidensintervallene er persentilintervaller fra {boot} bootstrap-utvalg (frø {seed}). "
                          "Respondenter som mangler en av variablene er utelatt (listevis): N = {n} ({excluded} "
                          "utelatt), R² = {r2}.",
        "drivers_title": "Nøkkeldrivere for {outcome}",
        "rw_pct": "Relativ vekt, % av R²",
        "gd_pct": "Generell dominans, % av R²",
        "rank": "Rang",
        "quadrant": "Kvadrant",
        "q_strengths": "styrke",
        "q_priorities": "prioritet",
        "q_maintain": "vedlikehold",
        "q_monitor": "følg med",
        "matrix_fig": "Prioriteringsmatrise for {outcome}: viktighet mot andel positive",
        "matrix_x": "% positive svar",
        "matrix_y": "Viktighet (relativ vekt, % av R²)",
        "matrix_note": "Skillelinjene er medianene blant driverne: viktighet {icut} %, positive {fcut} %. Styrker: "
                       "viktige og mange positive; prioriteter: viktige og få positive; vedlikehold: mindre "
                       "viktige og mange positive; følg med: mindre viktige og få positive.",
        "complete_dom": "Fullstendig dominans (gir mer R² enn den andre i alle delmengder av de øvrige): {pairs}.",
        "eng_index_method": "{label}: andelen som svarer positivt ({fav}) på alle påstandene i indeksen {index}, "
                            "blant dem som har svart på alle ({incomplete} har ikke det); Wilsons "
                            "konfidensintervall.",
        "enps_method": "{label}: eNPS = % ambassadører (9–10) minus % kritikere (0–6) på «{item}» (0–10), fra "
                       "−100 til 100, med justert Wald-intervall (Rocks 2016); {missing} uten gyldig svar.",
        "eng_title": "{label}, hele organisasjonen og per enhet",
        "pct_engaged": "% engasjert",
        "promoters": "% ambassadører",
        "detractors": "% kritikere",
        "eng_hidden": "Enheter med færre enn {k} svar, og enheter som er skjult for å beskytte dem, vises ikke.",
    },
    "en": {
        "html_lang": "en",
        "report": "Report",
        "contents": "Contents",
        "table": "Table",
        "figure": "Figure",
        "note": "Note",
        "synthetic_title": "Synthetic data",
        "synthetic_text": "Every number in this report was computed on synthetic (simulated) data, not on real "
                          "respondents' answers.",
        "citation": "Source",
        "n_respondents": "Respondents analysed: {n}",
        "data_file": "Data file: {file}",
        "version": "Made with surveykit {version}",
        "sec_summary": "Summary",
        "sum_sample": "The analysis covers {n} respondents.",
        "sum_answers": "Each item was answered by between {lo}% and {hi}% of them.",
        "sum_answers_same": "Each item was answered by {pct}% of them.",
        "desc_n_items": "{n} items",
        "sum_indices_title": "The indices: reliability, mean and favourable answers",
        "sum_indices_note": "α = Cronbach's alpha; M and SD of the index scores; % favourable and % unfavourable "
                            "of all answers to the index's items pooled (see the section on favourable answers).",
        "sum_differences": "The {k} largest significant differences between groups (by effect size r):",
        "sum_difference": "{outcome} by {group}: {test}, {p}, r = {r}; highest {high} (M = {high_m}), lowest "
                          "{low} (M = {low_m}).",
        "sum_no_differences": "None of the group comparisons was significant.",
        "sum_regression": "The regression model for {outcome} explains R² = {r2} of the variance (adjusted R² = "
                          "{adj}; N = {n}, {k} steps).",
        "sum_protected": "To protect small groups, {parts} ({variables}); otherwise fewer than {k} respondents "
                         "could be shown or worked out from the totals. See the section on confidentiality.",
        "sum_hidden_one": "1 group was hidden", "sum_hidden_many": "{n} groups were hidden",
        "sum_merged_many": "{n} groups were merged",
        "and": " and ",
        "sum_none_suppressed": "No group had to be hidden (every group had at least {k} respondents).",
        "sec_sample": "Sample",
        "sec_method": "Method",
        "sec_descriptives": "Descriptive statistics",
        "sec_factor": "Factor analysis",
        "sec_reliability": "Reliability",
        "sec_comparisons": "Group comparisons",
        "sec_crosstabs": "Crosstabulations",
        "sec_correlations": "Correlations",
        "sec_regressions": "Regression analysis",
        "sec_favourable": "Favourable answers by group",
        "sec_favourable_all": "Favourable answers",
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
        "method_fa": "The factor analysis “{id}” used {extraction} with {rotation}; the number of factors ({k}) was chosen "
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
        "desc_extremes_note": "– = smallest or largest value not shown because fewer than {k} respondents have "
                              "it (it would describe them).",
        "desc_note": "Percent of valid answers per value. Top 2 = share answering one of the two highest values.",
        "desc_reversed_note": "Items marked (reversed) are shown reversed: {pairs}.",
        "desc_dont_know_note": "% {label}: share of those who answered the item; these answers are left out of N, "
                               "the mean, SD and the percentages per value.",
        "top2": "Top 2 %",
        "likert_fig": "Distribution of answers: {name}",
        "likert_axis": "Percent of valid answers",
        "all_items": "all items",
        "question": "question {q}",
        "fa_heading": "Factor analysis: {id}",
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
        "cmp_note": "n = number of answers, M = mean, SD = standard deviation. r = effect size. "
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
        "fav_items_fig": "Favourable answers by item and {group}",
        "fav_scale_note": "On the {lo}–{hi} scale, {fav} are favourable, {neu} neutral and {unf} unfavourable answers.",
        "fav_pool_note": "Per cent of the answers on the scale (missing answers and answers off the scale are not "
                         "counted), reverse-keyed items in their keyed direction. An index pools all the answers to "
                         "its items. Δ = group minus All, in percentage points; n = respondents who answered.",
        "fav_axis": "% favourable",
        "fav_title": "Favourable answers (%) by group and index",
        "fav_overall_title": "Favourable, neutral and unfavourable answers (%) by index and item, whole sample",
        "fav_pct": "% favourable",
        "neutral_pct": "% neutral",
        "unfav_pct": "% unfavourable",
        "diff_pp": "Δ",
        "grouping": "Grouping variable",
        "code": "Code",
        "statistic": "Statistic",
        "test_text": "Test (text)",
        "t_variant": "t-test",
        "variant_student": "Student",
        "variant_welch": "Welch",
        "levene_f": "Levene F",
        "levene_p": "Levene p",
        "groups_compared": "Groups",
        "reported": "Reported",
        "ci_low": "CI low",
        "ci_high": "CI high",
        "ttest_title": "Independent-samples t-tests: {name}",
        "ttest_note": "Levene's test of equal variances (centred on the mean, as in SPSS). Student's t assumes "
                      "equal variances, Welch's t does not; † = the variant reported in the table above (Welch "
                      "when Levene's test is significant). Difference = the first group named minus the second, with its 95% "
                      "CI; d = Cohen's d (pooled SD); r = √(t²/(t² + df)).",
        "anova_title": "Analysis of variance: {name}",
        "anova_note": "SS = sum of squares, MS = mean square (SS/df). η² = SS between / SS total; "
                      "ω² = (SS between − df between · MS within) / (SS total + MS within).",
        "source": "Source",
        "source_between": "Between groups",
        "source_within": "Within groups",
        "source_total": "Total",
        "ss": "SS",
        "ms": "MS",
        "title_col": "Title",
        "sheet_col": "Sheet",
        "block_col": "Block",
        "answers_sheet": "A",
        "initial_eigen": "Initial eigenvalues",
        "extraction_ss": "Extraction sums of squared loadings",
        "rotation_ss": "Rotation sums of squared loadings",
        "total_col": "Total",
        "fa_eigen_note": "Bold: the factors retained. Extraction sums are of the unrotated solution.",
        "fa_eigen_note_oblique": "Bold: the factors retained. Extraction sums are of the unrotated solution. With "
                                 "an oblique rotation the rotation sums are sums of squared structure loadings and "
                                 "cannot be added to obtain a total variance (as in SPSS).",
        "fa_msa_note": "MSA = the item's Kaiser–Meyer–Olkin measure of sampling adequacy (the diagonal of the "
                       "anti-image correlation matrix); values below .50 suggest the item does not belong in "
                       "the factor analysis.",
        "fa_structure_title": "Structure matrix: {id}",
        "fa_structure_note": "Correlations of the items with the factors (the pattern matrix times the factor "
                             "correlations). Values of .40 or more in bold.",
        "index": "Index",
        "n_answers": "Answers",
        "reversed_col": "Reversed",
        "term_key": "Key",
        "col_pct": "column %",
        "all": "All",
        "source_table": "{title} (Table {number} in the source)",
        "none": "none",
        "conf_text": "No table shows a group of fewer than {k} respondents, and no difference between published "
                     "numbers (also between a variable and its recodes) isolates fewer than {k}. Small groups are "
                     "merged with a neighbouring category first; they are hidden only when that does not help. "
                     "These categories were merged or hidden:",
        "conf_none": "No group had to be merged or hidden.",
        "conf_title": "Merged and hidden categories",
        "conf_size": "Reason",
        "conf_action": "Action",
        "conf_merged": "merged",
        "conf_hidden": "hidden",
        "conf_lt": "fewer than {k} respondents",
        "conf_lt_linked": "fewer than {k} respondents, alone or by difference with a linked variable",
        "conf_lt_outcome": "fewer than {k} answers on this outcome, alone or by difference",
        "conf_complementary": "hidden to protect a smaller group (it could otherwise be worked out from the totals)",
        "conf_everywhere": "all tables, figures and tests",
        "conf_outcome": "comparisons and favourable % of {outcome}",
        "conf_regression": "regression {name}",
        "where_comparison": "the comparison «{name}»", "where_regression": "the regression «{name}»",
        "where_crosstab": "the crosstab «{name}»", "where_cfa": "the confirmatory factor analysis «{name}»",
        "where_invariance": "measurement invariance",
        "sec_skipped": "Analyses that could not be run",
        "skipped_text": "These analyses of the analysis plan gave no result and are therefore missing from the "
                        "report. The reason is the computation's message, as in results.json.",
        "skipped_title": "Analyses without a result", "skipped_analysis": "Analysis", "skipped_reason": "Reason",
        "cmp_note_protected": "Merged or hidden because groups of fewer than {k} could otherwise be worked out "
                              "(see Confidentiality): {what}.",
        "conf_lt_regression": "fewer than {k} of the regression's respondents, alone or by difference",
        "xt_note_merged": "Merged because a cell would otherwise hold fewer than {k} respondents: {what}. "
                          "The test and the effect size are those of the table as shown.",
        "xt_note_withheld": "The test and the effect size are withheld: with the hidden cells they could "
                            "otherwise be used to work the hidden cells out.",
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
        "answers_selection": "Showing {shown} of {n} answers, a random selection; all are in tables.xlsx.",
        "method_non_substantive": "{n} answers were '{labels}' (code {codes}). They are counted and shown per item "
                                  "as '% {first}', but left out of means, standard deviations, tests and "
                                  "favourable %.",
        "method_reversed": "Reverse-keyed items ({items}) are scored in reverse in every analysis (an answer x "
                           "counts as min + max − x, so that a high score is favourable) and marked '(reversed)': "
                           "their percentages per value, means and favourable % are of the reversed answers.",
        # the survey cycle (issue 16): report/sections_organisation.py
        "sec_response": "Response rate by unit",
        "sec_waves": "Change over time",
        "sec_drivers": "Key drivers",
        "sec_engagement": "Engagement and eNPS",
        "unit": "Unit",
        "level": "Level",
        "headcount": "Headcount",
        "respondents": "Respondents",
        "rate_pct": "Response rate (%)",
        "unit_hidden": "hidden",
        "rr_title": "Response rate by unit, every level",
        "rr_text": "The response rate is the number of respondents in the unit and every unit below it, divided "
                   "by the headcount in the units file {file}. A unit without a headcount of its own gets the "
                   "sum of its subunits' (marked Σ).",
        "rr_over_100": "Above 100%: the headcount in the units file is probably out of date, or respondents chose "
                       "the wrong unit.",
        "units_protect": "Units with fewer than {k} respondents are not shown, nor anything below them; their "
                         "respondents count in the units above. So that a hidden unit cannot be worked out as its "
                         "parent minus its visible siblings, the smallest sibling is hidden too while only one "
                         "part is hidden or the hidden parts hold fewer than {k} respondents together "
                         "(complementary suppression). The same rule applies to the number of answers behind "
                         "each figure.",
        "units_hidden": "Hidden: {units}.",
        "units_none_hidden": "No unit had to be hidden.",
        "reason_small": "fewer than {k} respondents",
        "reason_complementary": "protects a smaller unit",
        "reason_parent": "a unit above it is hidden",
        "waves_method": "The {current} wave is compared with each earlier wave: the change in mean by Welch's t-test "
                        "(95% CI, Cohen's d) and the change in favourable answers by Newcombe's CI and a z test. A "
                        "change is flagged (↑/↓) only where p < {alpha} and it is at least {mean} scale points "
                        "(means) or {pct} percentage points (favourable). Many changes are tested at once, so some "
                        "flagged changes may be chance. Units are matched by code across waves. For an index, the favourable "
                        "share here is the share of respondents whose index score reaches the scale's lowest favourable "
                        "value (Newcombe's interval needs one yes/no per respondent); the favourable tables pool the "
                        "items' answers instead.",
        "trend_fig": "The indices in each wave (means, whole organisation)",
        "trend_axis": "Mean",
        "wave_index_title": "Change in the indices from {prev} to {curr}, whole organisation and by unit",
        "wave_item_title": "Change by item from {prev} to {curr}, whole organisation",
        "change": "Change",
        "fav_change": "Change % favourable",
        "flag": "Flagged",
        "waves_n": "{label}: {n} respondents ({file}).",
        "waves_only_in": "In one wave only, not compared: {vars}.",
        "waves_renamed": "Read under a new name from the {prev} wave: {pairs}.",
        "waves_units_only": "Units with respondents in only one of the waves {prev} and {curr} (new, merged or "
                            "closed): {units}.",
        "waves_hidden": "Not shown by unit because they are hidden in one of the waves: {units}.",
        "waves_ignored": "Columns of {file} the questionnaire no longer has were not read: {cols}.",
        "drivers_method": "How much each predictor contributes to the explained variance (R²) of {outcome} is "
                          "shared out in two ways that allow for the predictors' intercorrelation: relative "
                          "weights (Johnson 2000) and dominance analysis, whose general dominance is the mean "
                          "increase in R² when the predictor is added (Budescu 1993; Azen & Budescu 2003). Both "
                          "sum to R². The confidence intervals are percentile intervals from {boot} bootstrap "
                          "resamples (seed {seed}). Respondents missing any of the variables are left out "
                          "(listwise): N = {n} ({excluded} left out), R² = {r2}.",
        "drivers_title": "Key drivers of {outcome}",
        "rw_pct": "Relative weight, % of R²",
        "gd_pct": "General dominance, % of R²",
        "rank": "Rank",
        "quadrant": "Quadrant",
        "q_strengths": "strength",
        "q_priorities": "priority",
        "q_maintain": "maintain",
        "q_monitor": "monitor",
        "matrix_fig": "Priority matrix for {outcome}: importance against favourable answers",
        "matrix_x": "% favourable answers",
        "matrix_y": "Importance (relative weight, % of R²)",
        "matrix_note": "The dividing lines are the drivers' medians: importance {icut}%, favourable {fcut}%. "
                       "Strengths: important and mostly favourable; priorities: important and less favourable; "
                       "maintain: less important and mostly favourable; monitor: less important and less "
                       "favourable.",
        "complete_dom": "Complete dominance (adds more R² than the other to every subset of the rest): {pairs}.",
        "eng_index_method": "{label}: the share answering favourably ({fav}) on every item of the index {index}, "
                            "among those who answered all of them ({incomplete} did not); Wilson confidence "
                            "interval.",
        "enps_method": "{label}: eNPS = % promoters (9–10) minus % detractors (0–6) on “{item}” (0–10), from −100 "
                       "to 100, with the adjusted Wald interval (Rocks 2016); {missing} without a valid answer.",
        "eng_title": "{label}, whole organisation and by unit",
        "pct_engaged": "% engaged",
        "promoters": "% promoters",
        "detractors": "% detractors",
        "eng_hidden": "Units with fewer than {k} answers, and units hidden to protect them, are not shown.",
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


# ------------------------------------------------------------------ inference additions (sections_inference.py)
STRINGS["nb"].update({
    "sec_multiple_testing": "Justering for mange tester",
    "mt_method": "{method} (kontrollerer {controls}) er brukt på familien «{family}»: de {m} testene i {plans}. "
                 "Justert p står ved siden av rå p; hver tests egen p er uendret.",
    "mt_missing": "{n} test(er) i familien kunne ikke gjennomføres og er ikke talt med.",
    "mt_title": "Rå og justert p: {family}",
    "mt_plan": "Analyse",
    "p_adj_short": "p (just.)",
    "mt_note": "p = testens egen p-verdi; p (just.) = justert for alle testene i familien.",
    "adjust_holm": "Holms metode", "adjust_bonferroni": "Bonferroni-korreksjon", "adjust_hochberg": "Hochbergs metode",
    "adjust_hommel": "Hommels metode", "adjust_fdr_bh": "Benjamini–Hochbergs metode",
    "adjust_fdr_by": "Benjamini–Yekutielis metode", "adjust_none": "Ingen justering",
    "controls_holm": "familievis feilrate", "controls_bonferroni": "familievis feilrate",
    "controls_hochberg": "familievis feilrate ved uavhengige eller positivt avhengige tester",
    "controls_hommel": "familievis feilrate ved uavhengige eller positivt avhengige tester",
    "controls_fdr_bh": "andelen falske funn ved uavhengige eller positivt avhengige tester",
    "controls_fdr_by": "andelen falske funn ved enhver avhengighet", "controls_none": "ingenting",
    "sec_weighted": "Vektede resultater",
    "w_method": "Svarene er vektet ({method}) til populasjonstallene i {files} etter {margins}. "
                "N = {n}, effektivt utvalg (Kish) = {n_eff}, designeffekt av vektene = {deff}; vektene ligger "
                "mellom {lo} og {hi}.",
    "w_rake": "raking", "w_poststratify": "poststratifisering",
    "w_trim": "Vekter utenfor {lo}–{hi} ganger gjennomsnittsvekten er trimmet og kalibrert på nytt ({n} vekter "
              "ligger på en grense).",
    "w_cluster": "Standardfeilene er designbaserte (linearisering) med klyngene som utvalgsenheter.",
    "w_no_cluster": "Standardfeilene er designbaserte (linearisering) og behandler respondentene som uavhengig trukket.",
    "w_which": "Alle andre tabeller i rapporten er uvektede; tabellene i denne delen viser uvektet og vektet side om side.",
    "w_notes": "Merknader",
    "w_margins_title": "Vektingsmarginer: populasjon, respondenter og vektet antall",
    "w_population": "Populasjon", "w_respondents": "Respondenter", "w_before": "Før vekting",
    "w_after": "Vektet",
    "w_means_title": "Uvektede og vektede gjennomsnitt",
    "w_mean_unw": "M uvektet", "w_mean_w": "M vektet", "w_deff": "Designeffekt",
    "w_means_note": "SE, 95 % KI og designeffekt gjelder det vektede gjennomsnittet (normaltilnærming, som R-pakken survey).",
    "w_fav_title": "Uvektet og vektet andel positive svar",
    "w_fav_unw": "% uvektet", "w_fav_w": "% vektet",
    "w_fav_note": "Påstander: andel svar på de positive skalaverdiene; indekser: andel med skår på eller over den "
                  "laveste positive verdien. SE og KI gjelder den vektede andelen.",
    "w_tests_title": "Designbaserte t-tester (vektet) ved siden av de uvektede",
    "w_diff_of": "Differanse", "w_p_unw": "p uvektet", "w_diff": "Diff. vektet", "w_p_w": "p vektet",
    "w_tests_note": "Vektet differanse mellom gruppenes vektede gjennomsnitt med designbasert SE og t (som svyttest i "
                    "R-pakken survey); p uvektet er fra t-testen i sammenligningstabellen.",
    "sec_clustering": "Klynger: intraklassekorrelasjon",
    "cl_method": "Respondentene er gruppert i {j} klynger etter {var}. ICC(1) er andelen av variansen som ligger "
                 "mellom klyngene, ICC(2) reliabiliteten til klyngegjennomsnittene, og designeffekten "
                 "1 + (gjennomsnittlig klyngestørrelse − 1) × ICC(1) sier hvor mye større variansen til et "
                 "gjennomsnitt er enn i et enkelt tilfeldig utvalg. {small}Tabellene viser bare tall for alle klyngene "
                 "samlet, aldri for én klynge. {missing} respondenter uten klynge er utelatt.",
    "cl_small": "Alle klynger er med, også de {n} med færre enn {k} respondenter. ",
    "cl_small_none": "Ingen klynge har færre enn {k} respondenter. ",
    "cl_icc_title": "ICC etter {var}",
    "cl_clusters": "Klynger", "cl_mean_size": "Snittstørrelse", "cl_eff_n": "Effektiv N",
    "cl_icc_note": "F-test fra enveis variansanalyse etter klynge; ICC(1) med k = gjennomsnittlig klyngestørrelse "
                   "(Bliese 2000).",
    "cl_icc_negative": "ICC(1) under null (klyngene skiller seg mindre fra hverandre enn tilfeldig variasjon tilsier; "
                       "les det som null) for: {scores}",
    "cl_mixed_title": "{name}: modell med tilfeldig konstantledd etter {var}",
    "cl_term": "Ledd", "cl_ols": "OLS / gruppeforskjell", "cl_mixed": "Blandet modell", "cl_resid_icc": "ICC",
    "cl_mixed_note": "Blandet lineær modell (REML, statsmodels MixedLM) med tilfeldig konstantledd for {var}; SE som "
                     "lme4. OLS-kolonnen viser den vanlige analysens koeffisient (for sammenligninger: gruppens "
                     "gjennomsnitt minus referansegruppens). ICC fra modellens variansledd.",
})
STRINGS["en"].update({
    "sec_multiple_testing": "Adjustment for multiple testing",
    "mt_method": "{method} (controlling the {controls}) is applied to the family «{family}»: the {m} tests of "
                 "{plans}. The adjusted p is shown beside the raw p; each test's own p is unchanged.",
    "mt_missing": "{n} test(s) of the family could not be run and are not counted.",
    "mt_title": "Raw and adjusted p: {family}",
    "mt_plan": "Analysis",
    "p_adj_short": "p (adj.)",
    "mt_note": "p = the test's own p-value; p (adj.) = adjusted for all tests of the family.",
    "adjust_holm": "Holm's method", "adjust_bonferroni": "The Bonferroni correction", "adjust_hochberg": "Hochberg's method",
    "adjust_hommel": "Hommel's method", "adjust_fdr_bh": "The Benjamini–Hochberg method",
    "adjust_fdr_by": "The Benjamini–Yekutieli method", "adjust_none": "No adjustment",
    "controls_holm": "family-wise error rate", "controls_bonferroni": "family-wise error rate",
    "controls_hochberg": "family-wise error rate for independent or positively dependent tests",
    "controls_hommel": "family-wise error rate for independent or positively dependent tests",
    "controls_fdr_bh": "false discovery rate for independent or positively dependent tests",
    "controls_fdr_by": "false discovery rate under any dependence", "controls_none": "nothing",
    "sec_weighted": "Weighted results",
    "w_method": "The answers are weighted ({method}) to the population counts in {files} by {margins}. "
                "N = {n}, effective sample size (Kish) = {n_eff}, design effect of the weights = {deff}; the "
                "weights range from {lo} to {hi}.",
    "w_rake": "raking", "w_poststratify": "post-stratification",
    "w_trim": "Weights outside {lo}–{hi} times the mean weight were trimmed and re-calibrated ({n} weights lie at "
              "a bound).",
    "w_cluster": "Standard errors are design-based (linearisation) with the clusters as sampling units.",
    "w_no_cluster": "Standard errors are design-based (linearisation) and treat respondents as sampled independently.",
    "w_which": "Every other table of the report is unweighted; the tables of this section show unweighted and "
               "weighted side by side.",
    "w_notes": "Notes",
    "w_margins_title": "Weighting margins: population, respondents and weighted totals",
    "w_population": "Population", "w_respondents": "Respondents", "w_before": "Before weighting",
    "w_after": "Weighted",
    "w_means_title": "Unweighted and weighted means",
    "w_mean_unw": "M unweighted", "w_mean_w": "M weighted", "w_deff": "Design effect",
    "w_means_note": "SE, 95% CI and design effect refer to the weighted mean (normal approximation, as R's survey package).",
    "w_fav_title": "Unweighted and weighted favourable %",
    "w_fav_unw": "% unweighted", "w_fav_w": "% weighted",
    "w_fav_note": "Statements: share of answers on the favourable scale values; indices: share with a score at or "
                  "above the lowest favourable value. SE and CI refer to the weighted share.",
    "w_tests_title": "Design-based (weighted) t-tests beside the unweighted ones",
    "w_diff_of": "Difference", "w_p_unw": "p unweighted", "w_diff": "Diff. weighted", "w_p_w": "p weighted",
    "w_tests_note": "Difference of the groups' weighted means with design-based SE and t (as svyttest in R's survey "
                    "package); p unweighted is the t-test of the comparison table.",
    "sec_clustering": "Clusters: intraclass correlation",
    "cl_method": "The respondents are grouped in {j} clusters by {var}. ICC(1) is the share of the variance that "
                 "lies between clusters, ICC(2) the reliability of the cluster means, and the design effect "
                 "1 + (mean cluster size − 1) × ICC(1) says how much larger the variance of a mean is than in a "
                 "simple random sample. {small}The tables give numbers for all clusters together, never for one "
                 "cluster. {missing} respondents without a cluster are left out.",
    "cl_small": "Every cluster counts, also the {n} with fewer than {k} respondents. ",
    "cl_small_none": "No cluster has fewer than {k} respondents. ",
    "cl_icc_title": "ICC by {var}",
    "cl_clusters": "Clusters", "cl_mean_size": "Mean size", "cl_eff_n": "Effective N",
    "cl_icc_note": "F test of the one-way ANOVA by cluster; ICC(1) with k = the mean cluster size (Bliese 2000).",
    "cl_icc_negative": "ICC(1) below zero (the clusters differ less than chance alone would make them; read it as "
                       "zero) for: {scores}",
    "cl_mixed_title": "{name}: random-intercept model by {var}",
    "cl_term": "Term", "cl_ols": "OLS / group difference", "cl_mixed": "Mixed model", "cl_resid_icc": "ICC",
    "cl_mixed_note": "Linear mixed model (REML, statsmodels MixedLM) with a random intercept for {var}; SEs as lme4. "
                     "The OLS column gives the ordinary analysis' coefficient (for comparisons: the group's mean "
                     "minus the reference group's). ICC from the model's variance components.",
})
STRINGS["nb"]["cmp_adj_note"] = "p (just.) = p justert for de {m} testene i familien «{family}» (se «Justering for mange tester»)."
STRINGS["en"]["cmp_adj_note"] = "p (adj.) = p adjusted for the {m} tests of the family «{family}» (see «Adjustment for multiple testing»)."
