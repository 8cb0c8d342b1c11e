/**
 * Distribution functions (the only module that touches jstat).
 *
 * jstat supplies ln Γ and starting values for quantiles. The tail functions are computed here
 * because jstat evaluates upper tails as `1 - cdf` (e.g. `erfc = 1 - erf`, chi-square upper tail
 * = `1 - lowRegGamma`), which loses all relative precision for small p-values, and its quantiles
 * stop at ~1e-8. Accuracy is checked against R in distributions.test.ts.
 */
import jStat from "jstat";

const SQRT2 = Math.SQRT2;
const LN_SQRT_2PI = 0.9189385332046728; // ln(sqrt(2π))

// Chebyshev coefficients of erfc on [0, ∞) (Numerical Recipes 3rd ed. §6.2.2 "Erf", as in jstat's erf).
const ERFC_COF = [
  -1.3026537197817094, 6.419697923564902e-1, 1.9476473204185836e-2, -9.561514786808631e-3,
  -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6,
  1.30365583558e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10,
  -2.27365122e-10, 9.6467911e-11, 2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13,
  3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];

/** erfc(x) for x >= 0 with full relative precision (NR3 erfccheb). */
function erfcNonNegative(x: number): number {
  const t = 2 / (2 + x);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COF.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + ERFC_COF[j]!;
    dd = tmp;
  }
  return t * Math.exp(-x * x + 0.5 * (ERFC_COF[0]! + ty * d) - dd);
}

/** ln Γ(x) (jstat, Lanczos). */
export function lnGamma(x: number): number {
  return jStat.gammaln(x);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LN_SQRT_2PI);
}

/**
 * Standard normal CDF Φ(x) = ½·erfc(−x/√2), accurate in relative terms in the lower tail
 * (erfc by the Chebyshev fit of Numerical Recipes 3rd ed. §6.2.2). Matches R `pnorm` to ~1e-14.
 *
 * @example normalCdf(-1.959963984540054) // 0.025
 */
export function normalCdf(x: number): number {
  if (x < 0) return 0.5 * erfcNonNegative(-x / SQRT2);
  return 1 - 0.5 * erfcNonNegative(x / SQRT2);
}

/**
 * Standard normal upper tail 1 − Φ(x) = Φ(−x), accurate for large x (R `pnorm(x, lower.tail = FALSE)`).
 *
 * @example normalSf(10) // 7.62e-24
 */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

/**
 * Standard normal quantile Φ⁻¹(p): jstat's starting value refined by Newton steps on
 * ln Φ(x) − ln p (quadratic convergence; the CDF above is accurate in relative terms).
 * Matches R `qnorm` to ~1e-15 relative down to p = 1e-300.
 *
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p); // 1 - p is exact for p in [0.5, 1]
  let x = jStat.normal.inv(p, 0, 1);
  if (!Number.isFinite(x) || x >= 0) x = -Math.sqrt(-2 * Math.log(p));
  const lnP = Math.log(p);
  for (let i = 0; i < 60; i++) {
    const c = normalCdf(x);
    const step = ((Math.log(c) - lnP) * c) / normalPdf(x);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Continued fraction for the incomplete beta function (modified Lentz; NR3 §6.4). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). `y` must equal 1 - x; passing it separately avoids
 * cancellation when x is close to 1.
 */
export function incompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(y, b, a)) / b;
}

/**
 * Student t upper tail P(T_df > t) = ½·I_{df/(df+t²)}(df/2, ½) for t > 0 (Abramowitz & Stegun
 * 26.7.1 / 26.5.27), with the incomplete beta by continued fraction (NR3 §6.4). R `pt(lower.tail = FALSE)`.
 *
 * @example studentTSf(2.1, 5) // 0.044876…
 */
export function studentTSf(t: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e12) return normalSf(t);
  const t2 = t * t;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2)
  const twoSided = incompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
  return t > 0 ? 0.5 * twoSided : 1 - 0.5 * twoSided;
}

/**
 * Student t CDF P(T_df ≤ t) = P(T_df > −t) (see {@link studentTSf}); R `pt`.
 *
 * @example studentTCdf(0, 7) // 0.5
 */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

