/**
 * The planner's maths: every figure comes straight from `@splitlab/stats` (which matches R
 * `power.prop.test` / `power.t.test` and the asymptotic confidence sequence of Waudby-Smith et
 * al. 2023), with the same settings the results report uses: alpha / m for m comparisons under a
 * correction (Holm's first step) and the report's sequential tuning N* = 5,000.
 */
import {
  DEFAULT_SEQUENTIAL_TUNING,
  minimumDetectableEffectMeans,
  minimumDetectableEffectProportions,
  type SampleSizeResult,
  type SequentialSampleSizeResult,
  sampleSizeMeans,
  sampleSizeProportions,
  sequentialMinimumDetectableEffect,
  sequentialSampleSize,
} from "@splitlab/stats";

/** What the planner asks. Rates and shares are fractions (10 % = 0.1). */
export interface PlanInput {
  /** A conversion rate (binomial metric) or a mean with its standard deviation. */
  kind: "rate" | "mean";
  /** Rate: the control's conversion rate; mean: the control's mean. */
  baseline: number;
  /** Mean metrics: standard deviation per unit. */
  sd: number;
  /** Relative (5 % of the baseline) or absolute (rates: percentage points as a fraction; means: units). */
  mdeMode: "relative" | "absolute";
  mde: number;
  alpha: number;
  power: number;
  /** Arms including control (equal split). */
  variants: number;
  /** Units entering the page or feature per day, before coverage. */
  dailyUnits: number;
  /** Share of those units included in the experiment. */
  coverage: number;
  /** Plan for always-valid (sequential) inference: look any day. */
  sequential: boolean;
  /** Correct for multiple comparisons (Holm, the experiments' default): alpha / (variants − 1). */
  correction: boolean;
}

/** The planner's defaults. */
export const DEFAULT_PLAN: PlanInput = {
  kind: "rate",
  baseline: 0.1,
  sd: 1,
  mdeMode: "relative",
  mde: 0.05,
  alpha: 0.05,
  power: 0.8,
  variants: 2,
  dailyUnits: 5000,
  coverage: 1,
  sequential: false,
  correction: true,
};

/** The report's confidence-sequence tuning: plans must use the N* the analysis will use. */
export const PLANNER_TUNING = DEFAULT_SEQUENTIAL_TUNING;

/** A field-level problem. */
export type PlanField = keyof PlanInput;
/** Messages by field. */
export type PlanErrors = Partial<Record<PlanField, string>>;

/** One point of the days-against-MDE chart. */
export interface CurvePoint {
  /** In the plan's MDE unit (relative fraction, or absolute). */
  mde: number;
  fixedDays: number | null;
  sequentialDays: number | null;
}

/** The MDE reachable after a number of weeks. */
export interface WeekRow {
  weeks: number;
  perVariant: number;
  /** Relative MDE (null for a mean with baseline 0) and absolute MDE, fixed horizon. */
  fixed: { relative: number | null; absolute: number } | null;
  /** The same for the always-valid test. */
  sequential: { relative: number | null; absolute: number } | null;
}

/** A computed plan. */
export interface Plan {
  /** Comparisons the alpha is shared between (treatments vs control under the correction). */
  comparisons: number;
  /** alpha / comparisons: what each comparison is held to. */
  comparisonAlpha: number;
  /** The absolute effect to detect (rates: p₂ − p₁; means: units). */
  absoluteEffect: number;
  /** Relative effect (null for a mean with baseline 0). */
  relativeEffect: number | null;
  /** Units per day that enter the experiment: daily units × coverage. */
  unitsPerDay: number;
  fixed: { perVariant: number; total: number; days: number };
  /** Present when sequential is on. */
  sequential: { perVariant: number; total: number; days: number; inflation: number } | null;
  /** The plan to run: sequential when on, else fixed. */
  chosen: { perVariant: number; total: number; days: number };
  /** Whole weeks covering `chosen.days`. */
  weeks: number;
}

/** The chart and the table of a plan (heavier: computed after the headline, off the keystroke). */
export interface PlanDetails {
  curve: CurvePoint[];
  weekTable: WeekRow[];
}

/** Result of {@link computePlan}. */
export type PlanResult = { ok: true; plan: Plan } | { ok: false; errors: PlanErrors };

