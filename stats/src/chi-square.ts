/**
 * Pearson chi-square tests: independence across a contingency table, and goodness of fit of the
 * observed traffic split against the planned weights (sample ratio mismatch).
 */
import { chiSquareSf } from "./distributions.js";
import type { Degenerate, Ok } from "./types.js";
import { assertFinite, assertOpenUnit } from "./validate.js";

/** Values of a chi-square test. */
export interface ChiSquareValues {
  statistic: number;
  df: number;
  pValue: number;
}

/** Result of {@link chiSquareTest}. */
export type ChiSquareResult = Ok<ChiSquareValues> | Degenerate<ChiSquareValues>;

/**
 * Pearson chi-square test of independence for an r×c table of counts (rows = variants,
 * columns = outcomes, e.g. [conversions, non-conversions]).
 *
 * E_ij = R_i·C_j/N;  X² = Σ (O_ij − E_ij)²/E_ij;  df = (r − 1)(c − 1);  p = P(χ²_df > X²).
 * Matches R `chisq.test(table, correct = FALSE)` (Pearson 1900; Agresti 2013 §3.2).
 * A row or column summing to 0 gives `status: "insufficient-data"`.
 *
 * @example chiSquareTest([[120, 880], [150, 850]]) // { status: "ok", statistic: 3.8536…, df: 1, pValue: 0.04964… }
 */
export function chiSquareTest(table: number[][]): ChiSquareResult {
  if (!Array.isArray(table) || table.length < 2) throw new RangeError("table must have at least 2 rows");
  const cols = table[0]?.length ?? 0;
  if (cols < 2) throw new RangeError("table must have at least 2 columns");
  const rowSums: number[] = [];
  const colSums = new Array<number>(cols).fill(0);
  for (const [i, row] of table.entries()) {
    if (!Array.isArray(row) || row.length !== cols)
      throw new RangeError(`table row ${i} must have ${cols} columns`);
    let sum = 0;
    for (const [j, v] of row.entries()) {
      assertFinite(`table[${i}][${j}]`, v);
      if (v < 0) throw new RangeError(`table[${i}][${j}] must be >= 0, got ${v}`);
      sum += v;
      colSums[j]! += v;
    }
    rowSums.push(sum);
  }
  if (rowSums.some((s) => s === 0) || colSums.some((s) => s === 0)) {
    return {
      status: "insufficient-data",
      reason: "a row or column of the table is all zeros",
      statistic: null,
      df: null,
      pValue: null,
    };
  }
  const total = rowSums.reduce((a, b) => a + b, 0);
  let statistic = 0;
  for (const [i, row] of table.entries()) {
    for (const [j, observed] of row.entries()) {
      const expected = (rowSums[i]! * colSums[j]!) / total;
      statistic += ((observed - expected) * (observed - expected)) / expected;
    }
  }
  const df = (table.length - 1) * (cols - 1);
  return { status: "ok", statistic, df, pValue: chiSquareSf(statistic, df) };
}

/** Values of a sample ratio mismatch check. */
export interface SampleRatioMismatchValues extends ChiSquareValues {
  /** True when pValue < threshold: the observed split is implausible under the planned weights. */
  mismatch: boolean;
  /** Expected units per variant, N·w_i. */
  expected: number[];
}

/** Result of {@link sampleRatioMismatch}. */
export type SampleRatioMismatchResult = Ok<SampleRatioMismatchValues> | Degenerate<SampleRatioMismatchValues>;

/**
 * Sample ratio mismatch (SRM): chi-square goodness of fit of the units observed per variant
 * against the planned weights.
 *
 * E_i = N·w_i;  X² = Σ (O_i − E_i)²/E_i;  df = k − 1;  p = P(χ²_df > X²);  mismatch ⇔ p < 0.001.
 * Matches R `chisq.test(observed, p = weights)`. Weights must be positive and sum to 1 (±1e-6);
 * they are renormalised to sum exactly to 1. No units at all gives `status: "insufficient-data"`.
 * Reference: Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD.
 *
 * @example sampleRatioMismatch([5200, 4800], [0.5, 0.5]) // { status: "ok", statistic: 16, pValue: 6.3e-5, mismatch: true, … }
 */
export function sampleRatioMismatch(
  observed: number[],
  weights: number[],
  options: { threshold?: number } = {},
): SampleRatioMismatchResult {
  const { threshold = 0.001 } = options;
  assertOpenUnit("threshold", threshold);
  if (!Array.isArray(observed) || observed.length < 2)
    throw new RangeError("observed must have at least 2 entries");
  if (!Array.isArray(weights) || weights.length !== observed.length) {
    throw new RangeError("weights must have one entry per observed count");
  }
  for (const [i, o] of observed.entries()) {
    if (!Number.isInteger(o) || o < 0)
      throw new RangeError(`observed[${i}] must be a non-negative integer, got ${o}`);
  }
  for (const [i, w] of weights.entries()) {
    assertFinite(`weights[${i}]`, w);
    if (!(w > 0)) throw new RangeError(`weights[${i}] must be > 0, got ${w}`);
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(weightSum - 1) > 1e-6) throw new RangeError(`weights must sum to 1, got ${weightSum}`);
  const total = observed.reduce((a, b) => a + b, 0);
  if (total === 0) {
    return {
      status: "insufficient-data",
      reason: "no units observed",
      statistic: null,
      df: null,
      pValue: null,
      mismatch: null,
      expected: null,
    };
  }
  const expected = weights.map((w) => (total * w) / weightSum);
  let statistic = 0;
  for (const [i, o] of observed.entries()) {
    const e = expected[i]!;
    statistic += ((o - e) * (o - e)) / e;
  }
  const df = observed.length - 1;
  const pValue = chiSquareSf(statistic, df);
  return { status: "ok", statistic, df, pValue, mismatch: pValue < threshold, expected };
}
