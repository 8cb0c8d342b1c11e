# Reference vectors for the stats package, computed with R (stats) and rpact.
# Run from the repository root:  Rscript stats/test/reference/make-vectors.R
# Writes stats/test/reference/vectors.json. Every case records the exact R call that
# produced it (field `r`), which the tests print in their names.
suppressPackageStartupMessages({ library(jsonlite); library(rpact) })
out_dir <- "stats/test/reference"
TOL <- 1e-12  # uniroot tolerance, so R's n / effect are exact to far below our checks

fmt <- function(x) if (is.character(x)) sprintf('"%s"', x) else format(x, digits = 15)
call_str <- function(fn, args) {
  paste0(fn, "(", paste(names(args), vapply(args, function(v) paste(
    if (length(v) > 1) paste0("c(", paste(vapply(v, fmt, ""), collapse = ", "), ")") else fmt(v)), ""),
    sep = " = ", collapse = ", "), ")")
}

# ---- sample size / power / MDE for proportions (power.prop.test) ----
prop_cases <- list(
  list(baselineRate = 0.1, mde = 0.1, relative = TRUE, alpha = 0.05, power = 0.8),
  list(baselineRate = 0.05, mde = 0.2, relative = TRUE, alpha = 0.05, power = 0.8),
  list(baselineRate = 0.2, mde = 0.25, relative = TRUE, alpha = 0.05, power = 0.8),
  list(baselineRate = 0.5, mde = 0.01, relative = FALSE, alpha = 0.05, power = 0.8),
  list(baselineRate = 0.01, mde = 0.005, relative = FALSE, alpha = 0.01, power = 0.9),
  list(baselineRate = 0.3, mde = 0.05, relative = FALSE, alpha = 0.1, power = 0.95),
  list(baselineRate = 0.8, mde = -0.1, relative = TRUE, alpha = 0.05, power = 0.8)
)
sample_size_proportions <- lapply(prop_cases, function(c) {
  p2 <- if (c$relative) c$baselineRate * (1 + c$mde) else c$baselineRate + c$mde
  a <- list(p1 = c$baselineRate, p2 = p2, sig.level = c$alpha, power = c$power, tol = TOL)
  r <- do.call(power.prop.test, a)
  list(r = call_str("power.prop.test", a), input = c, n = r$n, perVariant = ceiling(r$n))
})
power_proportions <- lapply(prop_cases, function(c) {
  p2 <- if (c$relative) c$baselineRate * (1 + c$mde) else c$baselineRate + c$mde
  n <- 1000 + round(10000 * c$baselineRate)
  a <- list(n = n, p1 = c$baselineRate, p2 = p2, sig.level = c$alpha)
  r <- do.call(power.prop.test, a)
  list(r = call_str("power.prop.test", a),
       input = list(baselineRate = c$baselineRate, mde = c$mde, relative = c$relative, alpha = c$alpha,
                    perVariant = n), power = r$power)
})
mde_proportions <- lapply(prop_cases[1:6], function(c) {
  n <- 2000 + round(20000 * c$baselineRate)
  a <- list(n = n, p1 = c$baselineRate, sig.level = c$alpha, power = c$power, tol = TOL)
  r <- do.call(power.prop.test, a)
  list(r = call_str("power.prop.test", a),
       input = list(baselineRate = c$baselineRate, perVariant = n, alpha = c$alpha, power = c$power),
       p2 = r$p2, absolute = r$p2 - c$baselineRate, relative = r$p2 / c$baselineRate - 1)
})

