# Reference values for the CUPED report (server/src/features/results/results.refresher.test.ts, CUPED).
# Run: Rscript server/test/reference/results-cuped.R > server/test/reference/results-cuped.json
# A planted covariate: y = 10 + 0.8 x + 3 arm + noise. CUPED's pooled within-arm slope and its
# adjusted difference equal the x and arm coefficients of lm(y ~ arm + x).
set.seed(11)
n <- 60
arm <- rep(0:1, each = n / 2)
x <- round(rnorm(n, 50, 10), 2)
y <- round(10 + 0.8 * x + 3 * arm + rnorm(n, 0, 4), 2)
fit <- lm(y ~ arm + x)
theta <- unname(coef(fit)[["x"]])
adj <- y - theta * x
v <- function(z) var(z[arm == 1]) / sum(arm == 1) + var(z[arm == 0]) / sum(arm == 0)
welch <- t.test(y[arm == 1], y[arm == 0])
num <- function(z) format(z, digits = 17)
# A 30-day lookback also reaches the test's purchase 20 days before exposure (value 3 y + 7):
# the covariate is then x + 3 y + 7.
x30 <- x + 3 * y + 7
fit30 <- lm(y ~ arm + x30)
cat("{\n")
cat('  "source": "R lm(y ~ arm + x), t.test(y[arm == 1], y[arm == 0]) (Welch); set.seed(11)",\n')
cat('  "arm": [', paste(arm, collapse = ", "), "],\n")
cat('  "covariate": [', paste(num(x), collapse = ", "), "],\n")
cat('  "metric": [', paste(num(y), collapse = ", "), "],\n")
cat('  "adjustedEstimate":', num(unname(coef(fit)[["arm"]])), ",\n")
cat('  "theta":', num(theta), ",\n")
cat('  "varianceReduction":', num(1 - v(adj) / v(y)), ",\n")
cat('  "unadjustedEstimate":', num(unname(welch$estimate[1] - welch$estimate[2])), ",\n")
cat('  "unadjustedPValue":', num(welch$p.value), ",\n")
cat('  "adjustedEstimate30":', num(unname(coef(fit30)[["arm"]])), ",\n")
cat('  "theta30":', num(unname(coef(fit30)[["x30"]])), "\n")
cat("}\n")
