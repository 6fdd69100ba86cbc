# Fixtures for tests/test_weights.py: survey::postStratify, rake and trimWeights on the API stratified
# sample (tests/data/survey_api, written by tests/r/survey_api.R, read back here so R and Python use
# the same numbers).  Run from the repository root:  Rscript tests/r/survey_weights.R
# Writes tests/data/survey_weights/weights.csv (one column of final weights per case, 17 digits) and
# summary.csv (Kish effective sample size and design effect due to weighting per case).
suppressMessages(library(survey))
src <- "tests/data/survey_api"
out_dir <- "tests/data/survey_weights"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
apistrat <- read.csv(file.path(src, "apistrat.csv"))
pop_stype <- read.csv(file.path(src, "pop_stype.csv"))
pop_schwide <- read.csv(file.path(src, "pop_schwide.csv"))
pop_cells <- read.csv(file.path(src, "pop_stype_schwide.csv"))
pop_awards <- read.csv(file.path(src, "pop_awards.csv"))
names(pop_stype)[2] <- names(pop_schwide)[2] <- names(pop_cells)[3] <- names(pop_awards)[2] <- "Freq"
apistrat$one <- 1

d_pw <- svydesign(ids = ~1, weights = ~pw, data = apistrat)   # base weights = sampling weights
d_one <- svydesign(ids = ~1, weights = ~one, data = apistrat) # equal base weights (a census-style survey)
tight <- list(maxit = 1000, epsilon = 1e-13)  # epsilon < 1: relative to the total weight
margins <- list(~stype, ~sch.wide)
pops <- list(pop_stype, pop_schwide)

cases <- list()
cases$post_stype <- weights(postStratify(d_pw, ~stype, pop_stype))
cases$post_cells <- weights(postStratify(d_pw, ~stype + sch.wide, pop_cells))
cases$rake_one <- weights(rake(d_one, margins, pops, control = tight))
raked_pw <- rake(d_pw, margins, pops, control = tight)
cases$rake_pw <- weights(raked_pw)

# trimming: raking to school-wide target and awards (margins that leave the sampling weights' spread
# across school types in the weights), bounds as multiples of the mean raked weight (N / n)
margins <- list(~sch.wide, ~awards)
pops <- list(pop_schwide, pop_awards)
raked_aw <- rake(d_pw, margins, pops, control = tight)
cases$rake_awards <- weights(raked_aw)
mean_w <- mean(weights(raked_aw))
lo <- 0.6 * mean_w
hi <- 1.3 * mean_w
cases$trim_once <- weights(trimWeights(raked_aw, lower = lo, upper = hi, strict = FALSE))
cases$trim_strict <- weights(trimWeights(raked_aw, lower = lo, upper = hi, strict = TRUE))

# trim, then rake again, until the raked weights are within the bounds (to 1e-9 of the mean weight)
d <- raked_aw
iterations <- 0
repeat {
  w <- weights(d)
  if (all(w >= lo - 1e-9 * mean_w & w <= hi + 1e-9 * mean_w) || iterations >= 200) break
  d <- trimWeights(d, lower = lo, upper = hi, strict = TRUE)
  d <- rake(d, margins, pops, control = tight)
  iterations <- iterations + 1
}
cases$trim_rerake <- weights(d)

fmt <- function(x) sprintf("%.17g", x)
out <- data.frame(snum = apistrat$snum)
for (k in names(cases)) out[[k]] <- fmt(cases[[k]])
write.csv(out, file.path(out_dir, "weights.csv"), row.names = FALSE, quote = FALSE)
kish <- function(w) c(n = length(w), sum_w = sum(w), n_eff = sum(w)^2 / sum(w^2),
                      deff = length(w) * sum(w^2) / sum(w)^2,
                      min_w = min(w), max_w = max(w))
summ <- t(sapply(cases, kish))
summ <- data.frame(case = rownames(summ), apply(summ, 2, fmt))
summ$trim_lower <- fmt(lo)
summ$trim_upper <- fmt(hi)
summ$rerake_iterations <- ifelse(summ$case == "trim_rerake", iterations, NA)
write.csv(summ, file.path(out_dir, "summary.csv"), row.names = FALSE, quote = FALSE, na = "")
writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), file.path(out_dir, "VERSION.txt"))
