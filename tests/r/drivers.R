# Fixtures for tests/test_drivers.py: key-driver analysis in base R, written independently of the Python
# code: relative weights (Johnson 2000) from eigen(), dominance analysis from lm() fits of all 2^p subsets.
# (relaimpo/domir are not in Debian.) Run from the repository root:  Rscript tests/r/drivers.R
# Writes tests/data/drivers/<set>_{weights,conditional,complete}.csv, mtcars.csv, mtcars_boot_*.csv.
library(foreign)
options(digits = 15)
out <- "tests/data/drivers"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

relweights <- function(X, y) {
  R <- cor(X); rxy <- cor(X, y)[, 1]
  e <- eigen(R, symmetric = TRUE)
  Lambda <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)    # corr(X, Z)
  beta_z <- solve(Lambda, rxy)
  drop((Lambda^2) %*% (beta_z^2))
}

# R^2 of every subset, by lm() on standardised data (bit j of the mask = predictor j)
subset_r2 <- function(X, y) {
  p <- ncol(X); r2 <- numeric(2^p)
  for (m in 1:(2^p - 1)) {
    cols <- which(bitwAnd(m, 2^(0:(p - 1))) > 0)
    r2[m + 1] <- summary(lm(y ~ X[, cols, drop = FALSE]))$r.squared
  }
  r2
}

dominance <- function(r2, p) {
  masks <- 0:(2^p - 1)
  size <- sapply(masks, function(m) sum(bitwAnd(m, 2^(0:(p - 1))) > 0))
  cond <- matrix(NA, p, p)
  for (j in 1:p) {
    b <- 2^(j - 1)
    without <- masks[bitwAnd(masks, b) == 0]
    gain <- r2[bitwOr(without, b) + 1] - r2[without + 1]
    for (k in 0:(p - 1)) cond[j, k + 1] <- mean(gain[size[without + 1] == k])
  }
  comp <- matrix(FALSE, p, p)
  for (i in 1:p) for (j in 1:p) if (i != j) {
    s <- masks[bitwAnd(masks, 2^(i - 1)) == 0 & bitwAnd(masks, 2^(j - 1)) == 0]
    comp[i, j] <- all(r2[bitwOr(s, 2^(i - 1)) + 1] > r2[bitwOr(s, 2^(j - 1)) + 1])
  }
  list(conditional = cond, general = rowMeans(cond), complete = comp)
}

analyse <- function(name, X, y) {
  fit <- lm(scale(y) ~ scale(X))
  r2 <- summary(fit)$r.squared
  rw <- relweights(X, y)
  all_r2 <- subset_r2(X, y)
  d <- dominance(all_r2, ncol(X))
  w <- data.frame(predictor = colnames(X), r = cor(X, y)[, 1], beta = unname(coef(fit)[-1]),
                  raw_weight = rw, rescaled_weight = 100 * rw / r2, general_dominance = d$general,
                  r2 = r2, n = nrow(X))
  write.csv(w, file.path(out, paste0(name, "_weights.csv")), row.names = FALSE)
  cond <- data.frame(predictor = colnames(X), d$conditional)
  names(cond) <- c("predictor", paste0("k", 0:(ncol(X) - 1)))
  write.csv(cond, file.path(out, paste0(name, "_conditional.csv")), row.names = FALSE)
  comp <- data.frame(predictor = colnames(X), d$complete); names(comp) <- c("predictor", colnames(X))
  write.csv(comp, file.path(out, paste0(name, "_complete.csv")), row.names = FALSE)
  invisible(list(rw = rw, r2 = r2, gd = d$general))
}

# --- mtcars: mpg on six car features (n = 32); data written out for the Python side ------------------
preds <- c("cyl", "disp", "hp", "drat", "wt", "qsec")
# (am, carb, gear too: the published examples of domir and rwa use them; see tests/test_drivers.py)
write.csv(mtcars[, c("mpg", preds, "am", "carb", "gear")], file.path(out, "mtcars.csv"), row.names = FALSE)
X <- as.matrix(mtcars[, preds]); y <- mtcars$mpg
analyse("mtcars", X, y)

# bootstrap with resamples drawn here (R's RNG), percentile CIs by quantile(type = 7)
set.seed(2008)
B <- 200
idx <- t(replicate(B, sample.int(nrow(X), nrow(X), replace = TRUE)))
write.csv(idx - 1, file.path(out, "mtcars_boot_indices.csv"), row.names = FALSE)   # 0-based rows
boot <- t(apply(idx, 1, function(i) {
  Xi <- X[i, ]; yi <- y[i]
  rw <- relweights(Xi, yi)
  r2 <- summary(lm(yi ~ Xi))$r.squared
  gd <- dominance(subset_r2(Xi, yi), ncol(X))$general
  c(rw, 100 * rw / r2, gd)
}))
p <- length(preds)
qs <- function(cols) apply(boot[, cols], 2, quantile, probs = c(0.025, 0.975), type = 7)
rq <- qs(1:p); sq <- qs((p + 1):(2 * p)); gq <- qs((2 * p + 1):(3 * p))
write.csv(data.frame(predictor = preds, raw_ci_low = rq[1, ], raw_ci_high = rq[2, ],
                     rescaled_ci_low = sq[1, ], rescaled_ci_high = sq[2, ],
                     general_dominance_ci_low = gq[1, ], general_dominance_ci_high = gq[2, ]),
          file.path(out, "mtcars_boot_ci.csv"), row.names = FALSE)

# --- Field's SAQ: Question_06 on seven other items (n = 2571), read from ../shared -----------------------
saq <- read.spss("../shared/data/saq/SAQ.sav", to.data.frame = TRUE, use.value.labels = FALSE)
preds <- c("Question_01", "Question_02", "Question_03", "Question_04", "Question_05", "Question_07",
           "Question_08")
X <- as.matrix(saq[, preds]); y <- saq$Question_06
analyse("saq", X, y)