# ---- sample size / power / MDE for means (power.t.test, two-sample, two-sided) ----
mean_cases <- list(
  list(sd = 1, mde = 0.2, alpha = 0.05, power = 0.8),
  list(sd = 10, mde = 1, alpha = 0.05, power = 0.9),
  list(sd = 3.5, mde = 2, alpha = 0.01, power = 0.8),
  list(sd = 50, mde = 5, alpha = 0.1, power = 0.95),
  list(sd = 1, mde = 1.5, alpha = 0.05, power = 0.8)
)
sample_size_means <- lapply(mean_cases, function(c) {
  a <- list(delta = c$mde, sd = c$sd, sig.level = c$alpha, power = c$power, tol = TOL)
  r <- do.call(power.t.test, a)
  list(r = call_str("power.t.test", a), input = c, n = r$n, perVariant = ceiling(r$n))
})
power_means <- lapply(mean_cases, function(c) {
  n <- 50 + round(3 * (c$sd / c$mde)^2)
  a <- list(n = n, delta = c$mde, sd = c$sd, sig.level = c$alpha)
  r <- do.call(power.t.test, a)
  list(r = call_str("power.t.test", a),
       input = list(sd = c$sd, mde = c$mde, alpha = c$alpha, perVariant = n), power = r$power)
})
mde_means <- lapply(mean_cases, function(c) {
  n <- 30 + round(10 * (c$sd / c$mde)^2)
  a <- list(n = n, sd = c$sd, sig.level = c$alpha, power = c$power, tol = TOL)
  r <- do.call(power.t.test, a)
  list(r = call_str("power.t.test", a),
       input = list(sd = c$sd, perVariant = n, alpha = c$alpha, power = c$power), delta = r$delta)
})

# ---- chi-square test of independence (chisq.test, correct = FALSE) ----
tables <- list(
  two_by_two = rbind(c(120, 880), c(150, 850)),
  three_arms = rbind(c(520, 9480), c(560, 9440), c(610, 9390)),
  two_by_three = rbind(c(30, 50, 20), c(25, 45, 40)),
  four_arms_small = rbind(c(3, 17), c(5, 15), c(9, 11), c(2, 18)),
  tiny_p = rbind(c(1000, 9000), c(1500, 8500)),
  fractional = rbind(c(10.5, 20.25), c(30.75, 12))
)
chi_square <- lapply(names(tables), function(nm) {
  m <- tables[[nm]]
  r <- suppressWarnings(chisq.test(m, correct = FALSE))
  list(name = nm, r = sprintf("chisq.test(matrix(c(%s), nrow = %d), correct = FALSE)",
       paste(format(as.vector(m), digits = 15), collapse = ", "), nrow(m)),
       table = lapply(seq_len(nrow(m)), function(i) m[i, ]),
       statistic = unname(r$statistic), df = unname(r$parameter), pValue = r$p.value)
})

# ---- sample ratio mismatch (chisq.test goodness of fit) ----
srm_cases <- list(
  balanced_ok = list(observed = c(5012, 4988), weights = c(0.5, 0.5)),
  balanced_bad = list(observed = c(5200, 4800), weights = c(0.5, 0.5)),
  unequal_ok = list(observed = c(2010, 7990), weights = c(0.2, 0.8)),
  unequal_wrongly_tested = list(observed = c(2010, 7990), weights = c(0.5, 0.5)),
  three_arms = list(observed = c(33500, 33200, 33300), weights = c(1/3, 1/3, 1/3)),
  three_arms_bad = list(observed = c(34500, 32500, 33000), weights = c(0.34, 0.33, 0.33))
)
srm <- lapply(names(srm_cases), function(nm) {
  c <- srm_cases[[nm]]
  r <- chisq.test(c$observed, p = c$weights)
  list(name = nm, r = sprintf("chisq.test(c(%s), p = c(%s))", paste(c$observed, collapse = ", "),
       paste(format(c$weights, digits = 15), collapse = ", ")),
       observed = c$observed, weights = c$weights,
       statistic = unname(r$statistic), df = unname(r$parameter), pValue = r$p.value)
})

