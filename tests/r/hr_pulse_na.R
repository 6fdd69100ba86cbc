# The hr-pulse example's answers as R writes them: read the synthetic CSV, write it back with write.csv
# (missing answers become NA, text and the header are quoted, no row names), as an R user exporting a
# data frame would. Run from the repository root:
#   Rscript tests/r/hr_pulse_na.R
# Output: tests/data/hr_pulse_na/responses_na.csv (read by tests/test_hr_pulse_example.py).
answers <- read.csv("questionnaires/examples/hr-pulse/responses.csv", stringsAsFactors = FALSE)
stopifnot(nrow(answers) == 160, anyNA(answers$feedback))
write.csv(answers, "tests/data/hr_pulse_na/responses_na.csv", row.names = FALSE)
cat(R.version.string, "\n")
