# Reference values for Minsheng's survey estimators, computed by R's survey package.
#
#   Rscript tests/core/survey/r_reference.R ../shared/reference/survey > tests/core/survey/r_reference.json
#
# Each case is a Minsheng SPEC (the `minsheng survey estimate` format) and the rows R gives for
# it. The designs here go beyond ../shared/reference/survey/r_survey_reference.json: two-stage
# clusters, post-stratification, raking, JK1 and bootstrap replicates (with R's own RNG seed),
# calibrated replicate designs, ratios, categorical variables by domain and missing values.
# Only this script writes the JSON; nothing Minsheng computes is ever copied into it.
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "../shared/reference/survey"
rd <- function(f) read.csv(file.path(dir, f))
apistrat <- rd("apistrat.csv"); apiclus1 <- rd("apiclus1.csv"); apiclus2 <- rd("apiclus2.csv")
apisrs <- rd("apisrs.csv"); apipop <- rd("apipop.csv")

num <- function(x) if (is.na(x) || !is.finite(x)) "null" else formatC(x, digits = 17, format = "g")
str <- function(x) if (is.null(x) || is.na(x)) "null" else paste0('"', x, '"')

row_json <- function(stat, var, by, level, category, est, se) {
  sprintf('{"stat": %s, "var": %s, "by": %s, "level": %s, "category": %s, "estimate": %s, "se": %s}',
          str(stat), str(var), str(by), str(level), str(category), num(est), num(se))
}

# svymean/svytotal/svyratio results on the whole sample
plain <- function(stat, var, res, categorical = FALSE) {
  est <- coef(res); se <- as.vector(as.matrix(SE(res)))
  sapply(seq_along(est), function(i) {
    cat_ <- if (categorical) sub(paste0("^", var), "", names(est)[i]) else NULL
    row_json(stat, var, NULL, cat_, NULL, est[i], se[i])
  })
}

# svyby results; categorical names look like "E:sch.wideNo"
byrows <- function(stat, var, by, res, categorical = FALSE) {
  est <- coef(res); se <- as.vector(as.matrix(SE(res)))
  sapply(seq_along(est), function(i) {
    nm <- names(est)[i]
    if (categorical) {
      parts <- strsplit(nm, ":", fixed = TRUE)[[1]]
      row_json(stat, var, by, parts[1], sub(paste0("^", var), "", parts[2]), est[i], se[i])
    } else row_json(stat, var, by, nm, NULL, est[i], se[i])
  })
}

cases <- character(0)
case <- function(name, spec, rows) {
  cases <<- c(cases, sprintf('{"name": %s, "spec": %s, "expected": [\n  %s]}', str(name), spec,
                              paste(unlist(rows), collapse = ",\n  ")))
}

pop.types <- table(stype = apipop$stype)
pop.schwide <- table(sch.wide = apipop$sch.wide)
margins_types <- sprintf('"stype": {"E": %d, "H": %d, "M": %d}', pop.types[["E"]], pop.types[["H"]], pop.types[["M"]])
margins_schwide <- sprintf('"sch.wide": {"No": %d, "Yes": %d}', pop.schwide[["No"]], pop.schwide[["Yes"]])

# 1. Two-stage cluster sample with fpc at both stages
d <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
case("clus2 fpc",
  '{"data": "apiclus2.csv", "ids": ["dnum", "snum"], "strata": null, "weights": null, "fpc": ["fpc1", "fpc2"], "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "sch.wide"},
    {"stat": "mean", "var": "api00", "by": "stype"}, {"stat": "mean", "var": "acs.k3"}, {"stat": "ratio", "var": "api00", "denominator": "api99"}]}',
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d, na.rm = TRUE)),
       plain("mean", "sch.wide", svymean(~sch.wide, d), TRUE),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean)),
       plain("mean", "acs.k3", svymean(~acs.k3, d, na.rm = TRUE)),
       plain("ratio", "api00", svyratio(~api00, ~api99, d))))