/** Checks the ranges the stats functions need, with messages naming the field. */
export function validatePlan(input: PlanInput): PlanErrors {
  const errors: PlanErrors = {};
  if (input.kind === "rate" && !(input.baseline > 0 && input.baseline < 1))
    errors.baseline = "The baseline rate must be between 0 % and 100 %.";
  if (input.kind === "mean" && !Number.isFinite(input.baseline)) errors.baseline = "Enter the baseline mean.";
  if (input.kind === "mean" && !(input.sd > 0)) errors.sd = "The standard deviation must be greater than 0.";
  if (!(input.mde > 0)) errors.mde = "The effect to detect must be greater than 0.";
  else if (input.kind === "rate") {
    const p2 = input.mdeMode === "relative" ? input.baseline * (1 + input.mde) : input.baseline + input.mde;
    if (p2 >= 1) errors.mde = "This effect would push the rate to 100 % or more; choose a smaller one.";
  } else if (input.mdeMode === "relative" && input.baseline === 0)
    errors.mde = "A relative effect needs a baseline mean other than 0; use an absolute effect.";
  if (!(input.alpha > 0 && input.alpha <= 0.5)) errors.alpha = "Alpha must be above 0 % and at most 50 %.";
  if (!(input.power >= 0.5 && input.power < 1)) errors.power = "Power must be at least 50 % and below 100 %.";
  if (!(Number.isInteger(input.variants) && input.variants >= 2 && input.variants <= 10))
    errors.variants = "An experiment has 2 to 10 variants (control included).";
  if (!(input.dailyUnits >= 1)) errors.dailyUnits = "Expect at least 1 unit per day.";
  if (!(input.coverage > 0 && input.coverage <= 1))
    errors.coverage = "Coverage must be above 0 % and at most 100 %.";
  return errors;
}

const days = (total: number, perDay: number) => Math.max(1, Math.ceil(total / perDay));

/** Fixed-horizon size for an effect (in the plan's MDE unit). */
function fixedSize(input: PlanInput, mde: number, alpha: number): SampleSizeResult {
  if (input.kind === "rate") {
    return sampleSizeProportions({
      baselineRate: input.baseline,
      mde,
      relative: input.mdeMode === "relative",
      alpha,
      power: input.power,
      variants: input.variants,
    });
  }
  const delta = input.mdeMode === "relative" ? mde * Math.abs(input.baseline) : mde;
  return sampleSizeMeans({ sd: input.sd, mde: delta, alpha, power: input.power, variants: input.variants });
}

/** Always-valid size for an effect, at the report's N* and with the comparisons of the family. */
function sequentialSize(input: PlanInput, mde: number, comparisons: number): SequentialSampleSizeResult {
  const common = {
    alpha: input.alpha,
    power: input.power,
    variants: input.variants,
    tuning: PLANNER_TUNING,
    comparisons,
  };
  if (input.kind === "rate") {
    return sequentialSampleSize({
      baselineRate: input.baseline,
      mde,
      relative: input.mdeMode === "relative",
      ...common,
    });
  }
  const delta = input.mdeMode === "relative" ? mde * Math.abs(input.baseline) : mde;
  return sequentialSampleSize({ sd: input.sd, mde: delta, ...common });
}

/** Effects the chart spans: from half to two and a half times the plan's MDE, keeping rates below 100 %. */
function curveEffects(input: PlanInput): number[] {
  const points = 24;
  const out: number[] = [];
  for (let i = 0; i <= points; i++) {
    const mde = input.mde * (0.5 + (2 * i) / points);
    if (input.kind === "rate") {
      const p2 = input.mdeMode === "relative" ? input.baseline * (1 + mde) : input.baseline + mde;
      if (p2 >= 1) break;
    }
    out.push(mde);
  }
  return out;
}

function mdeAt(input: PlanInput, perVariant: number, alpha: number): WeekRow["fixed"] {
  if (input.kind === "rate") {
    const r = minimumDetectableEffectProportions({
      baselineRate: input.baseline,
      perVariant,
      alpha,
      power: input.power,
    });
    return r.status === "ok" ? { relative: r.relative, absolute: r.absolute } : null;
  }
  const r = minimumDetectableEffectMeans({ sd: input.sd, perVariant, alpha, power: input.power });
  if (r.status !== "ok") return null;
  return {
    absolute: r.absolute,
    relative: input.baseline !== 0 ? r.absolute / Math.abs(input.baseline) : null,
  };
}

