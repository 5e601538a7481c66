# Reference values for certainty (self-representing) PSUs with a first-stage fpc in dgi_stats'
# SurveyDesign(..., certainty=...), computed with R's survey package on the bundled SYNTHETIC DGI
# 2021 survey.
#
# Run from the repository root:   Rscript tests/reference/r_certainty/make_reference.R
# Needs R >= 4.1 with the packages survey and jsonlite (Debian: r-base-core r-cran-survey
# r-cran-jsonlite) and the coreutils program sha256sum.
#
# Reads only committed files:
#   dgi_stats/datasets/synthetic/dgi_2021_SYNTHETIC_respondents.csv.gz   (SYNTHETIC respondents)
#   dgi_stats/datasets/synthetic/dgi_2021_SYNTHETIC_frame.csv.gz         (SYNTHETIC population frame)
# Writes tests/reference/r_certainty/certainty_2021.json.
#
# The design, as R survey's documentation recommends for self-representing PSUs: every commune
# with pi_commune == 1 is a stratum of its own in which the second stage becomes the first (its
# villages are the PSUs, fpc = villages_in_commune; its respondents the SSUs, fpc =
# adults_in_village); the other communes stay in their district's stratum with stage-1 fpc =
# communes_in_unit minus the district's certainty communes and stage-2 fpc = villages_in_commune.
#
# Everything is SYNTHETIC: the data are simulated, not DGI microdata.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail", survey.ultimate.cluster = FALSE, stringsAsFactors = FALSE,
        warn = 1)

YEAR <- 2021
OUT_DIR <- "tests/reference/r_certainty"
RESP_FILE <- sprintf("dgi_stats/datasets/synthetic/dgi_%d_SYNTHETIC_respondents.csv.gz", YEAR)
FRAME_FILE <- sprintf("dgi_stats/datasets/synthetic/dgi_%d_SYNTHETIC_frame.csv.gz", YEAR)
for (f in c(RESP_FILE, FRAME_FILE)) {
  if (!file.exists(f)) stop("missing input ", f, ": run this script from the repository root")
}

sha256 <- function(path) {
  out <- system2("sha256sum", shQuote(path), stdout = TRUE)
  strsplit(out, " ")[[1]][1]
}

# Every call that produces an exported number is written as a string, recorded in the JSON header
# and run with run() so that the header shows exactly what ran.
CALLS <- character(0)
run <- function(call, env = parent.frame()) {
  CALLS <<- c(CALLS, call)
  eval(parse(text = call), envir = env)
}

# ------------------------------------------------------------------------------------ inputs
run(paste0("d <- read.csv(RESP_FILE, encoding = 'UTF-8', colClasses = c(respondent_id = 'character', ",
           "district = 'character', commune_id = 'character', village_id = 'character', ",
           "sex = 'character', age_group = 'character', ethnicity = 'character'))"))
run(paste0("frame <- read.csv(FRAME_FILE, encoding = 'UTF-8', colClasses = c(district = 'character', ",
           "commune_id = 'character', village_id = 'character', sex = 'character', ",
           "age_group = 'character', ethnicity = 'character'))"))
for (m in list(c("district", "sex", "age_group"), c("district", "ethnicity"))) {
  run(sprintf("pop_%s <- setNames(aggregate(adults ~ %s, data = frame, FUN = sum), c(%s, 'Freq'))",
              paste(m, collapse = "_"), paste(m, collapse = " + "),
              paste0("'", m, "'", collapse = ", ")))
}

# ------------------------------------------------------------------------------------ items
ITEMS <- c("q101", "q301", "q401", "fav_q101")
run("d$fav_q101 <- as.numeric(d$q101 == 1)")
for (it in ITEMS) if (anyNA(d[[it]])) stop("item ", it, " has missing values")

