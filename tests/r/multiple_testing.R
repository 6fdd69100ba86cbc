# Fixtures for tests/test_multiple_testing.py: R's p.adjust on several families of p-values.
# Run from the repository root:  Rscript tests/r/multiple_testing.R
# Writes tests/data/multiple_testing/p_adjust.csv (one row per p-value, one column per method),
# numbers printed with 17 significant digits so the tests can compare to 1e-12.
out_dir <- "tests/data/multiple_testing"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
set.seed(20131218)
families <- list(
  # 20 p-values from a mix of nulls and effects, with ties, exact 0 and 1, and missing tests
  mixed = c(runif(8)^4, runif(6), 0, 1, NA, 0.05, 0.05, NA, 1e-10, 0.2),
  # p-values of 36 outcome x grouping tests (12 outcomes x 3 groupings, as Schick's Tables 11-13)
  schick_like = c(pt(-abs(rnorm(36, mean = rep(c(0, 0, 2.5), 12))), df = 150) * 2),
  single = c(0.031),
  triple_ties = c(0.01, 0.01, 0.04),
  all_missing_but_two = c(NA, 0.2, NA, 0.001)
)
methods <- c("holm", "bonferroni", "hochberg", "hommel", "BH", "BY")
rows <- list()
for (fam in names(families)) {
  p <- families[[fam]]
  d <- data.frame(family = fam, position = seq_along(p), p = p)
  for (m in methods) d[[m]] <- p.adjust(p, method = m)
  rows[[fam]] <- d
}
res <- do.call(rbind, rows)
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
for (col in c("p", methods)) res[[col]] <- fmt(res[[col]])
write.csv(res, file.path(out_dir, "p_adjust.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("stats", packageVersion("stats"))), file.path(out_dir, "VERSION.txt"))
