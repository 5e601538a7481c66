# Reference values for a stratum holding a single PSU ("lonely PSU") under each of R survey's
# survey.lonely.psu rules, computed with R's survey package on the bundled SYNTHETIC DGI 2021
# survey, for dgi_stats' SurveyDesign(..., lonely_psu=...).
#
# Run from the repository root:   Rscript tests/reference/r_single_psu/make_reference.R
# Needs R >= 4.1 with the packages survey and jsonlite (Debian: r-base-core r-cran-survey
# r-cran-jsonlite) and the coreutils program sha256sum.
#
# Reads only a committed file:
#   dgi_stats/datasets/synthetic/dgi_2021_SYNTHETIC_respondents.csv.gz   (SYNTHETIC respondents)
# Writes tests/reference/r_single_psu/single_psu_2021.json.
#
# The single-PSU unit: in the district "Cô Tô" (if absent, the alphabetically first district)
# only the rows of its commune with the most respondents are kept (ties: the alphabetically first
# commune_id); every other district is left untouched, and no weight is changed. The design is
# the plain with-replacement one-stage design of r_certainty's 'wr': communes are the PSUs,
# districts the strata, nr_weight the weights, no fpc:
#   svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)
# so the lonely district is a stratum with one PSU. Each of survey.lonely.psu = "remove",
# "certainty", "adjust", "average" is set in turn (survey.adjust.domain.lonely stays FALSE).
#
# Everything is SYNTHETIC: the data are simulated, not DGI microdata.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE,
        survey.ultimate.cluster = FALSE, stringsAsFactors = FALSE, warn = 1)

YEAR <- 2021
OUT_DIR <- "tests/reference/r_single_psu"
RESP_FILE <- sprintf("dgi_stats/datasets/synthetic/dgi_%d_SYNTHETIC_respondents.csv.gz", YEAR)
if (!file.exists(RESP_FILE)) stop("missing input ", RESP_FILE, ": run this script from the repository root")
RULES <- c("remove", "certainty", "adjust", "average")

sha256 <- function(path) {
  out <- system2("sha256sum", shQuote(path), stdout = TRUE)
  strsplit(out, " ")[[1]][1]
}

# jsonlite's toJSON writes at most 15 significant digits even with digits = NA or I(17) (its
# toJSON(1/3, digits = I(17)) is 0.333333333333333), which does not always give back the double.
# Each exported double is therefore formatted here with 15 significant digits, or 17 when 15 do
# not round-trip, and passed to toJSON verbatim (json_verbatim = TRUE); checked after writing.
# A NaN (R's SE for the single-PSU district's own domain under "average", see README) is written
# as null.
num <- function(x) {
  stopifnot(is.numeric(x), length(x) == 1, !is.infinite(x))
  if (is.na(x)) return(structure("null", class = "json"))
  s <- formatC(x, digits = 15, format = "g")
  if (as.numeric(s) != x) s <- formatC(x, digits = 17, format = "g")
  stopifnot(as.numeric(s) == x)
  structure(trimws(s), class = "json")
}

# Every call that produces an exported number is written as a string, recorded in the JSON header
# and run with run() so that the header shows exactly what ran.
CALLS <- character(0)
run <- function(call, env = parent.frame()) {
  CALLS <<- c(CALLS, call)
  eval(parse(text = call), envir = env)
}

# ------------------------------------------------------------------------------------ inputs
run(paste0("d0 <- read.csv(RESP_FILE, encoding = 'UTF-8', colClasses = c(respondent_id = 'character', ",
           "district = 'character', commune_id = 'character', village_id = 'character', ",
           "sex = 'character', age_group = 'character', ethnicity = 'character'))"))

# ------------------------------------------------------------------------------------ items
# The file holds no clean 0/1 or 0-10 score column (items are coded 1/2/98 or 1-5/98, 98 and
# 9998 = don't know, blank = skipped), so the two variables are the 0/1 indicators
# "answer code 1" of two complete yes/no items, as r_certainty's fav_q101.
ITEMS <- c("fav_q101", "fav_q301")
run("d0$fav_q101 <- as.numeric(d0$q101 == 1)")
run("d0$fav_q301 <- as.numeric(d0$q301 == 1)")
for (it in ITEMS) if (anyNA(d0[[it]])) stop("item ", it, " has missing values")

# ------------------------------------------------------------------------------------ the single-PSU unit
run("LONELY <- if ('Cô Tô' %in% d0$district) 'Cô Tô' else sort(unique(d0$district))[1]")
run("n_by_commune <- table(d0$commune_id[d0$district == LONELY])")
run("KEEP <- sort(names(n_by_commune)[n_by_commune == max(n_by_commune)])[1]")
run("d <- d0[d0$district != LONELY | d0$commune_id == KEEP, ]")
run("rownames(d) <- NULL")

units <- sort(unique(d$district))
n_psu <- vapply(units, function(u) length(unique(d$commune_id[d$district == u])), integer(1))
n_strata <- vapply(units, function(u) length(unique(d$district[d$district == u])), integer(1))
n_resp <- vapply(units, function(u) sum(d$district == u), integer(1))
stopifnot(n_psu[[LONELY]] == 1, sum(n_psu == 1) == 1)

