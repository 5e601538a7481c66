# Reference values for panel designs (the same communes surveyed in two years): district x year
# means of three indicators with their joint covariance, across years included, from ONE design
# over the stacked years, computed with R's survey package, for dgi_stats' score_panel().
#
# Run from the repository root:   Rscript tests/reference/r_panel/make_reference.R
# Needs R >= 4.1 with the packages survey and jsonlite (Debian: r-base-core r-cran-survey
# r-cran-jsonlite) and the coreutils program sha256sum.
#
# Reads only a committed file:
#   tests/reference/r_panel/panel_SYNTHETIC.csv   (SYNTHETIC respondents, written by make_data.py)
# Writes tests/reference/r_panel/panel.json.
#
# Designs (communes are the PSUs, districts the strata, w the weights, no fpc):
#   taylor       svydesign(ids = ~commune, strata = ~district, weights = ~w, nest = TRUE, data = d)
#                a commune surveyed in both years is ONE PSU holding both years' rows;
#   jkn          as.svrepdesign(taylor, type = "JKn")   (the same replicate factors in both years);
#   independent  the same data with the 2022 communes given new ids (commune2), so no PSU is
#                shared: the covariance across years must be exactly zero.
# For each: svyby(~i1 + i2 + i3, ~district + year, des, svymean, covmat = TRUE), coef() and
# vcov(); and svycontrast() of the year difference of total = 5 i1 + 5 i2 + 0.5 i3 in district D2.
#
# Everything is SYNTHETIC: the data are simulated, not DGI microdata.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE,
        survey.ultimate.cluster = FALSE, stringsAsFactors = FALSE, warn = 1)

OUT_DIR <- "tests/reference/r_panel"
DATA_FILE <- file.path(OUT_DIR, "panel_SYNTHETIC.csv")
if (!file.exists(DATA_FILE)) stop("missing input ", DATA_FILE, ": run this script from the repository root")
ITEMS <- c("i1", "i2", "i3")
TOTAL <- c(i1 = 5, i2 = 5, i3 = 0.5)   # total = 5 i1 + 5 i2 + 0.5 i3
CONTRAST_UNIT <- "D2"

sha256 <- function(path) {
  out <- system2("sha256sum", shQuote(path), stdout = TRUE)
  strsplit(out, " ")[[1]][1]
}

# jsonlite's toJSON writes at most 15 significant digits, which does not always give back the
# double; each exported double is formatted here with 15 significant digits, or 17 when 15 do
# not round-trip, and passed verbatim (json_verbatim = TRUE); checked after writing.
num <- function(x) {
  stopifnot(is.numeric(x), length(x) == 1, is.finite(x))
  s <- formatC(x, digits = 15, format = "g")
  if (as.numeric(s) != x) s <- formatC(x, digits = 17, format = "g")
  stopifnot(as.numeric(s) == x)
  structure(trimws(s), class = "json")
}
nums <- function(v) lapply(unname(as.numeric(v)), num)

CALLS <- character(0)
run <- function(call, env = globalenv()) {
  CALLS <<- c(CALLS, call)
  eval(parse(text = call), envir = env)
}

# ------------------------------------------------------------------------------------ inputs
run(paste0("d <- read.csv(DATA_FILE, colClasses = c(respondent_id = 'character', ",
           "district = 'character', commune = 'character', year = 'integer'))"))
run("d$commune2 <- ifelse(d$year == 2022, paste0(d$commune, '-new'), d$commune)")
stopifnot(!anyNA(d[ITEMS]))

# ------------------------------------------------------------------------------------ designs
run("taylor <- svydesign(ids = ~commune, strata = ~district, weights = ~w, nest = TRUE, data = d)")
run("jkn <- as.svrepdesign(taylor, type = 'JKn')")
run("independent <- svydesign(ids = ~commune2, strata = ~district, weights = ~w, nest = TRUE, data = d)")

one <- function(name) {
  res <- run(sprintf("res_%s <- svyby(~i1 + i2 + i3, ~district + year, %s, svymean, covmat = TRUE)", name, name))
  b <- run(sprintf("coef(res_%s)", name))
  v <- run(sprintf("vcov(res_%s)", name))
  stopifnot(identical(names(b), rownames(v)), identical(names(b), colnames(v)))
  # coef order: variable-major over the svyby rows (district fastest, then year)
  n_dom <- nrow(res)
  district <- rep(as.character(res$district), times = length(ITEMS))
  year <- rep(as.integer(as.character(res$year)), times = length(ITEMS))
  variable <- rep(ITEMS, each = n_dom)
  stopifnot(identical(names(b), paste0(district, ".", year, ":", variable)))
  # the contrast: total in 2022 minus total in 2021 for CONTRAST_UNIT
  cf <- setNames(numeric(length(b)), names(b))
  for (it in ITEMS) {
    cf[paste0(CONTRAST_UNIT, ".2022:", it)] <- TOTAL[[it]]
    cf[paste0(CONTRAST_UNIT, ".2021:", it)] <- -TOTAL[[it]]
  }
  assign(paste0("cf_", name), cf, envir = globalenv())
  con <- run(sprintf("svycontrast(res_%s, cf_%s)", name, name))
  degf_dom <- NULL
  if (name != "jkn") {
    degf_dom <- lapply(seq_len(n_dom), function(i) run(sprintf(
      "degf(subset(%s, district == '%s' & year == %d))", name, res$district[i],
      as.integer(as.character(res$year[i])))))
  }
  list(
    names = names(b),
    district = district, year = year, variable = variable,
    coef = nums(b),
    vcov = lapply(seq_len(nrow(v)), function(i) nums(v[i, ])),
    degf = run(sprintf("degf(%s)", name)),
    degf_by_domain = degf_dom,
    n_replicates = if (name == "jkn") ncol(jkn$repweights) else NULL,
    contrast = list(estimate = num(unname(coef(con))[1]), variance = num(unname(as.numeric(vcov(con)))[1]))
  )
}

designs <- list(taylor = one("taylor"), jkn = one("jkn"), independent = one("independent"))

out <- list(
  provenance = list(
    description = paste("svyby means of i1, i2, i3 by district and year on a stacked two-year",
                        "SYNTHETIC panel, with the joint covariance (covmat = TRUE)"),
    r_version = R.version.string,
    survey_version = as.character(packageVersion("survey")),
    jsonlite_version = as.character(packageVersion("jsonlite")),
    date = format(Sys.time(), "%Y-%m-%d", tz = "UTC"),
    options = list(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE,
                   survey.ultimate.cluster = FALSE,
                   survey.replicates.mse = isTRUE(getOption("survey.replicates.mse"))),
    input = DATA_FILE,
    input_sha256 = sha256(DATA_FILE),
    rows = nrow(d),
    calls = CALLS,
    synthetic = TRUE
  ),
  variables = ITEMS,
  total_weights = as.list(TOTAL),
  contrast_unit = CONTRAST_UNIT,
  designs = designs
)
out_file <- file.path(OUT_DIR, "panel.json")
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, null = "null"), out_file)

# every number reads back as the identical double
back <- fromJSON(out_file, simplifyVector = FALSE)
for (name in names(designs)) {
  stopifnot(identical(as.numeric(unlist(back$designs[[name]]$coef)), unname(as.numeric(coef(get(paste0("res_", name)))))))
  v <- unname(vcov(get(paste0("res_", name))))
  vb <- do.call(rbind, lapply(back$designs[[name]]$vcov, function(r) as.numeric(unlist(r))))
  stopifnot(identical(dim(vb), dim(v)), all(vb == v))
}
cat("wrote", out_file, "\n")
