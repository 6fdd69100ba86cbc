# Fixtures for tests/test_measurement_pipeline.py: psych on the embedded Schick synthetic sample (the q18
# statements): polychoric correlations, ordinal alpha of «Målekortet» and omega hierarchical of all eleven.
# Run from the repository root:  Rscript tests/r/measurement_schick.R   Writes tests/data/cfa_schick/psych_*.csv.
# Recoding as the questionnaire: 0 = not answered (missing_codes: [0]).
suppressPackageStartupMessages({library(psych); library(GPArotation)})
out <- "tests/data/cfa_schick"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
wcsv <- function(x, name) write.csv(x, file.path(out, name), row.names = FALSE)
d <- read.csv("questionnaires/schick2012_synthetic_sample.csv", stringsAsFactors = FALSE)
mrs <- c("q18_scorecard_important", "q18_right_indicators", "q18_scorecard_more_effective",
         "q18_scorecard_work_first", "q18_scorecard_deadlines", "q18_scorecard_better_services",
         "q18_scorecard_faster_services", "q18_scorecard_users_prioritised")
q18 <- c("q18_leader_uses_scorecard", "q18_leader_focus_on_targets", "q18_too_many_indicators", mrs)
for (v in q18) d[[v]][!is.na(d[[v]]) & d[[v]] == 0] <- NA
# polychoric matrix of the q18 factor analysis (pairwise tables, global thresholds: psych's default)
pc <- polychoric(d[, q18])$rho
wcsv(data.frame(item = rownames(pc), apply(pc, 2, function(x) sprintf("%.10g", x))), "psych_polychoric_q18.csv")
# ordinal alpha of «Målekortet» on its listwise-complete respondents
x <- na.omit(d[, mrs])
oa <- alpha(polychoric(x)$rho)$total$raw_alpha
# omega hierarchical of the eleven q18 statements (pairwise Pearson, 3 group factors, minres + oblimin)
om <- omega(d[, q18], nfactors = 3, fm = "minres", plot = FALSE)
wcsv(data.frame(statistic = c("ordinal_alpha_malekortet", "n_malekortet", "omega_h", "omega_total"),
                value = sprintf("%.10g", c(oa, nrow(x), om$omega_h, om$omega.tot))), "psych_reliability.csv")
cat("psych", as.character(packageVersion("psych")), "GPArotation", as.character(packageVersion("GPArotation")),
    "\n", file = file.path(out, "VERSIONS_psych.txt"))
