// Public API of the stats package: an explicit export list.
export { type AdjustMethod, adjustPValues } from "./adjust.js";
export {
  type ChiSquareResult,
  type ChiSquareValues,
  chiSquareTest,
  type SampleRatioMismatchResult,
  type SampleRatioMismatchValues,
  sampleRatioMismatch,
} from "./chi-square.js";
export { type CupedResult, type CupedSummary, type CupedValues, cuped } from "./cuped.js";
export { type RelativeLift, type RelativeResult, relativeLift } from "./delta-method.js";
export {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from "./distributions.js";
export {
  type GroupSequentialBoundaries,
  type GroupSequentialInput,
  groupSequentialBoundaries,
  type SpendingFunction,
} from "./group-sequential.js";
export {
  type ProportionsTestOptions,
  type ProportionsTestResult,
  type ProportionsTestValues,
  proportionsTest,
} from "./proportions.js";
export {
  type MdeMeansInput,
  type MdeProportionsInput,
  type MdeResult,
  type MdeValues,
  type MeanPlanInput,
  minimumDetectableEffect,
  minimumDetectableEffectMeans,
  minimumDetectableEffectProportions,
  type PowerProportionsInput,
  type PowerResult,
  type ProportionPlanInput,
  powerMeans,
  powerProportions,
  type SampleSizeProportionsInput,
  type SampleSizeResult,
  type SampleSizeValues,
  sampleSizeMeans,
  sampleSizeProportions,
} from "./sample-size.js";
export {
  DEFAULT_SEQUENTIAL_TUNING,
  type SequentialCriticalValueInput,
  type SequentialMdeInput,
  type SequentialPlanInput,
  type SequentialPlanOptions,
  type SequentialPowerInput,
  type SequentialSampleSizeInput,
  type SequentialSampleSizeResult,
  type SequentialSampleSizeValues,
  type SequentialTestOptions,
  type SequentialTestResult,
  type SequentialTestValues,
  sequentialCriticalValue,
  sequentialMinimumDetectableEffect,
  sequentialPower,
  sequentialSampleSize,
  sequentialTest,
} from "./sequential.js";
export {
  type WelchTTestOptions,
  type WelchTTestResult,
  type WelchTTestValues,
  welchTTest,
} from "./t-test.js";
export type {
  Alternative,
  Degenerate,
  Interval,
  MeanSummary,
  Ok,
  ProportionSummary,
  Status,
} from "./types.js";
