import { sampleRatioMismatch } from "@splitlab/stats";
import { SRM_P_THRESHOLD } from "./results.decision.js";

/** The SRM check of one breakdown segment: its own units against the planned weights. */
export interface SegmentSrm {
  /** Chi-square goodness-of-fit p-value; null when the segment has no unit. */
  pValue: number | null;
  /** p < 0.001 (the report's SRM threshold). */
  mismatch: boolean;
  /** Units per variant in the segment (control first). */
  observed: number[];
  /** The planned weights × the segment's units. */
  expected: number[];
}

/**
 * Sample ratio mismatch within one segment of a breakdown (e.g. `device = mobile`): the segment's
 * units per variant against the experiment's planned weights (renormalised to sum to 1), the same
 * test and threshold as the report's overall SRM (R `chisq.test(observed, p = weights)`,
 * mismatch at p < 0.001). A segment can be broken while the total looks fine, for instance when
 * one variant crashes on one device only and never logs its exposures there.
 *
 * @example segmentSrm([620, 380], [0.5, 0.5]) // { pValue: 3.2e-14, mismatch: true, observed: [620, 380], expected: [500, 500] }
 */
export function segmentSrm(observed: number[], weights: number[]): SegmentSrm {
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const planned = weights.map((w) => w / weightSum);
  const total = observed.reduce((a, b) => a + b, 0);
  const expected = planned.map((w) => w * total);
  if (total === 0 || observed.length < 2) return { pValue: null, mismatch: false, observed, expected };
  const result = sampleRatioMismatch(observed, planned, { threshold: SRM_P_THRESHOLD });
  return result.status === "ok"
    ? { pValue: result.pValue, mismatch: result.mismatch, observed, expected }
    : { pValue: null, mismatch: false, observed, expected };
}
