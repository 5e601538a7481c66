# Reference values for dgi_stats' index scores (estimation.score) on the bundled SYNTHETIC DGI 2021
# survey, computed with R's survey package.
#
# Run from the repository root:   Rscript tests/reference/r_dgi/make_reference.R
# Needs R >= 4.1 with the packages survey and jsonlite (Debian: r-base-core r-cran-survey
# r-cran-jsonlite) and the coreutils program sha256sum.
#
# Reads only committed files:
#   dgi_stats/datasets/synthetic/dgi_2021_SYNTHETIC_respondents.csv.gz   (SYNTHETIC respondents)
#   dgi_stats/datasets/synthetic/dgi_2021_SYNTHETIC_frame.csv.gz         (SYNTHETIC population frame)
#   tests/reference/r_dgi/indicator_map_2021.csv   (the 2021 spec's scoring rules and measure map,
#                                                   written from dgi_stats' spec by
#                                                   tests/test_reference_r_dgi.py)
# Writes tests/reference/r_dgi/score_2021_<design>.json for the designs
#   taylor : stratified cluster design, nonresponse-adjusted weights, Taylor linearisation
#   raked  : the same raked to district x sex x age group and district x ethnicity (the annual
#            report's margins)
#   raked3 : the same raked to district x sex, district x age group and district x ethnicity
#
# Everything is SYNTHETIC: the data are simulated, not DGI microdata.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail", stringsAsFactors = FALSE, warn = 1)

