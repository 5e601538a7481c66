## make_dgi_calibration.R -- R survey reference outputs for weighting the SYNTHETIC DGI-like survey.
##
## The design codes are those of shared/reference/r_survey/survey_reference.R, section 6
## ("SYNTHETIC DGI data"), whose outputs for these designs are not among the shipped JSON files;
## this script recomputes them (plus a post-stratification on district x sex x age group, where
## weights vary within post-strata). Run from the repository root:
##   Rscript tests/reference/r_survey_calibration/make_dgi_calibration.R
## Inputs: tests/reference/r_survey/data/synthetic_dgi_respondents.csv (= shared/data/synthetic_dgi/
## respondents.csv) and data/synthetic_dgi_margins_*.csv here (= shared/data/synthetic_dgi/margins_*.csv).
## Outputs (here): dgi_calibration.json, weights/synthetic_dgi_weights.csv. Deterministic.

suppressPackageStartupMessages({ library(survey); library(jsonlite) })
options(survey.lonely.psu = "fail", survey.ultimate.cluster = FALSE,
        survey.adjust.domain.lonely = FALSE, survey.replicates.mse = FALSE)
HERE <- file.path("tests", "reference", "r_survey_calibration")

dgi <- read.csv(file.path("tests", "reference", "r_survey", "data", "synthetic_dgi_respondents.csv"),
                na.strings = "", stringsAsFactors = FALSE)
dgi$age_group <- factor(dgi$age_group, levels = c("18-29", "30-44", "45-59", "60+"))
dgi$sex <- factor(dgi$sex, levels = c("female", "male"))
dgi$ethnicity <- factor(dgi$ethnicity, levels = c("kinh", "other"))
dgi$district <- factor(dgi$district)
m_ds <- read.csv(file.path(HERE, "data", "synthetic_dgi_margins_district_sex.csv"))
m_da <- read.csv(file.path(HERE, "data", "synthetic_dgi_margins_district_age.csv"))
m_dsa <- read.csv(file.path(HERE, "data", "synthetic_dgi_margins_district_sex_age.csv"))

CODE <- list(
  ddgi = "svydesign(ids = ~commune_id, strata = ~district, weights = ~design_weight, nest = TRUE, data = dgi)",
  ddgi_rake = "rake(ddgi, list(~district + sex, ~district + age_group), list(m_ds, m_da), control = list(maxit = 100, epsilon = 1e-12))",
  ddgi_rake_default = "rake(ddgi, list(~district + sex, ~district + age_group), list(m_ds, m_da))",
  ddgi_cal_raking = "calibrate(ddgi, list(~district + sex, ~district + age_group), list(m_ds, m_da), calfun = \"raking\", epsilon = 1e-12, maxit = 100)",
  ddgi_greg = "calibrate(ddgi, list(~district + sex, ~district + age_group), list(m_ds, m_da), calfun = \"linear\")",
  ddgi_ps = "postStratify(ddgi, ~district + sex + age_group, m_dsa)",
  rdgi_jkn = "as.svrepdesign(ddgi, type = \"JKn\")",
  rdgi_jkn_rake = "rake(rdgi_jkn, list(~district + sex, ~district + age_group), list(m_ds, m_da), control = list(maxit = 100, epsilon = 1e-12))"
)
WARN <- list()
for (nm in names(CODE)) {
  w <- character(0)
  obj <- withCallingHandlers(eval(parse(text = CODE[[nm]])),
                             warning = function(e) { w <<- c(w, conditionMessage(e)); invokeRestart("muffleWarning") })
  assign(nm, obj)
  WARN[[nm]] <- w
}
TRIM_UPPER <- round(3 * median(weights(ddgi_rake)), -1)
CODE$ddgi_rake_trim <- sprintf("trimWeights(ddgi_rake, upper = %s)", TRIM_UPPER)
ddgi_rake_trim <- eval(parse(text = CODE$ddgi_rake_trim))

fmt <- function(x) { s <- formatC(x, digits = 15, format = "g"); bad <- as.numeric(s) != x
  s[bad] <- formatC(x[bad], digits = 17, format = "g"); trimws(s) }
wt <- data.frame(row = seq_len(nrow(dgi)), respondent_id = dgi$respondent_id,
                 design_weight = weights(ddgi), raked_weight = weights(ddgi_rake),
                 raked_default_control_weight = weights(ddgi_rake_default),
                 calibrate_raking_weight = weights(ddgi_cal_raking), greg_weight = weights(ddgi_greg),
                 poststratified_weight = weights(ddgi_ps), raked_trimmed_weight = weights(ddgi_rake_trim),
                 rdgi_jkn_raked_weight = weights(rdgi_jkn_rake, "sampling"))
for (j in 3:ncol(wt)) wt[[j]] <- fmt(wt[[j]])
dir.create(file.path(HERE, "weights"), showWarnings = FALSE)
write.csv(wt, file.path(HERE, "weights", "synthetic_dgi_weights.csv"), row.names = FALSE, quote = FALSE)

mat <- function(m) { m <- as.matrix(m); list(rows = I(rownames(m)), cols = I(colnames(m)), values = unname(m)) }
CASES <- list()
add <- function(id, design, call) {
  x <- eval(parse(text = call))
  r <- list(estimate = as.list(coef(x)), se = as.list(setNames(as.numeric(SE(x)), names(coef(x)))),
            df = degf(get(design)))
  if (!inherits(x, "svyby")) r$vcov <- mat(vcov(x))
  if (!is.null(attr(x, "replicates"))) r$replicates <- mat(attr(x, "replicates"))
  CASES[[length(CASES) + 1]] <<- list(id = id, design = design, call = call, result = r)
}
for (D in c("ddgi_rake", "ddgi_rake_default", "ddgi_cal_raking", "ddgi_greg", "ddgi_ps", "ddgi_rake_trim", "rdgi_jkn_rake")) {
  add(paste0(D, ".by_district_mean.dgi_index"), D, sprintf("svyby(~dgi_index, ~district, %s, svymean)", D))
  add(paste0(D, ".national_mean.dgi_index"), D, sprintf("svymean(~dgi_index, %s)", D))
  add(paste0(D, ".total_sex_age"), D, sprintf("svytotal(~sex + age_group, %s)", D))
}
add("ddgi_rake.by_sex_mean.d3_accountability", "ddgi_rake",
    "svyby(~d3_accountability, ~sex, ddgi_rake, svymean, na.rm = TRUE)")
META <- list(r_version = R.version.string, survey_version = as.character(packageVersion("survey")),
             jsonlite_version = as.character(packageVersion("jsonlite")),
             generated_by = "tests/reference/r_survey_calibration/make_dgi_calibration.R",
             trim_upper = TRIM_UPPER, warnings = WARN,
             max_abs_weight_diff_rake_vs_calibrate_raking = max(abs(weights(ddgi_rake) - weights(ddgi_cal_raking))))
write_json(list(meta = META, designs = CODE, cases = CASES), file.path(HERE, "dgi_calibration.json"),
           auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null", null = "null")
cat("cases:", length(CASES), "\n")
