# Fixtures for tests/test_measurement_pipeline.py: lavaan on the embedded Schick synthetic sample, the two
# CFAs of questionnaires/schick2012.yaml (mrs_cfa with invariance by gender, arbeidshverdag_cfa).
# Run from the repository root:  Rscript tests/r/cfa_schick.R      Writes tests/data/cfa_schick/*.csv.
# Recoding as the questionnaire: 0 = not answered (missing_codes: [0]) in the items and in gender.
suppressPackageStartupMessages(library(lavaan))
out <- "tests/data/cfa_schick"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
wcsv <- function(x, name) write.csv(x, file.path(out, name), row.names = FALSE)
d <- read.csv("questionnaires/schick2012_synthetic_sample.csv", stringsAsFactors = FALSE)
mrs <- c("q18_scorecard_important", "q18_right_indicators", "q18_scorecard_more_effective",
         "q18_scorecard_work_first", "q18_scorecard_deadlines", "q18_scorecard_better_services",
         "q18_scorecard_faster_services", "q18_scorecard_users_prioritised")
lf <- c("q18_leader_uses_scorecard", "q18_leader_focus_on_targets")
km <- c("q13_sufficient_competence", "q13_competence_helps_reach_goals", "q13_mastery")
ts <- c("q13_enough_time", "q13_plan_task_order", "q13_complete_expected_work")
for (v in c(mrs, lf, km, ts, "gender")) d[[v]][!is.na(d[[v]]) & d[[v]] == 0] <- NA
m1 <- paste0("malekortet =~ ", paste(mrs, collapse = " + "), "\nleders_fokus =~ ", paste(lf, collapse = " + "))
m2 <- paste0("kompetanse_mestring =~ ", paste(km, collapse = " + "), "\ntid_selvstendighet =~ ",
             paste(ts, collapse = " + "))
fm <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic",
        "ntotal")
fits <- list(mrs_cfa = cfa(m1, d), arbeidshverdag_cfa = cfa(m2, d))
for (tag in names(fits)) {
  f <- fitMeasures(fits[[tag]], fm)
  wcsv(data.frame(measure = names(f), value = sprintf("%.10g", unname(f))), paste0(tag, "_fit.csv"))
  ss <- standardizedSolution(fits[[tag]], type = "std.all")
  ss <- ss[ss$op %in% c("=~", "~~") & (ss$op == "=~" | ss$lhs != ss$rhs), c("lhs", "op", "rhs", "est.std", "se")]
  ss$est.std <- sprintf("%.10g", ss$est.std); ss$se <- sprintf("%.10g", ss$se)
  wcsv(ss, paste0(tag, "_std.csv"))
}
dg <- d[!is.na(d$gender), ]
rows <- list()
for (eq in list(configural = character(0), metric = "loadings", scalar = c("loadings", "intercepts"))) {
  fit <- if (length(eq)) cfa(m1, dg, group = "gender", group.equal = eq) else cfa(m1, dg, group = "gender")
  rows[[length(rows) + 1]] <- fitMeasures(fit, c("chisq", "df", "cfi", "rmsea", "srmr", "ntotal"))
}
inv <- as.data.frame(do.call(rbind, rows))
inv <- cbind(model = c("configural", "metric", "scalar"), as.data.frame(lapply(inv, function(x) sprintf("%.10g", x))))
wcsv(inv, "mrs_cfa_invariance_gender.csv")
cat("lavaan", as.character(packageVersion("lavaan")), "\n", file = file.path(out, "VERSIONS.txt"))