# ---- two-proportion test (prop.test, correct = FALSE) + delta-method relative lift ----
pt_cases <- list(
  list(c = c(10000, 1000), t = c(10000, 1100), alternative = "two.sided", alpha = 0.05),
  list(c = c(5000, 250), t = c(5100, 300), alternative = "two.sided", alpha = 0.1),
  list(c = c(800, 96), t = c(820, 80), alternative = "greater", alpha = 0.05),
  list(c = c(800, 96), t = c(820, 80), alternative = "less", alpha = 0.05),
  list(c = c(100000, 20000), t = c(100000, 21500), alternative = "two.sided", alpha = 0.01),
  list(c = c(50, 5), t = c(60, 12), alternative = "two.sided", alpha = 0.05)
)
proportions <- lapply(pt_cases, function(k) {
  r <- prop.test(x = c(k$t[2], k$c[2]), n = c(k$t[1], k$c[1]), correct = FALSE,
                 alternative = k$alternative, conf.level = 1 - k$alpha)
  pc <- k$c[2] / k$c[1]; ptr <- k$t[2] / k$t[1]
  est <- unname(r$estimate[1] - r$estimate[2])
  rel <- ptr / pc - 1
  se_rel <- sqrt((ptr * (1 - ptr) / k$t[1]) / pc^2 + ptr^2 * (pc * (1 - pc) / k$c[1]) / pc^4)
  zq <- if (k$alternative == "two.sided") qnorm(1 - k$alpha / 2) else qnorm(1 - k$alpha)
  rel_ci <- switch(k$alternative, two.sided = c(rel - zq * se_rel, rel + zq * se_rel),
                   greater = c(rel - zq * se_rel, Inf), less = c(-Inf, rel + zq * se_rel))
  list(r = sprintf("prop.test(x = c(%d, %d), n = c(%d, %d), correct = FALSE, alternative = \"%s\", conf.level = %s)",
       k$t[2], k$c[2], k$t[1], k$c[1], k$alternative, format(1 - k$alpha)),
       rRelative = "delta method in make-vectors.R: se = sqrt(var_t/pc^2 + pt^2 var_c/pc^4)",
       control = list(users = k$c[1], conversions = k$c[2]),
       treatment = list(users = k$t[1], conversions = k$t[2]),
       alternative = sub("two.sided", "two-sided", k$alternative), alpha = k$alpha,
       z = sign(est) * sqrt(unname(r$statistic)), pValue = r$p.value, estimate = est,
       ci = as.vector(r$conf.int),
       relative = list(estimate = rel, ci = as.character(rel_ci)))
})