function studentTPdf(t: number, df: number): number {
  return Math.exp(
    lnGamma((df + 1) / 2) -
      lnGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/**
 * Student t quantile: Cornish-Fisher (df ≥ 10) or jstat starting value refined by Newton steps on
 * ln F(x) − ln p until the steps reach the CDF's rounding noise. Matches R `qt` to ~1e-12.
 *
 * @example studentTQuantile(0.975, 5) // 2.5705818…
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (!Number.isFinite(df) || df > 1e12) return normalQuantile(p);
  // Start: Cornish-Fisher expansion around the normal quantile for df >= 10 (Abramowitz & Stegun
  // 26.7.5), jstat's ibetainv-based quantile for small df.
  let x: number;
  if (df >= 10) {
    const z = normalQuantile(p);
    const z2 = z * z;
    x =
      z +
      (z * (z2 + 1)) / (4 * df) +
      (z * (5 * z2 * z2 + 16 * z2 + 3)) / (96 * df * df) +
      (z * (3 * z2 * z2 * z2 + 19 * z2 * z2 + 17 * z2 - 15)) / (384 * df * df * df);
  } else {
    x = jStat.studentt.inv(p, df);
  }
  if (!Number.isFinite(x) || x >= 0) x = normalQuantile(p);
  const lnP = Math.log(p);
  let lastStep = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 50; i++) {
    const c = studentTCdf(x, df);
    let step = ((Math.log(c) - lnP) * c) / studentTPdf(x, df);
    if (x - step >= 0) step = x / 2; // stay in the lower half
    // Converged, or down to the rounding noise of the CDF (steps stop shrinking).
    if (Math.abs(step) >= Math.abs(lastStep)) break;
    x -= step;
    lastStep = step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Upper regularized gamma Q(a, x) = Γ(a, x)/Γ(a) (NR3 §6.2: series below a+1, continued fraction above). */
export function upperIncompleteGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  const FPMIN = 1e-300;
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(lnFront) * h;
}

/**
 * Chi-square upper tail P(X²_df > x) = Q(df/2, x/2), the upper regularized gamma function
 * (NR3 §6.2). R `pchisq(lower.tail = FALSE)`, accurate for tiny p.
 *
 * @example chiSquareSf(3.84, 1) // 0.05004…
 */
export function chiSquareSf(x: number, df: number): number {
  return upperIncompleteGamma(df / 2, x / 2);
}

/**
 * Noncentral t CDF P(T'_{df,δ} ≤ t), algorithm AS 243 (Lenth 1989, Appl. Statist. 38:185-189),
 * the same series R's `pt(ncp =)` uses (error bound 1e-12).
 */
export function noncentralTCdf(t: number, df: number, ncp: number): number {
  if (t < 0) return 1 - noncentralTCdf(-t, df, -ncp);
  const del = ncp;
  let tnc = 0;
  if (t > 0) {
    const x = (t * t) / (t * t + df);
    const y = df / (t * t + df);
    const lambda = del * del;
    let p = 0.5 * Math.exp(-0.5 * lambda);
    let q = Math.sqrt(2 / Math.PI) * p * del;
    let s = 0.5 - p;
    let a = 0.5;
    const b = 0.5 * df;
    const rxb = y ** b;
    const albeta = 0.5 * Math.log(Math.PI) + lnGamma(b) - lnGamma(0.5 + b);
    let xodd = incompleteBeta(x, a, b, y);
    let godd = 2 * rxb * Math.exp(a * Math.log(x) - albeta);
    let xeven = 1 - rxb;
    let geven = b * x * rxb;
    tnc = p * xodd + q * xeven;
    for (let en = 1; en <= 5000; en++) {
      a += 1;
      xodd -= godd;
      xeven -= geven;
      godd *= (x * (a + b - 1)) / a;
      geven *= (x * (a + b - 0.5)) / (a + 0.5);
      p *= lambda / (2 * en);
      q *= lambda / (2 * en + 1);
      s -= p;
      tnc += p * xodd + q * xeven;
      if (Math.abs(2 * s * (xodd - godd)) < 1e-13) break;
    }
  }
  return tnc + normalCdf(-del);
}
