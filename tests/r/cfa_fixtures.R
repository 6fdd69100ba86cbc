# Fixtures for tests/test_cfa.py and tests/test_invariance.py (lavaan, semTools).
# Run from the repository root:  Rscript tests/r/cfa_fixtures.R
# Writes tests/data/cfa/*.csv. Data: lavaan's HolzingerSwineford1939 (exported here as a small CSV so the
# tests need no R) and Field's SAQ (read from ../shared/data/saq/SAQ.sav, never copied into the repo).
suppressPackageStartupMessages({library(lavaan); library(semTools); library(haven)})
out <- "tests/data/cfa"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
wcsv <- function(x, name) write.csv(x, file.path(out, name), row.names = FALSE)
cat("lavaan", as.character(packageVersion("lavaan")), "semTools", as.character(packageVersion("semTools")), "\n",
    file = file.path(out, "VERSIONS.txt"))

hs <- HolzingerSwineford1939
wcsv(hs[, c("id", "sex", "ageyr", "school", "grade", paste0("x", 1:9))], "holzinger_swineford_1939.csv")

fm <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue",
        "srmr", "aic", "bic", "logl", "npar", "baseline.chisq", "baseline.df", "ntotal")
dump_fit <- function(fit, tag) {
  f <- fitMeasures(fit, fm)
  wcsv(data.frame(measure = names(f), value = sprintf("%.10g", unname(f))), paste0(tag, "_fit.csv"))
  pe <- parameterEstimates(fit, standardized = TRUE)
  ss <- standardizedSolution(fit, type = "std.all")
  pe$se_std <- ss$se; pe$z_std <- ss$z; pe$p_std <- ss$pvalue
  wcsv(pe, paste0(tag, "_estimates.csv"))
  if (lavInspect(fit, "ngroups") == 1) {
    mi <- modindices(fit, minimum.value = 3.84, sort. = TRUE)
    wcsv(mi, paste0(tag, "_modindices.csv"))
  }
}

hs_model <- "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9"
fit <- cfa(hs_model, data = hs)
dump_fit(fit, "hs")
# composite reliability: Raykov's omega on the raw item sum (semTools compRelSEM(obs.var=FALSE)), the
# Fornell-Larcker CR from standardised loadings (computed here from standardizedSolution), and AVE
cr <- compRelSEM(fit, obs.var = FALSE)
av <- AVE(fit)
ss <- standardizedSolution(fit)
cr_std <- sapply(names(cr), function(f) {
  l <- ss$est.std[ss$op == "=~" & ss$lhs == f]
  sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
})
# Fornell-Larcker AVE = mean squared standardised loading (semTools::AVE divides by the observed item
# variances instead, written too for the record)
ave_std <- sapply(names(cr), function(f) mean(ss$est.std[ss$op == "=~" & ss$lhs == f]^2))
wcsv(data.frame(factor = names(cr), omega = unname(cr), cr_std = unname(cr_std), ave_std = unname(ave_std),
                ave_semtools = unname(av[names(cr)])),
     "hs_reliability.csv")

# a just-identified one-factor model (df = 0: chi2 = 0, CFI = 1, TLI/RMSEA undefined)
dump_fit(cfa("f =~ x1 + x2 + x3", data = hs), "hs_onefactor")

fit_std <- cfa(hs_model, data = hs, std.lv = TRUE)
dump_fit(fit_std, "hs_stdlv")

# listwise deletion: NA put into known cells (rows are 1-based here; the test does the same)
hs_na <- hs
hs_na$x1[c(1, 5, 9)] <- NA
hs_na$x5[c(5, 20, 33, 40)] <- NA
hs_na$x9[c(100, 200)] <- NA
fit_na <- cfa(hs_model, data = hs_na)
dump_fit(fit_na, "hs_listwise")