# ---- Welch t-test (t.test, var.equal = FALSE) on data with known summaries ----
set.seed(20261123)
mk <- function(n, m, s) m + s * as.numeric(scale(rnorm(n)))
tt_cases <- list(
  list(c = c(200, 10, 3), t = c(220, 10.8, 3.5), alternative = "two.sided", alpha = 0.05),
  list(c = c(30, 5, 1), t = c(12, 5.9, 2.5), alternative = "two.sided", alpha = 0.05),
  list(c = c(5000, 42.5, 80), t = c(5100, 45.1, 85), alternative = "two.sided", alpha = 0.01),
  list(c = c(40, 100, 15), t = c(45, 94, 12), alternative = "greater", alpha = 0.05),
  list(c = c(40, 100, 15), t = c(45, 94, 12), alternative = "less", alpha = 0.1),
  list(c = c(1000, 2, 1), t = c(1000, 2.3, 1), alternative = "two.sided", alpha = 0.05)
)
welch <- lapply(tt_cases, function(k) {
  x <- mk(k$c[1], k$c[2], k$c[3]); y <- mk(k$t[1], k$t[2], k$t[3])
  r <- t.test(y, x, var.equal = FALSE, alternative = k$alternative, conf.level = 1 - k$alpha)
  mc <- mean(x); mt <- mean(y); vc <- var(x); vt <- var(y)
  rel <- mt / mc - 1
  se_rel <- sqrt(vt / length(y) / mc^2 + mt^2 * vc / length(x) / mc^4)
  # Relative lift: t quantile and t p-value with the Welch-Satterthwaite df of the absolute test
  # (r$parameter), the convention of GrowthBook gbstats frequentist/tests.py TwoSidedTTest.
  df <- unname(r$parameter)
  tq <- if (k$alternative == "two.sided") qt(1 - k$alpha / 2, df) else qt(1 - k$alpha, df)
  rel_ci <- switch(k$alternative, two.sided = c(rel - tq * se_rel, rel + tq * se_rel),
                   greater = c(rel - tq * se_rel, Inf), less = c(-Inf, rel + tq * se_rel))
  zr <- rel / se_rel
  rel_p <- switch(k$alternative, two.sided = 2 * pt(-abs(zr), df), greater = pt(zr, df, lower.tail = FALSE),
                  less = pt(zr, df))
  list(r = sprintf("t.test(treatment, control, var.equal = FALSE, alternative = \"%s\", conf.level = %s) on set.seed(20261123) data",
       k$alternative, format(1 - k$alpha)),
       rRelative = "delta method in make-vectors.R: se = sqrt(vt/nt/mc^2 + mt^2 vc/nc/mc^4), qt/pt with the Welch df of t.test (gbstats TwoSidedTTest)",
       control = list(n = length(x), mean = mc, variance = vc),
       treatment = list(n = length(y), mean = mt, variance = vt),
       alternative = sub("two.sided", "two-sided", k$alternative), alpha = k$alpha,
       t = unname(r$statistic), df = unname(r$parameter), pValue = r$p.value,
       estimate = mt - mc, ci = as.character(as.vector(r$conf.int)),
       relative = list(estimate = rel, ci = as.character(rel_ci), pValue = rel_p))
})

# ---- p.adjust ----
pv <- list(
  mixed = c(0.01, 0.04, 0.03, 0.005, 0.2),
  ties = c(0.02, 0.02, 0.5, 0.001, 0.02, 0.9),
  single = c(0.03),
  large = c(1e-10, 0.0001, 0.049, 0.051, 0.3, 0.8, 0.99, 0.011, 0.012, 0.5)
)
adjust <- list()
for (nm in names(pv)) for (m in c("holm", "bonferroni", "BH")) {
  adjust[[length(adjust) + 1]] <- list(
    name = paste(nm, m), r = sprintf("p.adjust(c(%s), method = \"%s\")", paste(format(pv[[nm]], digits = 15), collapse = ", "), m),
    pValues = I(pv[[nm]]), method = switch(m, holm = "holm", bonferroni = "bonferroni", BH = "benjamini-hochberg"),
    adjusted = I(p.adjust(pv[[nm]], method = m)))
}

# ---- group-sequential boundaries (rpact, two-sided Lan-DeMets alpha spending) ----
info_sets <- list(c(0.5, 1), c(1/3, 2/3, 1), c(0.25, 0.5, 0.75, 1), c(0.2, 0.4, 0.6, 0.8, 1),
                  c(0.3, 0.5, 0.9, 1), c(0.1, 0.3, 0.45, 0.6, 0.8, 1), seq(0.1, 1, by = 0.1),
                  c(0.15, 0.4, 0.55, 0.7, 0.85, 0.95, 1))
