# Reference for the hr-pulse example's factor analysis (plan pulse_efa): psych::fa with minres extraction
# and GPArotation's oblimin WITHOUT Kaiser normalisation (psych's default, the plan's normalize: false),
# 2 factors, pairwise-complete correlations, on the keyed answers: "Don't know" (9) set to NA and the
# reverse-keyed item "leaving" scored 6 - x. Run from the repository root:
#   Rscript tests/r/hr_pulse_efa.R
# Output: tests/data/hr_pulse_efa/loadings.csv (pattern matrix), phi.csv (factor correlations).
suppressMessages(library(psych))
library(GPArotation)
answers <- read.csv("questionnaires/examples/hr-pulse/responses.csv", stringsAsFactors = FALSE)
items <- c("feedback", "manager_support", "recognition", "workload", "resources", "cooperation", "proud",
           "recommend", "leaving", "future")
x <- answers[, items]
x[x == 9] <- NA
x$leaving <- 6 - x$leaving
fit <- fa(x, nfactors = 2, fm = "minres", rotate = "oblimin", use = "pairwise")
loadings <- unclass(fit$loadings)
out <- data.frame(item = rownames(loadings), F1 = loadings[, 1], F2 = loadings[, 2])
write.csv(format(out, digits = 15), "tests/data/hr_pulse_efa/loadings.csv", row.names = FALSE, quote = FALSE)
phi <- fit$Phi
write.csv(format(data.frame(F1 = phi[, 1], F2 = phi[, 2]), digits = 15), "tests/data/hr_pulse_efa/phi.csv",
          row.names = FALSE, quote = FALSE)
cat(R.version.string, "psych", as.character(packageVersion("psych")), "GPArotation",
    as.character(packageVersion("GPArotation")), "\n")