# SAQ, Field's four factors (Field 2013, ch. 17)
saq <- as.data.frame(zap_labels(read_sav("../shared/data/saq/SAQ.sav")))
q <- function(i) sprintf("Question_%02d", i)
saq_model <- paste0(
  "computers =~ ", paste(q(c(6, 7, 10, 13, 14, 15, 18)), collapse = " + "), "\n",
  "statistics =~ ", paste(q(c(1, 3, 4, 5, 12, 16, 20, 21)), collapse = " + "), "\n",
  "maths =~ ", paste(q(c(8, 11, 17)), collapse = " + "), "\n",
  "peers =~ ", paste(q(c(2, 9, 19, 22, 23)), collapse = " + "))
fit_saq <- cfa(saq_model, data = saq)
dump_fit(fit_saq, "saq")

# measurement invariance by school (Pasteur first, as lavaan orders the groups by appearance)
configural <- cfa(hs_model, data = hs, group = "school")
metric <- cfa(hs_model, data = hs, group = "school", group.equal = "loadings")
scalar <- cfa(hs_model, data = hs, group = "school", group.equal = c("loadings", "intercepts"))
dump_fit(configural, "mi_configural")
dump_fit(metric, "mi_metric")
dump_fit(scalar, "mi_scalar")
lrt <- lavTestLRT(configural, metric, scalar)
wcsv(data.frame(model = c("configural", "metric", "scalar"), df = lrt$Df, chisq = lrt$Chisq,
                chisq_diff = lrt$`Chisq diff`, df_diff = lrt$`Df diff`, p_diff = lrt$`Pr(>Chisq)`),
     "mi_lrt.csv")
cat("group order:", lavInspect(configural, "group.label"), "\n")

# robust ML (estimator = "MLM": Satorra-Bentler scaled chi-square, robust "sandwich" standard errors)
fm_mlm <- c("chisq", "chisq.scaled", "chisq.scaling.factor", "df", "pvalue.scaled", "baseline.chisq.scaled",
            "baseline.chisq.scaling.factor", "cfi.scaled", "tli.scaled", "rmsea.scaled", "rmsea.ci.lower.scaled",
            "rmsea.ci.upper.scaled", "rmsea.pvalue.scaled", "cfi.robust", "tli.robust", "rmsea.robust",
            "rmsea.ci.lower.robust", "rmsea.ci.upper.robust")
dump_mlm <- function(fit, tag) {
  f <- fitMeasures(fit, fm_mlm)
  wcsv(data.frame(measure = names(f), value = sprintf("%.10g", unname(f))), paste0(tag, "_fit.csv"))
  pe <- parameterEstimates(fit, standardized = TRUE)
  ss <- standardizedSolution(fit, type = "std.all")
  pe$se_std <- ss$se
  wcsv(pe, paste0(tag, "_estimates.csv"))
}
dump_mlm(cfa(hs_model, data = hs, estimator = "MLM"), "hs_mlm")
dump_mlm(cfa(saq_model, data = saq, estimator = "MLM"), "saq_mlm")

# measurement invariance with robust ML (MLM): scaled statistics per model and the Satorra-Bentler (2001)
# scaled difference tests (lavTestLRT's default method for MLM)
mi_mlm <- lapply(list("", "loadings", c("loadings", "intercepts")), function(eq)
  cfa(hs_model, data = hs, group = "school", group.equal = eq, estimator = "MLM"))
names(mi_mlm) <- c("configural", "metric", "scalar")
for (lv in names(mi_mlm)) dump_mlm(mi_mlm[[lv]], paste0("mi_mlm_", lv))
lrt <- lavTestLRT(mi_mlm$configural, mi_mlm$metric, mi_mlm$scalar)
wcsv(data.frame(model = names(mi_mlm), df = lrt$Df, chisq = lrt$Chisq, chisq_diff = lrt$`Chisq diff`,
                df_diff = lrt$`Df diff`, p_diff = lrt$`Pr(>Chisq)`), "mi_mlm_lrt.csv")