# Independent check of the second look: with c1 exact, solve
# P(|Z1| < c1, |Z2| >= c2) = spend(t2) - spend(t1) with bivariate normal probabilities (mvtnorm TVPACK).
suppressPackageStartupMessages(library(mvtnorm))
second_look_exact <- function(info, alpha, tod) {
  spend <- function(t) if (tod == "asOF") { if (t >= 1) alpha else 4 * pnorm(qnorm(1 - alpha / 4) / sqrt(t), lower.tail = FALSE) } else alpha * log(1 + (exp(1) - 1) * t)
  c1 <- qnorm(spend(info[1]) / 2, lower.tail = FALSE)
  rho <- sqrt(info[1] / info[2])
  # P(Z1 < a, Z2 > b) = P(Z1 < a, -Z2 < -b), corr -rho (semi-infinite, exact TVPACK)
  lo_hi <- function(a, b) pmvnorm(upper = c(a, -b), corr = matrix(c(1, -rho, -rho, 1), 2), algorithm = TVPACK(abseps = 1e-15))[1]
  f <- function(c2) 2 * (lo_hi(c1, c2) - lo_hi(-c1, c2)) - (spend(info[2]) - spend(info[1]))
  uniroot(f, c(0.5, 15), tol = 1e-12)$root
}
group_sequential <- list()
for (info in info_sets) for (alpha in c(0.05, 0.01)) for (tod in c("asOF", "asP")) {
  d <- getDesignGroupSequential(typeOfDesign = tod, sided = 2, alpha = alpha, informationRates = info)
  group_sequential[[length(group_sequential) + 1]] <- list(
    r = sprintf("getDesignGroupSequential(typeOfDesign = \"%s\", sided = 2, alpha = %s, informationRates = c(%s))",
                tod, format(alpha), paste(format(info, digits = 15), collapse = ", ")),
    informationFractions = info, alpha = alpha,
    spending = if (tod == "asOF") "obrien-fleming" else "pocock",
    criticalZ = as.character(d$criticalValues), alphaSpent = d$alphaSpent,
    secondLookExact = second_look_exact(info, alpha, tod),
    rSecondLook = "uniroot of 2*(P(Z1<c1,Z2>c2) - P(Z1<-c1,Z2>c2)) = spend(t2) - spend(t1), mvtnorm::pmvnorm(algorithm = TVPACK)")
}

# ---- distribution functions (tails and quantiles) ----
distributions <- list(
  pnorm = lapply(c(-40, -20, -10, -6, -3, -1.959963984540054, -0.5, 0, 0.7, 2.5, 8), function(x)
    list(x = x, r = sprintf("pnorm(%s)", format(x, digits = 15)), p = pnorm(x))),
  qnorm = lapply(c(1e-300, 1e-50, 1e-12, 1e-6, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-9), function(p)
    list(p = p, r = sprintf("qnorm(%s)", format(p, digits = 15)), x = qnorm(p))),
  ptUpper = lapply(list(c(2.1, 5), c(1.5, 30.7), c(4, 200), c(10, 50), c(40, 3), c(2, 1e5), c(0.3, 12), c(6, 250000)),
    function(a) list(t = a[1], df = a[2], r = sprintf("pt(%s, %s, lower.tail = FALSE)", format(a[1]), format(a[2])),
                     p = pt(a[1], a[2], lower.tail = FALSE))),
  qt = lapply(list(c(0.975, 5), c(0.975, 30.7), c(0.995, 3), c(0.95, 1e4), c(0.9, 2.5), c(0.999999, 20), c(0.025, 12)),
    function(a) list(p = a[1], df = a[2], r = sprintf("qt(%s, %s)", format(a[1], digits = 15), format(a[2])),
                     x = qt(a[1], a[2]))),
  pchisqUpper = lapply(list(c(3.84, 1), c(100, 1), c(250, 3), c(12.5, 7), c(0.5, 4), c(80, 40), c(1500, 1)),
    function(a) list(x = a[1], df = a[2], r = sprintf("pchisq(%s, %s, lower.tail = FALSE)", format(a[1]), format(a[2])),
                     p = pchisq(a[1], a[2], lower.tail = FALSE))),
  ptNoncentralUpper = lapply(list(c(1.97, 300, 2.8), c(2.1, 40, 3.5), c(1.65, 2000, 2.49), c(2.6, 18, 1.2)),
    function(a) list(t = a[1], df = a[2], ncp = a[3],
                     r = sprintf("pt(%s, %s, ncp = %s, lower.tail = FALSE)", format(a[1]), format(a[2]), format(a[3])),
                     p = pt(a[1], a[2], ncp = a[3], lower.tail = FALSE)))
)

