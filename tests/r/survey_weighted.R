# Fixtures for tests/test_weighted.py: design-based estimates from R's survey package on the API data
# (tests/data/survey_api, from tests/r/survey_api.R).  Run from the repository root:
#   Rscript tests/r/survey_weighted.R
# Writes tests/data/survey_weighted/estimates.csv, long format: design, analysis, term, and the
# statistic's columns (17 significant digits; NA where a column does not apply).
suppressMessages(library(survey))
src <- "tests/data/survey_api"
out_dir <- "tests/data/survey_weighted"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
apistrat <- read.csv(file.path(src, "apistrat.csv"))
apiclus1 <- read.csv(file.path(src, "apiclus1.csv"))
pop_stype <- read.csv(file.path(src, "pop_stype.csv"))
pop_schwide <- read.csv(file.path(src, "pop_schwide.csv"))
pop_awards <- read.csv(file.path(src, "pop_awards.csv"))
names(pop_stype)[2] <- names(pop_schwide)[2] <- names(pop_awards)[2] <- "Freq"
for (d in c("apistrat", "apiclus1")) {
  x <- get(d)
  x$award <- as.numeric(x$awards == "Yes")  # a "favourable" indicator
  assign(d, x)
}
tight <- list(maxit = 1000, epsilon = 1e-13)

plain <- svydesign(ids = ~1, weights = ~pw, data = apistrat)
designs <- list(
  plain = plain,
  cluster = svydesign(ids = ~dnum, weights = ~pw, data = apiclus1),
  poststrat = postStratify(plain, ~stype, pop_stype),
  rake = rake(plain, list(~stype, ~sch.wide), list(pop_stype, pop_schwide), control = tight)
)
# trimmed and re-raked (as tests/r/survey_weights.R): survey keeps every raking's steps for the variance
d <- rake(plain, list(~sch.wide, ~awards), list(pop_schwide, pop_awards), control = tight)
mean_w <- mean(weights(d)); lo <- 0.6 * mean_w; hi <- 1.3 * mean_w
for (i in 1:200) {
  w <- weights(d)
  if (all(w >= lo - 1e-9 * mean_w & w <= hi + 1e-9 * mean_w)) break
  d <- trimWeights(d, lower = lo, upper = hi, strict = TRUE)
  d <- rake(d, list(~sch.wide, ~awards), list(pop_schwide, pop_awards), control = tight)
}
designs$trim_rake <- d

rows <- list()
add <- function(design, analysis, term, ...) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, analysis = analysis, term = term, ...)
}
NAs <- list(estimate = NA, se = NA, statistic = NA, df = NA, df2 = NA, p = NA, ci_low = NA, ci_high = NA,
            ci_low_t = NA, ci_high_t = NA, n = NA, sd = NA, deff = NA)
row <- function(design, analysis, term, ...) {
  v <- modifyList(NAs, list(...))
  do.call(add, c(list(design, analysis, term), v))
}
for (dn in names(designs)) {
  des <- designs[[dn]]
  for (v in c("api00", "ell", "acs.k3", "award")) {
    f <- as.formula(paste0("~", v))
    m <- svymean(f, des, na.rm = TRUE, deff = TRUE)
    # weighted SD over the respondents with a value (n/(n-1) with their n), as svymean's deff uses it
    sd <- sqrt(coef(svyvar(f, subset(des, !is.na(des$variables[[v]])), na.rm = TRUE)))[[1]]
    ci <- confint(m)
    ci_t <- confint(m, df = degf(des))
    row(dn, "mean", v, estimate = coef(m)[[1]], se = SE(m)[[1]], df = degf(des), ci_low = ci[1], ci_high = ci[2],
        ci_low_t = ci_t[1], ci_high_t = ci_t[2], n = sum(!is.na(des$variables[[v]])), sd = sd,
        deff = deff(m)[[1]])
  }
  for (v in c("api00", "acs.k3")) {
    tt <- svyttest(as.formula(paste0(v, " ~ awards")), des)
    row(dn, "ttest", v, estimate = tt$estimate[[1]], se = tt$estimate[[1]] / tt$statistic[[1]],
        statistic = tt$statistic[[1]], df = tt$parameter[[1]], p = tt$p.value, ci_low = tt$conf.int[1],
        ci_high = tt$conf.int[2])
  }
  g <- svyglm(api00 ~ ell + meals + mobility, des)
  co <- summary(g)$coefficients
  for (k in rownames(co)) {
    row(dn, "glm", k, estimate = co[k, 1], se = co[k, 2], statistic = co[k, 3], df = g$df.residual,
        p = co[k, 4])
  }
  g <- svyglm(api00 ~ stype + awards + meals, des)  # categorical predictors, treatment coding
  co <- summary(g)$coefficients
  for (k in rownames(co)) {
    row(dn, "glm_categorical", k, estimate = co[k, 1], se = co[k, 2], statistic = co[k, 3], df = g$df.residual,
        p = co[k, 4])
  }
  ch <- svychisq(~stype + awards, des)
  row(dn, "chisq", "stype x awards", statistic = ch$statistic[[1]], df = ch$parameter[[1]], df2 = ch$parameter[[2]],
      p = ch$p.value)
}
res <- do.call(rbind, rows)
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
for (col in setdiff(names(res), c("design", "analysis", "term"))) res[[col]] <- fmt(res[[col]])
write.csv(res, file.path(out_dir, "estimates.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), file.path(out_dir, "VERSION.txt"))
