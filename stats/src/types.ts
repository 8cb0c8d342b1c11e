/** Which side(s) the alternative hypothesis covers; effects are always treatment − control. */
export type Alternative = "two-sided" | "greater" | "less";

/** Summary of a continuous metric in one arm: count, mean and sample variance (n − 1 denominator). */
export interface MeanSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Summary of a binomial metric in one arm: units exposed and units that converted. */
export interface ProportionSummary {
  users: number;
  conversions: number;
}

/**
 * Outcome of a computation: `"ok"`, `"insufficient-data"` (too few units or no variance, so no
 * verdict is possible) or `"zero-effect"` (a planner asked about an effect of size zero).
 */
export type Status = "ok" | "insufficient-data" | "zero-effect";

/**
 * A degenerate result: the same fields as the ok result, all `null`, plus the status and a
 * human-readable reason. Never NaN, never a throw.
 */
export type Degenerate<T, S extends Exclude<Status, "ok"> = "insufficient-data"> = {
  status: S;
  reason: string;
} & { [K in keyof T]: null };

/** An ok result: the values plus `status: "ok"`. */
export type Ok<T> = { status: "ok" } & T;

/** Confidence interval [lower, upper]; one-sided intervals use ±Infinity (±1 for rate differences). */
export type Interval = [number, number];
