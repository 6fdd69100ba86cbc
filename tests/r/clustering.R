# Fixtures for tests/test_clustering.py: ICC(1), ICC(2) and design effects from one-way ANOVA mean
# squares (aov), and random-intercept models (lme4::lmer, REML), on the API cluster sample of the
# survey package (tests/data/survey_api/apiclus1.csv: 183 schools in 15 districts, unbalanced).
# multilevel/psychometric are not installed; ICC1/ICC2 are computed here from aov()'s mean squares with
# Bliese's (2000) formulas (multilevel::ICC1 uses k = N / J, the mean group size).
# Run from the repository root:  Rscript tests/r/clustering.R
suppressMessages(library(lme4))
src <- "tests/data/survey_api"
out_dir <- "tests/data/clustering"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
d <- read.csv(file.path(src, "apiclus1.csv"))
d$district <- factor(d$dnum)
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

rows <- list()
for (v in c("api00", "api99", "ell", "meals", "mobility", "acs.k3", "avg.ed")) {
  dd <- d[!is.na(d[[v]]), ]
  dd$district <- droplevels(dd$district)
  a <- summary(aov(as.formula(paste(v, "~ district")), data = dd))[[1]]
  msb <- a[1, "Mean Sq"]; msw <- a[2, "Mean Sq"]
  nj <- table(dd$district); N <- sum(nj); J <- length(nj)
  k_mean <- N / J
  k_adj <- (N - sum(nj^2) / N) / (J - 1)
  icc1_mean <- (msb - msw) / (msb + (k_mean - 1) * msw)
  icc1_adj <- (msb - msw) / (msb + (k_adj - 1) * msw)
  rows[[v]] <- data.frame(score = v, n = N, n_clusters = J, df_between = a[1, "Df"], df_within = a[2, "Df"],
    msb = fmt(msb), msw = fmt(msw), f = fmt(a[1, "F value"]), p = fmt(a[1, "Pr(>F)"]),
    k_mean = fmt(k_mean), k_adjusted = fmt(k_adj), icc1_mean = fmt(icc1_mean), icc1_adjusted = fmt(icc1_adj),
    icc2 = fmt((msb - msw) / msb), deff_mean = fmt(1 + (k_mean - 1) * icc1_mean))
}
write.csv(do.call(rbind, rows), file.path(out_dir, "icc_aov.csv"), row.names = FALSE, quote = FALSE)

models <- list(
  null_api00 = api00 ~ 1 + (1 | district),
  null_acs = acs.k3 ~ 1 + (1 | district),
  api00_ell_meals = api00 ~ ell + meals + (1 | district),
  api00_stype_awards = api00 ~ stype + awards + meals + (1 | district)  # categorical predictors
)
fe <- list(); vc <- list()
for (m in names(models)) {
  fit <- lmer(models[[m]], data = d, REML = TRUE,
              control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-10)))
  co <- summary(fit)$coefficients
  fe[[m]] <- data.frame(model = m, term = rownames(co), estimate = fmt(co[, 1]), se = fmt(co[, 2]),
                        t = fmt(co[, 3]))
  v <- as.data.frame(VarCorr(fit))
  tau <- v$vcov[v$grp == "district"]; sigma2 <- v$vcov[v$grp == "Residual"]
  vc[[m]] <- data.frame(model = m, n = nobs(fit), n_clusters = ngrps(fit)[["district"]],
                        cluster_variance = fmt(tau), residual_variance = fmt(sigma2),
                        icc = fmt(tau / (tau + sigma2)), reml_loglik = fmt(as.numeric(logLik(fit))))
}
write.csv(do.call(rbind, fe), file.path(out_dir, "lmer_fixed.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, vc), file.path(out_dir, "lmer_variance.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("lme4", packageVersion("lme4"))), file.path(out_dir, "VERSION.txt"))