# ---- CUPED: treatment coefficient of lm(y ~ arm + x) equals the pooled-theta CUPED estimate ----
set.seed(7)
cuped <- lapply(list(c(400, 0.5), c(3000, 0.2), c(150, -1)), function(k) {
  n <- k[1]
  xc <- rnorm(n, 10, 3); yc <- 2 + 0.8 * xc + rnorm(n, 0, 2)
  xt <- rnorm(n + 17, 10, 3); yt <- 2 + k[2] + 0.8 * xt + rnorm(n + 17, 0, 2)
  y <- c(yc, yt); x <- c(xc, xt); arm <- c(rep(0, n), rep(1, n + 17))
  fit <- lm(y ~ arm + x)
  theta <- unname(coef(fit)["x"])
  list(r = "coef(lm(y ~ arm + x))[c(\"arm\", \"x\")] and var(y - theta * x) per arm, set.seed(7) data",
       control = list(n = n, mean = mean(yc), variance = var(yc), covariateMean = mean(xc),
                      covariateVariance = var(xc), covariance = cov(yc, xc)),
       treatment = list(n = n + 17, mean = mean(yt), variance = var(yt), covariateMean = mean(xt),
                        covariateVariance = var(xt), covariance = cov(yt, xt)),
       theta = theta, estimate = unname(coef(fit)["arm"]),
       controlVariance = var(yc - theta * xc), treatmentVariance = var(yt - theta * xt))
})

# ---- sequential: Waudby-Smith et al. (2023) asymptotic CS, re-implemented here as a cross-check ----
seq_cases <- list(
  list(c = c(2000, 10, 9), t = c(2100, 10.4, 10), alpha = 0.05, tuning = 5000),
  list(c = c(500, 0.1, 0.09), t = c(520, 0.14, 0.1204), alpha = 0.05, tuning = 5000),
  list(c = c(20000, 3.2, 30), t = c(20100, 3.25, 31), alpha = 0.1, tuning = 100000)
)
sequential <- lapply(seq_cases, function(k) {
  N <- k$c[1] + k$t[1]
  est <- k$t[2] - k$c[2]
  v <- k$t[3] / k$t[1] + k$c[3] / k$c[1]          # variance of the difference
  rho2 <- (-2 * log(k$alpha) + log(-2 * log(k$alpha) + 1)) / k$tuning
  sigma2 <- N * v                                   # per-unit variance
  half <- sqrt(sigma2) * sqrt(2 * (N * rho2 + 1) / (N^2 * rho2) * log(sqrt(N * rho2 + 1) / k$alpha))
  p <- min(1, sqrt(N * rho2 + 1) * exp(-est^2 * N^2 * rho2 / (2 * sigma2 * (N * rho2 + 1))))
  list(r = "Waudby-Smith et al. 2023 eq. (asymptotic CS, Gaussian mixture) computed in make-vectors.R",
       control = list(n = k$c[1], mean = k$c[2], variance = k$c[3]),
       treatment = list(n = k$t[1], mean = k$t[2], variance = k$t[3]),
       alpha = k$alpha, tuning = k$tuning, estimate = est, ci = c(est - half, est + half), pValue = p)
})

