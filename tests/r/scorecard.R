# Fixtures for tests/test_scorecard_r.py: independent R computations on the embedded scorecard data.
# Run from the repository root:  Rscript tests/r/scorecard.R
# Writes tests/data/scorecard/*.csv (write.csv: 15 significant digits). Base R only (stats).
out <- "tests/data/scorecard"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
w <- function(df, name) write.csv(df, file.path(out, name), row.names = FALSE)  # doubles at 15 significant digits

# (b) Thomassen: cor.test of every indicator with B16 (Fisher-z CI), and the two lm models
d <- read.csv("questionnaires/scorecards/thomassen2016/offices.csv", encoding = "UTF-8")
preds <- c("B22", "B53", "B23", "B22_jobfair", "B22_visit", "B22_meeting", "B22_phone")
w(do.call(rbind, lapply(preds, function(p) {
  ct <- cor.test(d[[p]], d$B16)
  data.frame(predictor = p, r = unname(ct$estimate), ci_low = ct$conf.int[1], ci_high = ct$conf.int[2],
             p = ct$p.value, n = nrow(d))
})), "cor_b16.csv")
models <- list(model1 = c("B22", "B53", "B23"),
               model2 = c("B53", "B23", "B22_visit", "B22_meeting", "B22_jobfair", "B22_phone"))
w(do.call(rbind, lapply(names(models), function(m) {
  fit <- lm(reformulate(models[[m]], "B16"), data = d)
  s <- summary(fit)
  cf <- coef(s)
  data.frame(model = m, term = c("(intercept)", models[[m]]), b = cf[, 1], se = cf[, 2], t = cf[, 3],
             p = cf[, 4], r2 = s$r.squared, adj_r2 = s$adj.r.squared, f = unname(s$fstatistic[1]))
})), "lm_b16.csv")

# (c) Oslo panel: one-way ANOVA of plan shares by office (the three offices, 13 months each)
p <- read.csv("questionnaires/scorecards/oslo2012/panel.csv", encoding = "UTF-8")
p <- p[p$indicator == "plans" & !(p$unit %in% c("Oslo", "Norge")), ]
a <- summary(aov(value ~ factor(unit), data = p))[[1]]
w(data.frame(ms_between = a[1, "Mean Sq"], ms_within = a[2, "Mean Sq"], f = a[1, "F value"],
             p = a[1, "Pr(>F)"]), "anova_plans.csv")

# (c) exact binomial CIs (Clopper-Pearson) for the rank intervals: 63 %, 74 %, 76 % of 1300, 1700, 1600
x <- round(c(0.63 * 1300, 0.74 * 1700, 0.76 * 1600)); n <- c(1300, 1700, 1600)
w(do.call(rbind, lapply(1:3, function(i) {
  b <- binom.test(x[i], n[i]); data.frame(x = x[i], n = n[i], ci_low = b$conf.int[1], ci_high = b$conf.int[2])
})), "binom_ci.csv")

# (e) cross-sectional r of plans and programmes over the 15 Oslo offices (003 prints 0.217026)
o <- read.csv("questionnaires/scorecards/oslo2012/oslo_offices_2012-03.csv", encoding = "UTF-8")
ct <- cor.test(o$plans, o$programmes)
w(data.frame(r = unname(ct$estimate), ci_low = ct$conf.int[1], ci_high = ct$conf.int[2], p = ct$p.value),
  "cor_plans_programmes.csv")

# (f) Cohen's kappa by hand on the synthetic double-coded audit cases, and the within-office r
au <- read.csv("questionnaires/scorecards/oslo2012/audit_synthetic.csv", encoding = "UTF-8")
crit <- c("work_ability", "follow_up", "plan_quality", "programme_quality")
w(do.call(rbind, lapply(crit, function(k) {
  a1 <- au[[k]]; a2 <- au[[paste0(k, "_coder2")]]; ok <- !is.na(a2)
  a1 <- factor(a1[ok], levels = 0:2); a2 <- factor(a2[ok], levels = 0:2)
  tab <- table(a1, a2) / sum(ok)
  po <- sum(diag(tab)); pe <- sum(rowSums(tab) * colSums(tab))
  data.frame(criterion = k, kappa = (po - pe) / (1 - pe), n = sum(ok))
})), "kappa.csv")

# (g) bunching: the overall one-sided binomial test on the synthetic registrations is recomputed in Python
# from counts; here the exact test of the constructed example in the test file (30 of 58, p0 = 5/19)
b <- binom.test(30, 58, 5 / 19, alternative = "greater")
w(data.frame(x = 30, n = 58, p0 = 5 / 19, p = b$p.value), "binom_bunching.csv")