# ------------------------------------------------------------------------------------ estimates
rules_out <- list()
for (rule in RULES) {
  run(sprintf("options(survey.lonely.psu = '%s')", rule))
  run("des <- svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)")
  by_district <- list()
  overall <- list()
  for (it in ITEMS) {
    res <- run(sprintf("svyby(~%s, ~district, des, svymean)", it))
    stopifnot(identical(as.character(res$district), units))
    est <- unname(coef(res))
    se <- unname(SE(res))
    by_district[[it]] <- setNames(lapply(seq_along(units), function(i)
      list(estimate = num(est[i]), se = num(se[i]))), units)
    m <- run(sprintf("svymean(~%s, des)", it))
    overall[[it]] <- list(estimate = num(unname(coef(m))[1]), se = num(unname(SE(m))[1]))
    # check the svyby layout against svymean on a subset
    chk <- svymean(as.formula(paste0("~", it)), subset(des, district == units[2]))
    stopifnot(abs(unname(coef(chk)) - est[2]) < 1e-14, abs(unname(SE(chk)) - se[2]) < 1e-14)
  }
  rules_out[[rule]] <- list(
    by_district = by_district,
    overall = overall,
    degf = run("degf(des)"),
    degf_by_district = setNames(lapply(units, function(u)
      run(sprintf("degf(subset(des, district == '%s'))", u))), units)
  )
}
options(survey.lonely.psu = "fail")

header <- list(
  description = paste0(
    "R survey reference for dgi_stats.SurveyDesign(lonely_psu=...) on the bundled SYNTHETIC ",
    "DGI ", YEAR, " survey reduced so that one district (a stratum) holds a single commune (PSU): ",
    "one-stage with-replacement design, communes as PSUs, districts as strata, nr_weight, no fpc. ",
    "SYNTHETIC data: simulated, not DGI microdata."),
  generator = "tests/reference/r_single_psu/make_reference.R",
  regenerate = "Rscript tests/reference/r_single_psu/make_reference.R  (from the repository root)",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S", tz = "UTC"),
  options = list(survey.lonely.psu = as.list(RULES),
                 survey.adjust.domain.lonely = getOption("survey.adjust.domain.lonely"),
                 survey.ultimate.cluster = getOption("survey.ultimate.cluster")),
  inputs = list(list(path = RESP_FILE, sha256 = sha256(RESP_FILE))),
  rows_in_file = nrow(d0),
  rows_used = nrow(d),
  calls = as.list(CALLS),
  notes = paste(
    "rules.<rule>.by_district.<variable>.<district>: coef and SE of svyby(~variable, ~district, des, svymean);",
    "rules.<rule>.overall.<variable>: svymean(~variable, des); rules.<rule>.degf: degf(des);",
    "rules.<rule>.degf_by_district: degf(subset(des, district == d)).",
    "districts.<district>: n_psu and n_strata in the reduced data; design_df = n_psu - n_strata",
    "(0 for the single-PSU district). Estimates and SEs are written with 15 significant digits,",
    "or 17 where 15 do not give back the double exactly; null = NaN (R's SE of the single-PSU",
    "district's own domain under 'average': its only stratum has no variance and no other",
    "stratum to average over, 0 * nstrat / 0 in survey:::onestage)."))
districts <- setNames(lapply(units, function(u) list(
  n_respondents = n_resp[[u]], n_psu = n_psu[[u]], n_strata = n_strata[[u]],
  design_df = n_psu[[u]] - n_strata[[u]])), units)
out <- list(
  provenance = header,
  single_psu_unit = list(district = LONELY, commune_id = KEEP,
                         n_respondents = n_resp[[LONELY]], n_psu = 1L, n_strata = 1L, design_df = 0L,
                         communes_dropped = sort(setdiff(names(n_by_commune), KEEP)),
                         respondents_by_commune_before = as.list(n_by_commune),
                         rule = paste0("in district '", LONELY, "' keep only the rows of its commune with ",
                                       "the most respondents (ties: alphabetically first commune_id)")),
  variables = as.list(ITEMS),
  variable_definitions = list(fav_q101 = "as.numeric(q101 == 1)", fav_q301 = "as.numeric(q301 == 1)"),
  districts = districts,
  rules = rules_out)
path <- file.path(OUT_DIR, sprintf("single_psu_%d.json", YEAR))
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE), path, useBytes = TRUE)

# the file must give back the doubles exactly (null for NaN)
back <- fromJSON(path, simplifyVector = FALSE)
same <- function(a, b) if (is.null(a)) identical(unclass(b), "null") else as.numeric(a) == as.numeric(b)
for (rule in RULES) for (it in ITEMS) {
  for (u in units) for (s in c("estimate", "se")) {
    stopifnot(same(back$rules[[rule]]$by_district[[it]][[u]][[s]],
                   rules_out[[rule]]$by_district[[it]][[u]][[s]]))
  }
  for (s in c("estimate", "se"))
    stopifnot(same(back$rules[[rule]]$overall[[it]][[s]], rules_out[[rule]]$overall[[it]][[s]]))
}
cat("wrote", path, "(", file.size(path), "bytes )\n")