# ---- sequential power / sample size: single-look power of the asymptotic CS above ----
# c(N) = sqrt(2 (N rho2 + 1) / (N rho2) * log(m sqrt(N rho2 + 1) / alpha)) is the CS half-width over
# the standard error (Waudby-Smith et al. 2023), with the p-value compared with alpha / m
# (Bonferroni, Holm's first step). Power at n per arm: P(|Z| > c(2n)), Z ~ N(|delta| / se, 1).
seq_c <- function(N, tuning, alpha, m) {
  rho2 <- (-2 * log(alpha) + log(-2 * log(alpha) + 1)) / tuning
  x <- N * rho2
  sqrt(2 * (x + 1) / x * log(m * sqrt(x + 1) / alpha))
}
seq_pow <- function(n, delta, vsum, tuning, alpha, m) {
  shift <- abs(delta) * sqrt(n / vsum); cc <- seq_c(2 * n, tuning, alpha, m)
  pnorm(shift - cc) + pnorm(-shift - cc)
}
sequential_critical <- lapply(list(c(5000, 5000, 0.05, 1), c(1000, 5000, 0.05, 1), c(20000, 5000, 0.05, 1),
                                   c(5000, 5000, 0.05, 4), c(2500, 10000, 0.01, 2), c(300, 100, 0.1, 1)),
  function(k) list(r = "c(N) = sqrt(2(N rho2 + 1)/(N rho2) log(m sqrt(N rho2 + 1)/alpha)) in make-vectors.R (seq_c)",
                   input = list(n = k[1], tuning = k[2], alpha = k[3], comparisons = k[4]),
                   criticalValue = seq_c(k[1], k[2], k[3], k[4])))
seq_plan_cases <- list(
  list(kind = "rate", baselineRate = 0.2, mde = 0.25, relative = TRUE, alpha = 0.05, tuning = 2188, comparisons = 1, perVariant = 1094, power = 0.8),
  list(kind = "rate", baselineRate = 0.1, mde = 0.1, relative = TRUE, alpha = 0.05, tuning = 5000, comparisons = 1, perVariant = 20000, power = 0.8),
  list(kind = "rate", baselineRate = 0.05, mde = 0.01, relative = FALSE, alpha = 0.05, tuning = 20000, comparisons = 3, perVariant = 8000, power = 0.9),
  list(kind = "rate", baselineRate = 0.5, mde = -0.05, relative = TRUE, alpha = 0.1, tuning = 50000, comparisons = 2, perVariant = 3000, power = 0.8),
  list(kind = "mean", sd = 1, mde = 0.2, alpha = 0.05, tuning = 788, comparisons = 1, perVariant = 394, power = 0.8),
  list(kind = "mean", sd = 10, mde = 1, alpha = 0.05, tuning = 5000, comparisons = 2, perVariant = 1500, power = 0.9),
  list(kind = "mean", sd = 3.5, mde = 0.5, alpha = 0.01, tuning = 100000, comparisons = 1, perVariant = 600, power = 0.8)
)
seq_plan_input <- function(k) if (k$kind == "rate")
  list(baselineRate = k$baselineRate, mde = k$mde, relative = k$relative, alpha = k$alpha, tuning = k$tuning, comparisons = k$comparisons) else
  list(sd = k$sd, mde = k$mde, alpha = k$alpha, tuning = k$tuning, comparisons = k$comparisons)
