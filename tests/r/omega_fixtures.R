# Fixtures for tests/test_omega.py (psych::omega). Run from the repository root:
#   Rscript tests/r/omega_fixtures.R
# psych::omega defaults: fm = "minres", rotate = "oblimin", flip = TRUE; the Schmid-Leiman solution comes
# from fa(rotate = "varimax") followed by GPArotation::oblimin (unnormalised), g from fa(Phi, 1).
suppressPackageStartupMessages({library(psych); library(GPArotation); library(haven)})
out <- "tests/data/omega"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
cat("psych", as.character(packageVersion("psych")), "GPArotation", as.character(packageVersion("GPArotation")),
    "\n", file = file.path(out, "VERSIONS.txt"))
saq <- as.data.frame(zap_labels(read_sav("../shared/data/saq/SAQ.sav")))
hs <- read.csv("tests/data/cfa/holzinger_swineford_1939.csv")[, paste0("x", 1:9)]
dump <- function(data, k, tag) {
  om <- omega(data, nfactors = k, plot = FALSE)
  write.csv(data.frame(omega_h = om$omega_h, omega_tot = om$omega.tot, omega_lim = om$omega.lim,
                       alpha = om$alpha, ecv = unname(om$ECV), n_flipped = sum(om$key < 0)),
            file.path(out, paste0(tag, "_omega.csv")), row.names = FALSE)
  sl <- om$schmid$sl
  write.csv(data.frame(item = colnames(data), g = sl[, "g"], h2 = sl[, "h2"], u2 = sl[, "u2"],
                       key = om$key), file.path(out, paste0(tag, "_sl.csv")), row.names = FALSE)
}
dump(saq, 3, "saq3")
dump(saq, 4, "saq4")
dump(hs, 3, "hs3")

# ordinal: omega on the polychoric correlations (psych omega(poly = TRUE))
om <- omega(saq, nfactors = 3, poly = TRUE, plot = FALSE)
write.csv(data.frame(omega_h = om$omega_h, omega_tot = om$omega.tot, omega_lim = om$omega.lim, alpha = om$alpha,
                     ecv = unname(om$ECV), n_flipped = sum(om$key < 0)),
          file.path(out, "saq3_poly_omega.csv"), row.names = FALSE)
