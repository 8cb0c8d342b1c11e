/**
 * Minimal typings for the parts of jstat (untyped CommonJS) that distributions.ts uses.
 * jstat's default export is the `jStat` namespace object.
 */
declare module "jstat" {
  interface JStat {
    /** ln Γ(x), Lanczos approximation (Numerical Recipes gammln, |error| < 2e-10). */
    gammaln(x: number): number;
    normal: {
      /** Normal quantile (starting value only: jstat's erfcinv loses precision in the tails). */
      inv(p: number, mean: number, sd: number): number;
      /** Normal CDF (bench/stats.bench.ts compares its tail accuracy with ours). */
      cdf(x: number, mean: number, sd: number): number;
    };
    studentt: {
      /** Student t quantile via ibetainv (EPS 1e-8; a starting value only). */
      inv(p: number, df: number): number;
      /** Student t CDF (benchmark baseline). */
      cdf(x: number, df: number): number;
    };
    chisquare: {
      /** Chi-square CDF (benchmark comparison). */
      cdf(x: number, df: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
