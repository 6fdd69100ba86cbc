# Fixtures for tests/test_polychoric.py (psych, polycor). Run from the repository root:
#   Rscript tests/r/polychoric_fixtures.R
# Data: Field's SAQ (../shared/data/saq/SAQ.sav), 5-point items; a copy with known cells set to NA.
# (R prints "NaNs produced" warnings from psych's polyF: log of a negative cell probability while optimize
# tries rho near +-1; psych drops those terms, the optimum is unaffected.)
suppressPackageStartupMessages({library(psych); library(polycor); library(haven)})
out <- "tests/data/polychoric"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
cat("psych", as.character(packageVersion("psych")), "polycor", as.character(packageVersion("polycor")), "\n",
    file = file.path(out, "VERSIONS.txt"))
saq <- as.data.frame(zap_labels(read_sav("../shared/data/saq/SAQ.sav")))
q <- function(i) sprintf("Question_%02d", i)

# psych::polychoric on all 23 items (global thresholds, smooth = TRUE: not needed here, the matrix is PD)
pc <- polychoric(saq)
write.csv(pc$rho, file.path(out, "saq_polychoric_rho.csv"))
write.csv(pc$tau, file.path(out, "saq_polychoric_tau.csv"))
cat("min eigenvalue", min(eigen(pc$rho)$values), "\n")

# polycor two-step estimates for single pairs (pair thresholds; ML = FALSE), with the standard error
pairs <- list(c(1, 2), c(1, 3), c(6, 7), c(8, 11), c(2, 23), c(4, 5))
rows <- lapply(pairs, function(p) {
  r <- polychor(saq[[q(p[1])]], saq[[q(p[2])]], ML = FALSE, std.err = TRUE)
  data.frame(x = q(p[1]), y = q(p[2]), rho = r$rho, se = sqrt(r$var[1, 1]))
})
write.csv(do.call(rbind, rows), file.path(out, "saq_polychor_pairs.csv"), row.names = FALSE)

# missing values in known cells (R rows 1-based; the test sets the same cells to NaN)
saq_na <- saq
saq_na$Question_01[c(1, 2, 3, 50, 60)] <- NA
saq_na$Question_02[c(3, 4, 70)] <- NA
saq_na$Question_06[seq(10, 400, by = 10)] <- NA
sub <- saq_na[, q(c(1, 2, 6, 7, 10))]
pc_na <- polychoric(sub)
write.csv(pc_na$rho, file.path(out, "saq_na_polychoric_rho.csv"))
r_na <- polychor(sub$Question_01, sub$Question_06, ML = FALSE)
write.csv(data.frame(x = "Question_01", y = "Question_06", rho = r_na), file.path(out, "saq_na_polychor_pair.csv"),
          row.names = FALSE)

# ordinal alpha (Zumbo, Gadermann & Zeisser 2007): psych::alpha on the polychoric matrix, Field's
# fear-of-computers subscale and the peer-evaluation subscale
for (s in list(list("computers", c(6, 7, 10, 13, 14, 15, 18)), list("peers", c(2, 9, 19, 22, 23)))) {
  rho <- polychoric(saq[, q(s[[2]])])$rho
  a <- alpha(rho)
  write.csv(data.frame(scale = s[[1]], ordinal_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha),
            file.path(out, paste0("ordinal_alpha_", s[[1]], ".csv")), row.names = FALSE)
}

# EFA on the polychoric matrix (psych fa(cor = "poly")): minres, oblimin (unnormalised, psych's default)
f <- fa(saq, nfactors = 4, fm = "minres", rotate = "oblimin", cor = "poly")
write.csv(unclass(f$loadings), file.path(out, "saq_fa_poly_minres_oblimin_4.csv"))