# 2. Two-stage ids with weights and no fpc: the ultimate-cluster variance
d <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
case("clus2 weights only",
  '{"data": "apiclus2.csv", "ids": ["dnum", "snum"], "weights": "pw", "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "api00", "by": "stype"}]}',
  list(plain("mean", "api00", svymean(~api00, d)),
       byrows("total", "api00", "stype", svyby(~api00, ~stype, d, svytotal))))

# 3. Stratified: a ratio, a two-way domain and a categorical variable by domain
d <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
case("strat domains",
  '{"data": "apistrat.csv", "ids": [], "strata": "stype", "weights": "pw", "fpc": ["fpc"], "estimates": [
    {"stat": "ratio", "var": "api00", "denominator": "api99"}, {"stat": "mean", "var": "api00", "by": ["stype", "sch.wide"]},
    {"stat": "mean", "var": "comp.imp", "by": "stype"}, {"stat": "ratio", "var": "api00", "denominator": "api99", "by": "stype"}]}',
  list(plain("ratio", "api00", svyratio(~api00, ~api99, d)),
       byrows("mean", "api00", "stype+sch.wide", svyby(~api00, ~stype + sch.wide, d, svymean)),
       byrows("mean", "comp.imp", "stype", svyby(~comp.imp, ~stype, d, svymean), TRUE),
       byrows("ratio", "api00", "stype", svyby(~api00, ~stype, d, svyratio, denominator = ~api99))))

# 4. Post-stratified one-stage cluster sample
d <- postStratify(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc), ~stype, pop.types)
case("clus1 poststratify",
  sprintf('{"data": "apiclus1.csv", "ids": ["dnum"], "weights": "pw", "fpc": ["fpc"], "calibrate": {"method": "poststratify", "margins": {%s}}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}, {"stat": "mean", "var": "sch.wide"}]}', margins_types),
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean)),
       plain("mean", "sch.wide", svymean(~sch.wide, d), TRUE)))

# 5. Raked one-stage cluster sample (two margins)
d <- rake(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc), list(~stype, ~sch.wide), list(pop.types, pop.schwide))
case("clus1 rake",
  sprintf('{"data": "apiclus1.csv", "ids": ["dnum"], "weights": "pw", "fpc": ["fpc"], "calibrate": {"method": "rake", "margins": {%s, %s}}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}]}', margins_types, margins_schwide),
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))

# 6. Raked stratified sample on margins that are not the strata
d <- rake(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat), list(~sch.wide, ~comp.imp),
          list(pop.schwide, table(comp.imp = apipop$comp.imp)))
pop.comp <- table(comp.imp = apipop$comp.imp)
case("strat rake",
  sprintf('{"data": "apistrat.csv", "strata": "stype", "weights": "pw", "fpc": ["fpc"], "calibrate": {"method": "rake", "margins": {%s, "comp.imp": {"No": %d, "Yes": %d}}}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "mean", "var": "api00", "by": "stype"}]}', margins_schwide, pop.comp[["No"]], pop.comp[["Yes"]]),
  list(plain("mean", "api00", svymean(~api00, d)), byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))

# 7. JK1 replicates of the one-stage cluster sample
d <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc), type = "JK1")
case("clus1 JK1",
  '{"data": "apiclus1.csv", "ids": ["dnum"], "weights": "pw", "fpc": ["fpc"], "replicates": {"type": "JK1"}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}, {"stat": "mean", "var": "sch.wide"}]}',
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean)),
       plain("mean", "sch.wide", svymean(~sch.wide, d), TRUE)))

# 8. Bootstrap of the stratified sample with fpc (R's RNG, seed 1)
set.seed(1)
d <- as.svrepdesign(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat), type = "bootstrap", replicates = 200)
case("strat bootstrap fpc",
  '{"data": "apistrat.csv", "strata": "stype", "weights": "pw", "fpc": ["fpc"], "replicates": {"type": "bootstrap", "n": 200, "seed": 1}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}]}',
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))

