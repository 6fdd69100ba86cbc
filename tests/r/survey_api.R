# Data for the weighting, weighted-estimate and clustering fixtures: the California Academic Performance
# Index samples shipped with R's survey package (public data, Lumley 2010), exported as CSV with the
# population counts the weighting tests rake to.  Run from the repository root:  Rscript tests/r/survey_api.R
# Writes tests/data/survey_api/{apistrat,apiclus1}.csv and population tables pop_*.csv.
suppressMessages(library(survey))
data(api)
out_dir <- "tests/data/survey_api"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
keep <- c("snum", "dnum", "stype", "sch.wide", "awards", "comp.imp", "api00", "api99", "ell", "meals",
          "mobility", "acs.k3", "avg.ed", "pw")
w <- function(d, f) write.csv(d, file.path(out_dir, f), row.names = FALSE, na = "")
w(apistrat[, keep], "apistrat.csv")  # 200 schools, stratified by school type; acs.k3 missing for 103
w(apiclus1[, keep], "apiclus1.csv")  # 183 schools in 15 districts (cluster sample of districts)
# population headcounts (all 6194 schools) by margin and by cell, as tidy tables
pop_stype <- as.data.frame(table(stype = apipop$stype), responseName = "count")
pop_schwide <- as.data.frame(table(sch.wide = apipop$sch.wide), responseName = "count")
pop_cells <- as.data.frame(table(stype = apipop$stype, sch.wide = apipop$sch.wide), responseName = "count")
w(pop_stype, "pop_stype.csv")
w(pop_schwide, "pop_schwide.csv")
w(pop_cells, "pop_stype_schwide.csv")
pop_awards <- as.data.frame(table(awards = apipop$awards), responseName = "count")
w(pop_awards, "pop_awards.csv")
writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), file.path(out_dir, "VERSION.txt"))
