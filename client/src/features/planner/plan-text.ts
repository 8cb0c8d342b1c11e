/**
 * The planner's form as text (what is typed), parsed into a {@link PlanInput} with field errors.
 * The text is the single source of truth for the inputs; the URL holds the parsed plan.
 */
import {
  countText,
  decimalText,
  parseCount,
  parseDecimal,
  parsePercent,
  percentText,
} from "./number-input.js";
import { type PlanErrors, type PlanInput, validatePlan } from "./plan.js";

/** The typed text of every field. */
export interface PlanText {
  kind: PlanInput["kind"];
  mdeMode: PlanInput["mdeMode"];
  sequential: boolean;
  correction: boolean;
  baseline: string;
  sd: string;
  mde: string;
  alpha: string;
  power: string;
  variants: string;
  dailyUnits: string;
  coverage: string;
}

/** Absolute effects on a rate are typed in percentage points: "1" = 1 pp = 0.01. */
export const PP_RULE = "In percentage points: 1 means from 10 % to 11 %.";

/** The text a plan shows in the form. */
export function planToText(plan: PlanInput): PlanText {
  const absoluteRate = plan.kind === "rate" && plan.mdeMode === "absolute";
  return {
    kind: plan.kind,
    mdeMode: plan.mdeMode,
    sequential: plan.sequential,
    correction: plan.correction,
    baseline: plan.kind === "rate" ? percentText(plan.baseline) : decimalText(plan.baseline),
    sd: decimalText(plan.sd),
    mde:
      plan.mdeMode === "relative"
        ? percentText(plan.mde)
        : absoluteRate
          ? decimalText(Math.round(plan.mde * 100 * 1e6) / 1e6)
          : decimalText(plan.mde),
    alpha: percentText(plan.alpha),
    power: percentText(plan.power),
    variants: String(plan.variants),
    dailyUnits: countText(plan.dailyUnits),
    coverage: percentText(plan.coverage),
  };
}

/** Parses the form: the plan when every field reads, plus errors by field (parse and range). */
export function textToPlan(text: PlanText): { plan: PlanInput | null; errors: PlanErrors } {
  const errors: PlanErrors = {};
  const read = (field: keyof PlanErrors, parsed: ReturnType<typeof parseDecimal>): number => {
    if (parsed.ok) return parsed.value;
    errors[field] = parsed.message;
    return Number.NaN;
  };
  const absoluteRate = text.kind === "rate" && text.mdeMode === "absolute";
  const mdeParsed = read(
    "mde",
    text.mdeMode === "relative" ? parsePercent(text.mde) : parseDecimal(text.mde),
  );
  const plan: PlanInput = {
    kind: text.kind,
    mdeMode: text.mdeMode,
    sequential: text.sequential,
    correction: text.correction,
    baseline: read(
      "baseline",
      text.kind === "rate" ? parsePercent(text.baseline) : parseDecimal(text.baseline),
    ),
    sd: text.kind === "mean" ? read("sd", parseDecimal(text.sd)) : 1,
    mde: absoluteRate ? mdeParsed / 100 : mdeParsed,
    alpha: read("alpha", parsePercent(text.alpha)),
    power: read("power", parsePercent(text.power)),
    variants: read("variants", parseCount(text.variants)),
    dailyUnits: read("dailyUnits", parseCount(text.dailyUnits)),
    coverage: read("coverage", parsePercent(text.coverage)),
  };
  if (Object.keys(errors).length > 0) return { plan: null, errors };
  const range = validatePlan(plan);
  return Object.keys(range).length > 0 ? { plan: null, errors: range } : { plan, errors: {} };
}
