## R survey side of benchmarks/bench_survey.py: per-unit means and SEs of the DGI indicators
## (available cases: each indicator over the respondents who answered it), Taylor and bootstrap.
##
## Usage: Rscript benchmarks/bench_survey.R <scores.csv> <measure_map.csv> <taylor|bootstrap> [B] [n_indicators]
## The CSV (written by `bench_survey.py --export DIR`) holds district, commune_id, design_weight and
## one column per indicator score (SYNTHETIC data). Prints one JSON line with the timings.
##
## Taylor: svyby(~indicator, ~district, design, svymean, na.rm = TRUE) per indicator (R gives the
## indicator SEs; the joint covariance needed for dimension/total SEs is not available this way).
## Bootstrap: as.svrepdesign(type = "bootstrap", replicates = B), then svyby(..., return.replicates =
## TRUE) per indicator; every measure (sub-dimensions, dimensions, total, composite) is computed
## from the replicate estimates through the spec's linear map, so all measures get SEs.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]; map_csv <- args[2]; method <- args[3]
B <- if (length(args) >= 4) as.integer(args[4]) else 1000L
n_ind <- if (length(args) >= 5) as.integer(args[5]) else NA_integer_
d <- read.csv(csv, stringsAsFactors = FALSE)
W <- as.matrix(read.csv(map_csv, row.names = 1, check.names = FALSE))
inds <- setdiff(names(d), c("district", "commune_id", "design_weight"))
if (!is.na(n_ind)) inds <- inds[seq_len(n_ind)]
peak <- function() {
  s <- readLines("/proc/self/status")
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", s[grepl("^VmHWM", s)])) / 1024
}
invisible(gc(reset = TRUE))
rss0 <- peak()
t0 <- proc.time()[["elapsed"]]; cpu0 <- sum(proc.time()[c("user.self", "sys.self")])
des <- svydesign(ids = ~commune_id, strata = ~district, weights = ~design_weight, nest = TRUE, data = d)
t_rep <- 0
if (method == "bootstrap") {
  set.seed(20240101)
  des <- as.svrepdesign(des, type = "bootstrap", replicates = B)
  t_rep <- proc.time()[["elapsed"]] - t0
}
est <- list(); se <- list(); reps <- list()
for (v in inds) {
  f <- as.formula(paste0("~", v))
  if (method == "bootstrap") {
    r <- svyby(f, ~district, des, svymean, na.rm = TRUE, return.replicates = TRUE)
    reps[[v]] <- r$replicates     # B x units
  } else {
    r <- svyby(f, ~district, des, svymean, na.rm = TRUE)
  }
  est[[v]] <- coef(r); se[[v]] <- SE(r)
}
if (method == "bootstrap" && is.na(n_ind)) {
  # all measures per unit from the replicates: measure = W %*% indicator means
  units <- names(est[[1]])
  scale <- des$scale
  se_total <- sapply(seq_along(units), function(u) {
    R <- sapply(inds, function(v) reps[[v]][, u])          # B x indicators
    m <- R %*% t(W[, inds, drop = FALSE])                  # B x measures
    sqrt(scale * colSums(sweep(m, 2, colMeans(m))^2))[["total"]]
  })
} else {
  se_total <- NA
}
pt <- proc.time(); elapsed <- pt[["elapsed"]] - t0; cpu <- pt[["user.self"]] + pt[["sys.self"]] - cpu0
cat(sprintf('{"tool": "R survey %s", "method": "%s", "n": %d, "indicators": %d, "seconds": %.3f, "cpu_seconds": %.3f, "replicate_creation_seconds": %.3f, "peak_rss_mb": %.1f, "rss_after_read_mb": %.1f, "se_total_first_unit": %s}\n',
            as.character(packageVersion("survey")), method, nrow(d), length(inds), elapsed, cpu, t_rep,
            peak(), rss0, if (is.na(se_total[1])) "null" else sprintf("%.10g", se_total[1])))
