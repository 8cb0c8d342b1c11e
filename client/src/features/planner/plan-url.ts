/**
 * The plan in the URL: the planner keeps its inputs in the query string (a shareable link), and
 * "Use this plan" hands them, plus the computed size and duration, to the editor at
 * `/experiments/new?…`. The editor reads them back with {@link readPlannedExperiment}.
 */
import { z } from "zod";
import { DEFAULT_PLAN, type PlanInput } from "./plan.js";

const num = (fallback: number) => z.coerce.number().finite().catch(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(["1", "0", "true", "false"])
    .transform((v) => v === "1" || v === "true")
    .catch(fallback);

/** Query-string schema of the planner (every field optional; bad values fall back to the default). */
export const planSearchSchema = z.object({
  kind: z.enum(["rate", "mean"]).catch(DEFAULT_PLAN.kind),
  baseline: num(DEFAULT_PLAN.baseline),
  sd: num(DEFAULT_PLAN.sd),
  mdeMode: z.enum(["relative", "absolute"]).catch(DEFAULT_PLAN.mdeMode),
  mde: num(DEFAULT_PLAN.mde),
  alpha: num(DEFAULT_PLAN.alpha),
  power: num(DEFAULT_PLAN.power),
  variants: z.coerce.number().int().min(2).max(10).catch(DEFAULT_PLAN.variants),
  daily: num(DEFAULT_PLAN.dailyUnits),
  coverage: num(DEFAULT_PLAN.coverage),
  seq: bool(DEFAULT_PLAN.sequential),
  holm: bool(DEFAULT_PLAN.correction),
});

/** Reads a plan from a query string; missing or bad fields take the defaults. */
export function planFromSearch(params: URLSearchParams): PlanInput {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  const p = planSearchSchema.parse(raw);
  return {
    kind: p.kind,
    baseline: p.baseline,
    sd: p.sd,
    mdeMode: p.mdeMode,
    mde: p.mde,
    alpha: p.alpha,
    power: p.power,
    variants: p.variants,
    dailyUnits: p.daily,
    coverage: p.coverage,
    sequential: p.seq,
    correction: p.holm,
  };
}

/** Writes a plan as query parameters (numbers as plain fractions, 10 % = 0.1). */
export function planToSearch(plan: PlanInput): URLSearchParams {
  return new URLSearchParams({
    kind: plan.kind,
    baseline: String(plan.baseline),
    ...(plan.kind === "mean" ? { sd: String(plan.sd) } : {}),
    mdeMode: plan.mdeMode,
    mde: String(plan.mde),
    alpha: String(plan.alpha),
    power: String(plan.power),
    variants: String(plan.variants),
    daily: String(plan.dailyUnits),
    coverage: String(plan.coverage),
    seq: plan.sequential ? "1" : "0",
    holm: plan.correction ? "1" : "0",
  });
}

/** What "Use this plan" hands to the editor: the inputs and what they imply. */
export interface PlannedExperiment {
  plan: PlanInput;
  /** Units per variant the plan needs. */
  perVariant: number;
  /** Planned duration in days. */
  days: number;
  /** Equal weights, one per variant (sum to 1). */
  weights: number[];
}

/** Query string of `/experiments/new` for a plan (`from=planner` marks it). */
export function plannedExperimentSearch(planned: Omit<PlannedExperiment, "weights">): string {
  const params = planToSearch(planned.plan);
  params.set("from", "planner");
  params.set("units", String(planned.perVariant));
  params.set("days", String(planned.days));
  return params.toString();
}

/** Reads the plan handed over by the planner, or null when the editor was opened without one. */
export function readPlannedExperiment(params: URLSearchParams): PlannedExperiment | null {
  if (params.get("from") !== "planner") return null;
  const plan = planFromSearch(params);
  const perVariant = z.coerce.number().int().positive().safeParse(params.get("units"));
  const days = z.coerce.number().int().positive().safeParse(params.get("days"));
  if (!perVariant.success || !days.success) return null;
  return {
    plan,
    perVariant: perVariant.data,
    days: days.data,
    weights: Array.from({ length: plan.variants }, () => 1 / plan.variants),
  };
}
