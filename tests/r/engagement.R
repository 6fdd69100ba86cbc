# Fixtures for tests/test_engagement.py: eNPS (Wald and adjusted-Wald CIs) and the engagement index
# (share favourable on every item, Wilson CI from prop.test(correct = FALSE)), by group, in base R.
# Run from the repository root:  Rscript tests/r/engagement.R
options(digits = 15)
out <- "tests/data/engagement"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(16)
n <- 400
group <- sample(c("A", "B", "C", "D"), n, TRUE, prob = c(.4, .3, .25, .05))
score <- sample(0:10, n, TRUE, prob = c(1, 1, 1, 2, 2, 4, 6, 10, 14, 12, 8))
score[sample(n, 15)] <- NA
items <- matrix(sample(1:5, n * 3, TRUE, prob = c(.05, .1, .2, .4, .25)), n, 3)
items[sample(n * 3, 30)] <- NA
data <- data.frame(group = group, score = score, q1 = items[, 1], q2 = items[, 2], q3 = items[, 3])
write.csv(data, file.path(out, "data.csv"), row.names = FALSE, na = "")

z <- qnorm(0.975)
nps <- do.call(rbind, lapply(c(sort(unique(group)), "all"), function(g) {
  s <- if (g == "all") score else score[group == g]
  s <- s[!is.na(s)]
  P <- sum(s >= 9); D <- sum(s <= 6); N <- length(s)
  p <- P / N; d <- D / N; v <- (p + d - (p - d)^2) / N
  pa <- (P + 0.75) / (N + 3); da <- (D + 0.75) / (N + 3); va <- (pa + da - (pa - da)^2) / (N + 3)
  data.frame(group = g, n = N, promoters = P, detractors = D, enps = 100 * (p - d), se = 100 * sqrt(v),
             wald_low = 100 * max(-1, p - d - z * sqrt(v)), wald_high = 100 * min(1, p - d + z * sqrt(v)),
             adjusted_low = 100 * max(-1, pa - da - z * sqrt(va)),
             adjusted_high = 100 * min(1, pa - da + z * sqrt(va)))
}))
write.csv(nps, file.path(out, "enps.csv"), row.names = FALSE)

eng <- do.call(rbind, lapply(c(sort(unique(group)), "all"), function(g) {
  rows <- if (g == "all") rep(TRUE, n) else group == g
  x <- items[rows, , drop = FALSE]
  x <- x[complete.cases(x), , drop = FALSE]
  k <- sum(apply(x >= 4, 1, all)); N <- nrow(x)
  ci <- suppressWarnings(prop.test(k, N, correct = FALSE)$conf.int)
  data.frame(group = g, n = N, engaged = k, pct = 100 * k / N, ci_low = 100 * ci[1], ci_high = 100 * ci[2])
}))
write.csv(eng, file.path(out, "engagement.csv"), row.names = FALSE)