# ------------------------------------------------------------------------------------ design
run("d$cert <- d$pi_commune >= 1 - 1e-12")
run("stopifnot(all(tapply(d$cert, d$commune_id, function(x) length(unique(x)) == 1)))")
run("n_cert <- tapply(d$commune_id[d$cert], factor(d$district[d$cert], levels = sort(unique(d$district))), function(x) length(unique(x)))")
run("n_cert[is.na(n_cert)] <- 0")
run("d$stratum2 <- ifelse(d$cert, paste(d$district, '| certainty PSU', d$commune_id), d$district)")
run("d$psu2 <- ifelse(d$cert, d$village_id, d$commune_id)")
run("d$ssu2 <- ifelse(d$cert, d$respondent_id, d$village_id)")
run("d$fpc1 <- ifelse(d$cert, d$villages_in_commune, d$communes_in_unit - n_cert[d$district])")
run("d$fpc2 <- ifelse(d$cert, d$adults_in_village, d$villages_in_commune)")
run(paste0("des <- svydesign(ids = ~psu2 + ssu2, strata = ~stratum2, fpc = ~fpc1 + fpc2, ",
           "weights = ~nr_weight, nest = TRUE, data = d)"))
run(paste0("raked <- rake(des, sample.margins = list(~district + sex + age_group, ~district + ethnicity), ",
           "population.margins = list(pop_district_sex_age_group, pop_district_ethnicity), ",
           "control = list(maxit = 100, epsilon = 1e-12, verbose = FALSE))"))
run("wr <- svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)")

units <- sort(unique(d$district))
formula <- paste("~", paste(ITEMS, collapse = " + "))
by_unit <- function(design_name, fun) {
  call <- sprintf("res <- svyby(%s, ~district, %s, %s, keep.var = TRUE)", formula, design_name, fun)
  res <- run(call)
  est <- as.matrix(res[, ITEMS])
  se <- as.matrix(res[, paste0("se.", ITEMS)])
  stopifnot(identical(as.character(res$district), units))
  list(estimate = lapply(seq_along(units), function(i) unname(est[i, ])),
       std_error = lapply(seq_along(units), function(i) unname(se[i, ])))
}
degf_by_unit <- function(design_name) {
  vapply(units, function(u) {
    run(sprintf("degf(subset(%s, district == '%s'))", design_name, u))
  }, numeric(1), USE.NAMES = FALSE)
}

out_designs <- list()
for (nm in c("des", "raked", "wr")) {
  out_designs[[nm]] <- list(
    mean = by_unit(nm, "svymean"),
    total = by_unit(nm, "svytotal"),
    degf_by_unit = degf_by_unit(nm),
    degf = run(sprintf("degf(%s)", nm))
  )
}
# check the layout against svymean on a subset
chk <- svymean(~q301, subset(des, district == units[2]))
stopifnot(abs(unname(coef(chk)) - out_designs$des$mean$estimate[[2]][2]) < 1e-12)
stopifnot(abs(sqrt(unname(vcov(chk))[1, 1]) - out_designs$des$mean$std_error[[2]][2]) < 1e-12)

header <- list(
  description = paste0(
    "R survey reference for dgi_stats.design.SurveyDesign(certainty=...) on the bundled SYNTHETIC ",
    "DGI ", YEAR, " survey: certainty communes as strata of their own (villages their PSUs), ",
    "stage-1 and stage-2 fpc from the frame. SYNTHETIC data: simulated, not DGI microdata."),
  generator = "tests/reference/r_certainty/make_reference.R",
  regenerate = "Rscript tests/reference/r_certainty/make_reference.R  (from the repository root)",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S", tz = "UTC"),
  options = list(survey.lonely.psu = getOption("survey.lonely.psu"),
                 survey.ultimate.cluster = getOption("survey.ultimate.cluster")),
  inputs = list(
    list(path = RESP_FILE, sha256 = sha256(RESP_FILE)),
    list(path = FRAME_FILE, sha256 = sha256(FRAME_FILE))),
  calls = as.list(CALLS),
  notes = paste(
    "designs: 'des' = the certainty design, 'raked' = des raked to the annual report's margins,",
    "'wr' = the with-replacement design (communes as PSUs, no fpc) for comparison.",
    "estimate/std_error: units x items (rows in 'units' order, columns in 'items' order).",
    "degf_by_unit: degf(subset(design, district == unit)); degf: degf(design)."))
out <- list(header = header, units = units, items = ITEMS,
            certainty_communes = sort(unique(d$commune_id[d$cert])), designs = out_designs)
path <- file.path(OUT_DIR, sprintf("certainty_%d.json", YEAR))
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(13), pretty = FALSE), path, useBytes = TRUE)
cat("wrote", path, "(", file.size(path), "bytes )\n")
