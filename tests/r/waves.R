# Fixtures for tests/test_waves.py: Welch t-tests of wave-on-wave change and the difference of two
# proportions (Newcombe 1998 hybrid score CI, pooled z test).
# Run from the repository root:  Rscript tests/r/waves.R
# Writes tests/data/waves/{samples.csv, welch.csv, proportions.csv}.
options(digits = 15)
out <- "tests/data/waves"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(20240101)

# --- Welch: four pairs of 1-5 answers (previous, current) of different sizes and spreads ---------------
pairs <- list(
  list(prev = sample(1:5, 40, TRUE, prob = c(.1, .2, .3, .25, .15)),
       curr = sample(1:5, 55, TRUE, prob = c(.05, .15, .3, .3, .2))),
  list(prev = sample(1:5, 8, TRUE), curr = sample(1:5, 5, TRUE)),
  list(prev = sample(1:5, 300, TRUE, prob = c(.3, .3, .2, .1, .1)),
       curr = sample(1:5, 120, TRUE, prob = c(.1, .1, .2, .3, .3))),
  list(prev = round(rnorm(25, 3.2, 0.6), 2), curr = round(rnorm(31, 3.4, 1.1), 2))
)
samples <- do.call(rbind, lapply(seq_along(pairs), function(i) rbind(
  data.frame(pair = i, wave = "prev", value = pairs[[i]]$prev),
  data.frame(pair = i, wave = "curr", value = pairs[[i]]$curr))))
write.csv(samples, file.path(out, "samples.csv"), row.names = FALSE)

welch <- do.call(rbind, lapply(seq_along(pairs), function(i) {
  x1 <- pairs[[i]]$prev; x2 <- pairs[[i]]$curr
  tt <- t.test(x2, x1, var.equal = FALSE, conf.level = 0.95)   # current - previous
  sp <- sqrt(((length(x1) - 1) * var(x1) + (length(x2) - 1) * var(x2)) / (length(x1) + length(x2) - 2))
  data.frame(pair = i, diff = mean(x2) - mean(x1), t = unname(tt$statistic), df = unname(tt$parameter),
             p = tt$p.value, ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
             d = (mean(x2) - mean(x1)) / sp)
}))
write.csv(welch, file.path(out, "welch.csv"), row.names = FALSE)

# --- proportions: (x_prev, n_prev, x_curr, n_curr) -------------------------------------------------------
tab <- data.frame(x1 = c(48, 3, 2, 0, 120, 30, 7, 15),
                  n1 = c(80, 10, 7, 20, 300, 45, 9, 16),
                  x2 = c(56, 9, 6, 5, 90, 25, 2, 16),
                  n2 = c(70, 10, 7, 56, 180, 52, 4, 16))
wilson <- function(x, n) unname(prop.test(x, n, correct = FALSE)$conf.int)   # Wilson score interval
props <- do.call(rbind, lapply(seq_len(nrow(tab)), function(i) {
  r <- tab[i, ]
  w1 <- wilson(r$x1, r$n1); w2 <- wilson(r$x2, r$n2)
  p1 <- r$x1 / r$n1; p2 <- r$x2 / r$n2; d <- p2 - p1
  # Newcombe (1998) method 10 for p2 - p1
  lower <- d - sqrt((p2 - w2[1])^2 + (w1[2] - p1)^2)
  upper <- d + sqrt((w2[2] - p2)^2 + (p1 - w1[1])^2)
  pt <- suppressWarnings(prop.test(c(r$x2, r$x1), c(r$n2, r$n1), correct = FALSE))
  data.frame(r, diff = d, ci_low = lower, ci_high = upper,
             chi2 = unname(pt$statistic), p = pt$p.value,
             wilson1_low = w1[1], wilson1_high = w1[2], wilson2_low = w2[1], wilson2_high = w2[2])
}))
write.csv(props, file.path(out, "proportions.csv"), row.names = FALSE)