function sequentialMdeAt(input: PlanInput, perVariant: number, comparisons: number): WeekRow["sequential"] {
  const common = { perVariant, alpha: input.alpha, power: input.power, tuning: PLANNER_TUNING, comparisons };
  const r =
    input.kind === "rate"
      ? sequentialMinimumDetectableEffect({ baselineRate: input.baseline, ...common })
      : sequentialMinimumDetectableEffect({ sd: input.sd, ...common });
  if (r.status !== "ok") return null;
  if (input.kind === "rate") return { relative: r.relative, absolute: r.absolute };
  return {
    absolute: r.absolute,
    relative: input.baseline !== 0 ? r.absolute / Math.abs(input.baseline) : null,
  };
}

/**
 * The plan: units per variant, total and days at the expected traffic (equal split between
 * variants) and the cost of sequential. The chart and table come from {@link computePlanDetails}.
 */
export function computePlan(input: PlanInput): PlanResult {
  const errors = validatePlan(input);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const comparisons = input.correction ? input.variants - 1 : 1;
  const comparisonAlpha = input.alpha / comparisons;
  const unitsPerDay = input.dailyUnits * input.coverage;
  let fixedResult: SampleSizeResult;
  try {
    fixedResult = fixedSize(input, input.mde, comparisonAlpha);
  } catch (error) {
    return { ok: false, errors: { mde: error instanceof Error ? error.message : String(error) } };
  }
  if (fixedResult.status !== "ok") return { ok: false, errors: { mde: fixedResult.reason } };
  const fixed = {
    perVariant: fixedResult.perVariant,
    total: fixedResult.total,
    days: days(fixedResult.total, unitsPerDay),
  };
  let sequential: Plan["sequential"] = null;
  if (input.sequential) {
    const s = sequentialSize(input, input.mde, comparisons);
    if (s.status !== "ok") return { ok: false, errors: { mde: s.reason } };
    sequential = {
      perVariant: s.perVariant,
      total: s.total,
      days: days(s.total, unitsPerDay),
      inflation: s.inflation,
    };
  }
  const chosen = sequential ?? fixed;
  const absoluteEffect =
    input.kind === "rate"
      ? input.mdeMode === "relative"
        ? input.baseline * input.mde
        : input.mde
      : input.mdeMode === "relative"
        ? input.mde * Math.abs(input.baseline)
        : input.mde;
  const relativeEffect =
    input.mdeMode === "relative"
      ? input.mde
      : input.baseline !== 0
        ? input.mde / Math.abs(input.baseline)
        : null;

  return {
    ok: true,
    plan: {
      comparisons,
      comparisonAlpha,
      absoluteEffect,
      relativeEffect,
      unitsPerDay,
      fixed,
      sequential,
      chosen,
      weeks: Math.ceil(chosen.days / 7),
    },
  };
}

/**
 * The days-against-MDE curve (25 effects from half to two and a half times the MDE) and the MDE
 * reachable after 1 to 8 weeks, for a valid plan input (check {@link computePlan} first).
 */
export function computePlanDetails(input: PlanInput): PlanDetails {
  const comparisons = input.correction ? input.variants - 1 : 1;
  const comparisonAlpha = input.alpha / comparisons;
  const unitsPerDay = input.dailyUnits * input.coverage;
  const curve = curveEffects(input).map((mde): CurvePoint => {
    const f = fixedSize(input, mde, comparisonAlpha);
    const s = input.sequential ? sequentialSize(input, mde, comparisons) : null;
    return {
      mde,
      fixedDays: f.status === "ok" ? days(f.total, unitsPerDay) : null,
      sequentialDays: s && s.status === "ok" ? days(s.total, unitsPerDay) : null,
    };
  });
  const weekTable = Array.from({ length: 8 }, (_, i): WeekRow => {
    const weeks = i + 1;
    const perVariant = Math.floor((unitsPerDay * 7 * weeks) / input.variants);
    return {
      weeks,
      perVariant,
      fixed: perVariant >= 2 ? mdeAt(input, perVariant, comparisonAlpha) : null,
      sequential:
        input.sequential && perVariant >= 2 ? sequentialMdeAt(input, perVariant, comparisons) : null,
    };
  });
  return { curve, weekTable };
}
