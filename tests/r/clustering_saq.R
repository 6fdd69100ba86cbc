# Fixtures for tests/test_clustering.py on Field's SAQ (2571 respondents x 23 items, read from ../shared,
# never copied into the repository) with a synthetic, seeded "office" variable: 60 offices of unequal
# size, respondents assigned to offices partly by their anxiety (mean of all items) so that offices
# differ as in real data. The office of each row is saved in tests/data/clustering_saq/offices.csv;
# ICC(1)/ICC(2) of all 23 items from aov() mean squares (Bliese 2000) in icc_aov.csv, and lmer's
# random-intercept model of Question_01 (REML) in lmer.csv.
# Run from the repository root:  Rscript tests/r/clustering_saq.R
suppressMessages(library(lme4))
out_dir <- "tests/data/clustering_saq"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
saq <- as.data.frame(lapply(haven::read_sav("../shared/data/saq/SAQ.sav"), as.numeric))
set.seed(20001218)
n <- nrow(saq)
sizes <- as.vector(rmultinom(1, n, prob = rgamma(60, shape = 2)))  # unequal office sizes
sizes <- sizes[sizes > 0]
anxiety <- rowMeans(saq)
# sort by anxiety plus noise, then cut into offices: a moderate between-office difference
ord <- order(anxiety + rnorm(n, sd = 2 * sd(anxiety)))
office <- integer(n)
office[ord] <- rep(seq_along(sizes), sizes)
write.csv(data.frame(row = seq_len(n), office = office), file.path(out_dir, "offices.csv"), row.names = FALSE)
fmt <- function(x) sprintf("%.17g", x)
rows <- list()
for (v in names(saq)) {
  a <- summary(aov(saq[[v]] ~ factor(office)))[[1]]
  msb <- a[1, "Mean Sq"]; msw <- a[2, "Mean Sq"]
  nj <- table(office); N <- sum(nj); J <- length(nj)
  k_mean <- N / J; k_adj <- (N - sum(nj^2) / N) / (J - 1)
  rows[[v]] <- data.frame(score = v, n = N, n_clusters = J, msb = fmt(msb), msw = fmt(msw),
    k_adjusted = fmt(k_adj), icc1_mean = fmt((msb - msw) / (msb + (k_mean - 1) * msw)),
    icc1_adjusted = fmt((msb - msw) / (msb + (k_adj - 1) * msw)), icc2 = fmt((msb - msw) / msb),
    deff_mean = fmt(1 + (k_mean - 1) * (msb - msw) / (msb + (k_mean - 1) * msw)))
}
write.csv(do.call(rbind, rows), file.path(out_dir, "icc_aov.csv"), row.names = FALSE, quote = FALSE)
d <- cbind(saq, office = factor(office))
fit <- lmer(Question_01 ~ Question_02 + Question_03 + (1 | office), data = d, REML = TRUE,
            control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-10)))
co <- summary(fit)$coefficients
v <- as.data.frame(VarCorr(fit))
write.csv(data.frame(term = rownames(co), estimate = fmt(co[, 1]), se = fmt(co[, 2]),
                     cluster_variance = fmt(v$vcov[1]), residual_variance = fmt(v$vcov[2]),
                     reml_loglik = fmt(as.numeric(logLik(fit)))),
          file.path(out_dir, "lmer.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("lme4", packageVersion("lme4")), paste("haven", packageVersion("haven"))),
           file.path(out_dir, "VERSION.txt"))