YEAR <- 2021
OUT_DIR <- "tests/reference/r_dgi"
RESP_FILE <- sprintf("dgi_stats/datasets/synthetic/dgi_%d_SYNTHETIC_respondents.csv.gz", YEAR)
FRAME_FILE <- sprintf("dgi_stats/datasets/synthetic/dgi_%d_SYNTHETIC_frame.csv.gz", YEAR)
MAP_FILE <- file.path(OUT_DIR, sprintf("indicator_map_%d.csv", YEAR))
for (f in c(RESP_FILE, FRAME_FILE, MAP_FILE)) {
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
map <- read.csv(MAP_FILE, colClasses = "character", na.strings = character(0))
num <- function(x) ifelse(x == "", NA_real_, as.numeric(x))
codes <- function(s) if (is.na(s) || s == "") numeric(0) else as.numeric(strsplit(s, " ")[[1]])

# ------------------------------------------------------------------------------------ scoring
# The spec's rules (dgi_stats.spec): binary = 1 if the code is favourable; likert = (x - min) /
# (max - min); numeric = clip((x - low) / (high - low), 0, 1); likert and numeric reversed when
# direction = -1; don't know, refused and blank are missing; an item with asked_if is not
# applicable (missing) unless the filter item is applicable and answered with one of the codes.
rules <- map[!duplicated(map$item), ]
rownames(rules) <- rules$item
for (it in rules$item) {
  r <- rules[it, ]
  x <- as.numeric(d[[it]])
  special <- is.na(x) | x %in% c(codes(r$dont_know), codes(r$refused))
  if (r$kind == "numeric") {
    lo <- num(r$valid_min); hi <- num(r$valid_max)
    bad <- !special & ((!is.na(lo) & x < lo) | (!is.na(hi) & x > hi))
  } else {
    bad <- !special & !(x %in% codes(r$levels))
  }
  if (any(bad)) stop("item ", it, " has codes outside the spec: ", paste(head(x[bad]), collapse = " "))
}
applicable <- list()
is_applicable <- function(it) {
  if (!is.null(applicable[[it]])) return(applicable[[it]])
  r <- rules[it, ]
  ok <- rep(TRUE, nrow(d))
  if (r$asked_if_item != "") {
    f <- r$asked_if_item
    ok <- is_applicable(f) & !is.na(d[[f]]) & as.numeric(d[[f]]) %in% codes(r$asked_if_codes)
  }
  applicable[[it]] <<- ok
  ok
}
score_item <- function(it) {
  r <- rules[it, ]
  x <- as.numeric(d[[it]])
  x[!is_applicable(it)] <- NA
  missing <- is.na(x) | x %in% c(codes(r$dont_know), codes(r$refused))
  if (r$kind == "binary") {
    s <- as.numeric(x %in% codes(r$favourable))
  } else if (r$kind == "likert") {
    lv <- codes(r$levels)
    s <- (x - min(lv)) / (max(lv) - min(lv))
  } else {
    s <- pmin(pmax((x - num(r$low)) / (num(r$high) - num(r$low)), 0), 1)
  }
  if (r$kind != "binary" && as.integer(r$direction) == -1) s <- 1 - s
  s[missing] <- NA
  s
}
ind <- map[map$indicator != "", ]
ids <- ind$indicator
K <- length(ids)
# y_<id>: the score with 0 where missing; a_<id>: 1 if answered. The available-case mean of
# indicator k in a unit is the ratio sum(w y_k) / sum(w a_k) over the unit's respondents.
for (k in seq_len(K)) {
  s <- score_item(ind$item[k])
  d[[paste0("a_", ids[k])]] <- as.numeric(!is.na(s))
  d[[paste0("y_", ids[k])]] <- ifelse(is.na(s), 0, s)
}
ynames <- paste0("y_", ids)
anames <- paste0("a_", ids)

# Measure map: measure = sum_k W[measure, k] * indicator_mean_k + b[measure].
subs <- unique(ind$subdimension)
dims <- unique(ind$dimension)
measures_map <- c(subs, dims, "total", "composite")
W <- matrix(0, length(measures_map), K, dimnames = list(measures_map, ids))
b <- setNames(numeric(length(measures_map)), measures_map)
for (k in seq_len(K)) {
  W[ind$subdimension[k], k] <- num(ind$w_subdimension[k])
  W[ind$dimension[k], k] <- num(ind$w_dimension[k])
  W["total", k] <- num(ind$w_total[k])
  W["composite", k] <- num(ind$w_composite[k])
  b[ind$subdimension[k]] <- num(ind$b_subdimension[k])
  b[ind$dimension[k]] <- num(ind$b_dimension[k])
  b["total"] <- num(ind$b_total[k])
  b["composite"] <- num(ind$b_composite[k])
}
measures <- c(ids, measures_map)
headline <- c(dims, "total", "composite")

# ------------------------------------------------------------------------------------ designs
units <- sort(unique(d$district))
# population margins (adult counts) summed from the frame; rake() wants the count column named Freq
for (m in list(c("district", "sex", "age_group"), c("district", "sex"), c("district", "age_group"),
               c("district", "ethnicity"))) {
  run(sprintf("pop_%s <- setNames(aggregate(adults ~ %s, data = frame, FUN = sum), c(%s, 'Freq'))",
              paste(m, collapse = "_"), paste(m, collapse = " + "),
              paste0("'", m, "'", collapse = ", ")))
}
CALLS <- c(CALLS, paste(
  "y_<k>, a_<k>: every indicator's score (0 where missing) and answered flag, from the answers and",
  "indicator_map_2021.csv by the scoring section of make_reference.R"))
PREP_CALLS <- CALLS

design_calls <- list(
  taylor = c(
    "des <- svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)"
  ),
  raked = c(
    "des0 <- svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)",
    paste0("des <- rake(des0, sample.margins = list(~district + sex + age_group, ~district + ethnicity), ",
           "population.margins = list(pop_district_sex_age_group, pop_district_ethnicity), ",
           "control = list(maxit = 100, epsilon = 1e-12, verbose = FALSE))")
  ),
  raked3 = c(
    "des0 <- svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)",
    paste0("des <- rake(des0, sample.margins = list(~district + sex, ~district + age_group, ~district + ethnicity), ",
           "population.margins = list(pop_district_sex, pop_district_age_group, pop_district_ethnicity), ",
           "control = list(maxit = 100, epsilon = 1e-12, verbose = FALSE))")
  )
)
rake_margins <- list(
  raked = c("district_sex_age_group", "district_ethnicity"),
  raked3 = c("district_sex", "district_age_group", "district_ethnicity")
)
# Units whose full indicator x indicator covariance is exported (the rest: headline measures only).
FULL_COV_UNITS <- list(taylor = c("Uông Bí", "Cô Tô"), raked = "Uông Bí", raked3 = "Uông Bí")
CROSS_UNIT_MEASURE <- ids[1]
first_of_dimension <- ids[!duplicated(ind$dimension)]
SVYBY_IDS <- list(taylor = ids, raked = first_of_dimension, raked3 = first_of_dimension)
for (j in seq_along(units)) {
  d[[paste0("cy_", j)]] <- d[[paste0("y_", CROSS_UNIT_MEASURE)]] * (d$district == units[j])
  d[[paste0("ca_", j)]] <- d[[paste0("a_", CROSS_UNIT_MEASURE)]] * (d$district == units[j])
}
cross_formula <- paste("~", paste(c(paste0("cy_", seq_along(units)), paste0("ca_", seq_along(units))),
                                  collapse = " + "))
cross_list <- lapply(seq_along(units), function(j) parse(text = sprintf("cy_%d / ca_%d", j, j))[[1]])
names(cross_list) <- paste0("u", seq_along(units))

nlcon_list <- lapply(ids, function(k) parse(text = sprintf("y_%s / a_%s", k, k))[[1]])
names(nlcon_list) <- ids
lin_list <- lapply(measures_map, function(m) W[m, ])
names(lin_list) <- measures_map
rows_of <- function(m) lapply(seq_len(nrow(m)), function(i) unname(m[i, ]))
# upper triangle (diagonal included) of a symmetric matrix, row by row
upper_of <- function(m) unname(unlist(lapply(seq_len(nrow(m)), function(i) m[i, i:ncol(m)])))
sum_formula <- paste("~", paste(c(ynames, anames), collapse = " + "))

make_header <- function(name, notes) {
  list(
    description = paste0(
      "R survey reference for dgi_stats.estimation.score on the bundled SYNTHETIC DGI ", YEAR,
      " survey (design '", name, "'). SYNTHETIC data: simulated, not DGI microdata."),
    generator = "tests/reference/r_dgi/make_reference.R",
    regenerate = "Rscript tests/reference/r_dgi/make_reference.R  (from the repository root)",
    r_version = R.version.string,
    survey_version = as.character(packageVersion("survey")),
    jsonlite_version = as.character(packageVersion("jsonlite")),
    date = format(Sys.time(), "%Y-%m-%d %H:%M:%S", tz = "UTC"),
    inputs = list(
      list(path = RESP_FILE, sha256 = sha256(RESP_FILE)),
      list(path = FRAME_FILE, sha256 = sha256(FRAME_FILE)),
      list(path = MAP_FILE, sha256 = sha256(MAP_FILE))),
    calls = as.list(c(PREP_CALLS, CALLS)),
    notes = notes)
}
write_reference <- function(out, name) {
  path <- file.path(OUT_DIR, sprintf("score_%d_%s.json", YEAR, name))
  writeLines(toJSON(out, auto_unbox = TRUE, digits = I(13), pretty = FALSE), path, useBytes = TRUE)
  cat("wrote", path, "(", file.size(path), "bytes,", format(Sys.time()), ")\n")
}

for (name in names(design_calls)) {
  CALLS <- character(0)
  for (cl in design_calls[[name]]) run(cl)
  if (name != "taylor") {
    # the margins are met
    w <- weights(des)
    for (p in rake_margins[[name]]) {
      pop <- get(paste0("pop_", p))
      vars <- setdiff(names(pop), "Freq")
      got <- aggregate(w, by = d[vars], FUN = sum)
      chk <- merge(pop, got, by = vars)
      stopifnot(nrow(chk) == nrow(pop), max(abs(chk$Freq - chk$x)) < 1e-6 * max(chk$Freq))
    }
  }
  est <- matrix(NA_real_, length(units), length(measures), dimnames = list(units, measures))
  se <- est
  degf_unit <- setNames(numeric(length(units)), units)
  n_unit <- setNames(integer(length(units)), units)
  n_answered <- matrix(NA_integer_, length(units), K, dimnames = list(units, ids))
  headline_cov <- list()
  indicator_cov <- list()

  # (1) the joint covariance of all indicator means within each unit: svytotal of the numerators
  #     and denominators, then every indicator's ratio (the delta method, identical to svyratio's
  #     linearisation) and every measure with svycontrast
  CALLS <- c(CALLS,
    "for u in units: sub <- subset(des, district == u)",
    "  tot <- svytotal(~y_<k1> + ... + y_<kK> + a_<k1> + ... + a_<kK>, sub)",
    "  rat <- svycontrast(tot, list(<k> = quote(y_<k> / a_<k>), ...))   # every indicator mean",
    "  mea <- svycontrast(rat, list(<measure> = W[<measure>, ], ...))    # + offset b[<measure>]",
    "  degf(sub)")
  for (u in units) {
    sub <- subset(des, district == u)
    tot <- svytotal(as.formula(sum_formula), sub)
    rat <- svycontrast(tot, nlcon_list)
    V <- vcov(rat)
    dimnames(V) <- list(ids, ids)
    est[u, ids] <- coef(rat)[ids]
    se[u, ids] <- sqrt(diag(V))[ids]
    mea <- svycontrast(rat, lin_list)
    est[u, measures_map] <- coef(mea)[measures_map] + b[measures_map]
    se[u, measures_map] <- SE(mea)[measures_map]
    Vm <- vcov(mea)
    dimnames(Vm) <- list(measures_map, measures_map)
    # the covariance of the measures is W V W'
    stopifnot(isTRUE(all.equal(Vm, W %*% V %*% t(W), tolerance = 1e-10, check.attributes = FALSE)))
    headline_cov[[u]] <- rows_of(Vm[headline, headline])
    if (u %in% FULL_COV_UNITS[[name]]) indicator_cov[[u]] <- upper_of(V)
    degf_unit[u] <- degf(sub)
    in_u <- d$district == u
    n_unit[u] <- sum(in_u)
    n_answered[u, ] <- colSums(d[in_u, anames, drop = FALSE])
  }

  # (2) the same indicator means with svyby + svyratio (all indicators on the Taylor design; on
  #     the raked designs, where each call works on the whole zero-weighted sample, the first
  #     indicator of every dimension)
  check_ids <- SVYBY_IDS[[name]]
  CALLS <- c(CALLS, sprintf(
    "for k in %s: r <- svyby(~y_<k>, ~district, denominator = ~a_<k>, design = des, FUN = svyratio)",
    if (length(check_ids) == K) "every indicator" else paste(check_ids, collapse = ", ")))
  svyratio_est <- matrix(NA_real_, length(units), length(check_ids), dimnames = list(units, check_ids))
  svyratio_se <- svyratio_est
  for (k in check_ids) {
    r <- svyby(as.formula(paste0("~y_", k)), ~district, denominator = as.formula(paste0("~a_", k)),
               design = des, FUN = svyratio)
    pos <- match(units, as.character(r$district))
    svyratio_est[, k] <- unname(coef(r))[pos]
    svyratio_se[, k] <- unname(SE(r))[pos]
  }
  stopifnot(isTRUE(all.equal(svyratio_est, est[, check_ids, drop = FALSE], tolerance = 1e-12)),
            isTRUE(all.equal(svyratio_se, se[, check_ids, drop = FALSE], tolerance = 1e-10)))

  # (3) covariance between units of one indicator mean: its numerator and denominator split by
  #     unit (cy_j = y_k 1{unit j}, ca_j = a_k 1{unit j}), svytotal on the whole design, ratios by
  #     svycontrast; on the Taylor design also svyby(..., covmat = TRUE), which must agree (on a
  #     calibrated design svyby's covmat fails in survey 4.1-1)
  cross_units <- units
  CALLS <- c(CALLS, sprintf(paste0(
    "cross <- svycontrast(svytotal(~cy_1 + ... + cy_13 + ca_1 + ... + ca_13, des), ",
    "list(<unit j> = quote(cy_j / ca_j), ...))  # cy_j = y_%s * (district == unit j), ca_j = a_%s * (...)"),
    CROSS_UNIT_MEASURE, CROSS_UNIT_MEASURE))
  cross <- svycontrast(svytotal(as.formula(cross_formula), des), cross_list)
  cross_cov <- unname(unclass(vcov(cross)))
  attributes(cross_cov) <- list(dim = dim(cross_cov))
  stopifnot(isTRUE(all.equal(unname(coef(cross)), unname(est[cross_units, CROSS_UNIT_MEASURE]), tolerance = 1e-12)),
            isTRUE(all.equal(sqrt(diag(cross_cov)), unname(se[cross_units, CROSS_UNIT_MEASURE]), tolerance = 1e-10)))
  if (name == "taylor") {
    run(sprintf(
      "cross_svyby <- svyby(~y_%s, ~district, denominator = ~a_%s, design = des, FUN = svyratio, covmat = TRUE)",
      CROSS_UNIT_MEASURE, CROSS_UNIT_MEASURE))
    pos <- match(cross_units, as.character(cross_svyby$district))
    V2 <- unname(vcov(cross_svyby))[pos, pos]
    stopifnot(isTRUE(all.equal(V2, cross_cov, tolerance = 1e-10, scale = max(abs(cross_cov)))))
  }

  header <- make_header(name, paste(
      "Every estimate, standard error and covariance comes from svycontrast on svytotal within",
      "each unit (indicator means as ratios of totals, then the measure map). In R the indicator",
      "means and SEs equal svyby(svyratio)'s (to 1e-12 and 1e-10 relative; svyratio_check) and",
      "the measures' covariance equals W V W'. Units are strata and the margins are nested in",
      "units, so estimates of different units are independent (cross_unit_cov).",
      "degf = degf(subset(des, district == u))."))
  out <- list(
    header = header,
    design = name,
    rake_margins = if (name == "taylor") list() else as.list(rake_margins[[name]]),
    units = units,
    measures = measures,
    headline_measures = headline,
    estimate = rows_of(est),
    std_error = rows_of(se),
    degf = unname(degf_unit),
    n = unname(n_unit),
    n_answered = rows_of(n_answered),
    headline_cov = headline_cov,
    indicator_cov = indicator_cov,
    cross_unit_cov = list(measure = CROSS_UNIT_MEASURE, units = cross_units, cov = rows_of(cross_cov)),
    svyratio_check = list(indicators = check_ids, estimate = rows_of(svyratio_est),
                          std_error = rows_of(svyratio_se))
  )
  write_reference(out, name)
}

# ------------------------------------------------------------------------------------ bootstrap
# A bootstrap replicate design (unraked). R's random numbers cannot be reproduced elsewhere, so the
# replicate factors of every PSU are exported with the results: dgi_stats rebuilds the replicate
# weights from them (nr_weight x factor of the respondent's commune).
CALLS <- character(0)
run("des <- svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE, data = d)")
run("set.seed(20210101)")
run("desb <- as.svrepdesign(des, type = \"bootstrap\", replicates = 50)")
factors <- as.matrix(desb$repweights$weights)              # PSU x replicate multipliers
psu_rows <- desb$repweights$index                          # row -> row of `factors`
psu_of_row <- paste(d$district, d$commune_id, sep = "\r")
psu_keys <- psu_of_row[match(seq_len(nrow(factors)), psu_rows)]
stopifnot(!anyNA(psu_keys),
          all(tapply(psu_rows, psu_of_row, function(x) length(unique(x))) == 1))
rw <- weights(desb, "analysis")
stopifnot(max(abs(rw - d$nr_weight * factors[psu_rows, ])) < 1e-9 * max(rw))
CALLS <- c(CALLS,
  "for u in units: sub <- subset(desb, district == u)",
  "  tot <- svytotal(~y_<k1> + ... + y_<kK> + a_<k1> + ... + a_<kK>, sub, return.replicates = TRUE)",
  "  rat <- svycontrast(tot, list(<k> = quote(y_<k> / a_<k>), ...))   # replicate ratios; var by svrVar",
  "  reps <- rat$replicates %*% t(W); svrVar(reps, scale, rscales, mse, coef = W %*% coef(rat) + b)",
  "  degf(sub)")
est <- matrix(NA_real_, length(units), length(measures), dimnames = list(units, measures))
se <- est
degf_unit <- setNames(numeric(length(units)), units)
headline_cov <- list()
indicator_cov <- list()
rep_headline <- list()
for (u in units) {
  sub <- subset(desb, district == u)
  tot <- svytotal(as.formula(sum_formula), sub, return.replicates = TRUE)
  rat <- svycontrast(tot, nlcon_list)
  V <- unclass(vcov(rat))
  dimnames(V) <- list(ids, ids)
  r_ind <- as.matrix(rat$replicates)
  est[u, ids] <- coef(rat)[ids]
  se[u, ids] <- sqrt(diag(V))
  m_coef <- drop(W %*% coef(rat)[ids]) + b
  m_reps <- r_ind %*% t(W)
  sc <- attr(tot$replicates, "scale"); rs <- attr(tot$replicates, "rscales"); ms <- attr(tot$replicates, "mse")
  Vm <- svrVar(m_reps, scale = sc, rscales = rs, mse = ms, coef = m_coef)
  Vm <- unclass(Vm); attributes(Vm) <- list(dim = dim(Vm), dimnames = list(measures_map, measures_map))
  stopifnot(isTRUE(all.equal(Vm, W %*% V %*% t(W), tolerance = 1e-10, check.attributes = FALSE)))
  est[u, measures_map] <- m_coef
  se[u, measures_map] <- sqrt(diag(Vm))
  headline_cov[[u]] <- rows_of(Vm[headline, headline])
  if (u == "Uông Bí") indicator_cov[[u]] <- upper_of(V)
  rep_headline[[u]] <- rows_of(m_reps[, c("total", "composite")])
  degf_unit[u] <- degf(sub)
}
n_unit <- as.integer(table(factor(d$district, levels = units)))
n_answered <- t(sapply(units, function(u) colSums(d[d$district == u, anames, drop = FALSE])))
psu_parts <- strsplit(psu_keys, "\r", fixed = TRUE)
out <- list(
  header = make_header("bootstrap", paste(
    "Bootstrap replicate design (as.svrepdesign, type = 'bootstrap', 50 replicates, not raked).",
    "replicate_factors gives every PSU's multipliers (rows: replicate_psu), scale, rscales and mse:",
    "the replicate weights are nr_weight x the factor of the respondent's (district, commune_id).",
    "Indicator means per replicate by svycontrast (nonlinear, on svytotal's replicates); the",
    "measures' replicates are those times W', their variance by svrVar (checked equal to W V W').",
    "degf = degf(subset(desb, district == u)).")),
  design = "bootstrap",
  rake_margins = list(),
  units = units,
  measures = measures,
  headline_measures = headline,
  estimate = rows_of(est),
  std_error = rows_of(se),
  degf = unname(degf_unit),
  n = n_unit,
  n_answered = rows_of(n_answered),
  headline_cov = headline_cov,
  indicator_cov = indicator_cov,
  replicate_psu = list(district = vapply(psu_parts, `[`, "", 1),
                       commune_id = vapply(psu_parts, `[`, "", 2)),
  replicate_factors = rows_of(factors),
  scale = sc,
  rscales = unname(rs),
  mse = ms,
  replicates_total_composite = rep_headline
)
write_reference(out, "bootstrap")