seq_delta_vsum <- function(k) {
  if (k$kind == "mean") return(c(k$mde, 2 * k$sd^2))
  p2 <- if (k$relative) k$baselineRate * (1 + k$mde) else k$baselineRate + k$mde
  c(p2 - k$baselineRate, k$baselineRate * (1 - k$baselineRate) + p2 * (1 - p2))
}
sequential_power <- lapply(seq_plan_cases, function(k) {
  dv <- seq_delta_vsum(k)
  list(r = "seq_pow in make-vectors.R: pnorm(|delta|/se - c(2n)) + pnorm(-|delta|/se - c(2n))",
       input = c(seq_plan_input(k), list(perVariant = k$perVariant)),
       power = seq_pow(k$perVariant, dv[1], dv[2], k$tuning, k$alpha, k$comparisons))
})
sequential_sample_size <- lapply(seq_plan_cases, function(k) {
  dv <- seq_delta_vsum(k)
  n <- uniroot(function(n) seq_pow(n, dv[1], dv[2], k$tuning, k$alpha, k$comparisons) - k$power,
               c(2, 1e9), tol = TOL)$root
  fixed <- if (k$kind == "rate") {
    p2 <- if (k$relative) k$baselineRate * (1 + k$mde) else k$baselineRate + k$mde
    power.prop.test(p1 = k$baselineRate, p2 = p2, sig.level = k$alpha / k$comparisons, power = k$power, tol = TOL)$n
  } else power.t.test(delta = k$mde, sd = k$sd, sig.level = k$alpha / k$comparisons, power = k$power, tol = TOL)$n
  list(r = sprintf("uniroot(seq_pow(n) - %s) in make-vectors.R; fixed horizon: %s(sig.level = %s)", format(k$power),
                   if (k$kind == "rate") "power.prop.test" else "power.t.test", format(k$alpha / k$comparisons)),
       input = c(seq_plan_input(k), list(power = k$power)), n = n, fixedHorizonN = fixed, inflation = n / fixed)
})
# Sequential MDE: the effect at which seq_pow reaches the requested power with n per arm
# (rates: p2 > p1 with the unpooled variance at p1 and p2; means: delta with sd in both arms).
seq_mde_cases <- list(
  list(kind = "rate", baselineRate = 0.1, perVariant = 5000, alpha = 0.05, tuning = 5000, comparisons = 1, power = 0.8),
  list(kind = "rate", baselineRate = 0.03, perVariant = 20000, alpha = 0.05, tuning = 5000, comparisons = 2, power = 0.8),
  list(kind = "rate", baselineRate = 0.5, perVariant = 800, alpha = 0.1, tuning = 10000, comparisons = 1, power = 0.9),
  list(kind = "mean", sd = 1, perVariant = 394, alpha = 0.05, tuning = 788, comparisons = 1, power = 0.8),
  list(kind = "mean", sd = 12.5, perVariant = 3000, alpha = 0.05, tuning = 5000, comparisons = 3, power = 0.8)
)
sequential_mde <- lapply(seq_mde_cases, function(k) {
  if (k$kind == "rate") {
    p1 <- k$baselineRate
    f <- function(p2) seq_pow(k$perVariant, p2 - p1, p1 * (1 - p1) + p2 * (1 - p2), k$tuning, k$alpha, k$comparisons) - k$power
    p2 <- uniroot(f, c(p1, 1), tol = TOL)$root
    input <- list(baselineRate = p1, perVariant = k$perVariant, alpha = k$alpha, tuning = k$tuning,
                  comparisons = k$comparisons, power = k$power)
    list(r = "uniroot over p2 of seq_pow(n, p2 - p1) - power in make-vectors.R", input = input,
         absolute = p2 - p1, relative = p2 / p1 - 1)
  } else {
    f <- function(d) seq_pow(k$perVariant, d, 2 * k$sd^2, k$tuning, k$alpha, k$comparisons) - k$power
    d <- uniroot(f, c(1e-9, 100 * k$sd), tol = TOL)$root
    input <- list(sd = k$sd, perVariant = k$perVariant, alpha = k$alpha, tuning = k$tuning,
                  comparisons = k$comparisons, power = k$power)
    list(r = "uniroot over delta of seq_pow(n, delta) - power in make-vectors.R", input = input, absolute = d)
  }
})

vectors <- list(
  generatedBy = "Rscript stats/test/reference/make-vectors.R",
  rVersion = R.version.string, rpactVersion = as.character(packageVersion("rpact")),
  sampleSizeProportions = sample_size_proportions, powerProportions = power_proportions,
  mdeProportions = mde_proportions, sampleSizeMeans = sample_size_means, powerMeans = power_means,
  mdeMeans = mde_means, chiSquare = chi_square, srm = srm, proportions = proportions, welch = welch,
  adjust = adjust, groupSequential = group_sequential, distributions = distributions, cuped = cuped,
  sequential = sequential, sequentialCritical = sequential_critical, sequentialPower = sequential_power,
  sequentialSampleSize = sequential_sample_size, sequentialMde = sequential_mde)
writeLines(toJSON(vectors, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path(out_dir, "vectors.json"))
cat("wrote", file.path(out_dir, "vectors.json"), "\n")