# 9. Bootstrap of the cluster sample without fpc (seed 42)
set.seed(42)
d <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1), type = "bootstrap", replicates = 100)
case("clus1 bootstrap",
  '{"data": "apiclus1.csv", "ids": ["dnum"], "weights": "pw", "replicates": {"type": "bootstrap", "n": 100, "seed": 42}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "mean", "var": "sch.wide", "by": "stype"}]}',
  list(plain("mean", "api00", svymean(~api00, d)),
       byrows("mean", "sch.wide", "stype", svyby(~sch.wide, ~stype, d, svymean), TRUE)))

# 10. Post-stratified bootstrap replicates (each replicate calibrated again)
set.seed(3)
d <- postStratify(as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc), type = "bootstrap", replicates = 50), ~stype, pop.types)
case("clus1 bootstrap poststratify",
  sprintf('{"data": "apiclus1.csv", "ids": ["dnum"], "weights": "pw", "fpc": ["fpc"], "calibrate": {"method": "poststratify", "margins": {%s}}, "replicates": {"type": "bootstrap", "n": 50, "seed": 3}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}]}', margins_types),
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))

# 11. Raked JK1 replicates
d <- rake(as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc), type = "JK1"), list(~stype, ~sch.wide), list(pop.types, pop.schwide))
case("clus1 JK1 rake",
  sprintf('{"data": "apiclus1.csv", "ids": ["dnum"], "weights": "pw", "fpc": ["fpc"], "calibrate": {"method": "rake", "margins": {%s, %s}}, "replicates": {"type": "JK1"}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "mean", "var": "api00", "by": "stype"}]}', margins_types, margins_schwide),
  list(plain("mean", "api00", svymean(~api00, d)), byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))

# 12. Simple random sample without weights (equal probability, fpc as population size)
d <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
case("srs fpc only",
  '{"data": "apisrs.csv", "ids": null, "fpc": ["fpc"], "estimates": [{"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}]}',
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d))))

# 13. Trimmed weights (trimWeights, strict) of the stratified sample, and of a raked one
d <- trimWeights(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat), upper = 40, strict = TRUE)
case("strat trim",
  '{"data": "apistrat.csv", "strata": "stype", "weights": "pw", "fpc": ["fpc"], "trim": {"upper": 40, "strict": true}, "estimates": [
    {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}]}',
  list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
       byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))

# 14. Lonely PSUs: stratified by county, where many counties have one sampled school. The
#     results page uses "adjust" (a lonely PSU's deviation is taken from the grand mean).
for (mode in c("adjust", "remove", "average", "certainty")) {
  options(survey.lonely.psu = mode)
  d <- svydesign(id = ~1, strata = ~cname, weights = ~pw, data = apistrat)
  case(paste("strat by county, lonely psu", mode),
    sprintf('{"data": "apistrat.csv", "strata": "cname", "weights": "pw", "lonely_psu": "%s", "estimates": [
      {"stat": "mean", "var": "api00"}, {"stat": "total", "var": "enroll"}, {"stat": "mean", "var": "api00", "by": "stype"}]}', mode),
    list(plain("mean", "api00", svymean(~api00, d)), plain("total", "enroll", svytotal(~enroll, d)),
         byrows("mean", "api00", "stype", svyby(~api00, ~stype, d, svymean))))
}
options(survey.lonely.psu = "fail")  # the package default

cat(sprintf('{"_meta": {"R": %s, "survey": %s, "lonely_psu": %s, "script": "tests/core/survey/r_reference.R"},\n "cases": [\n%s\n]}\n',
            str(R.version.string), str(as.character(packageVersion("survey"))), str(getOption("survey.lonely.psu")),
            paste(cases, collapse = ",\n")))
