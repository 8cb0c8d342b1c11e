import { z } from "zod";
import {
  displayName,
  environmentName,
  jsonValue,
  longText,
  slug,
  unitInterval,
} from "../../shared/schemas.js";
import { conditionSchema } from "./condition.schema.js";

/** Statuses in lifecycle order. */
export const EXPERIMENT_STATUSES = ["draft", "running", "stopped", "archived"] as const;

const WEIGHT_TOLERANCE = 1e-6;

/** One arm in a request. `weight` omitted on every variant means an equal split. */
export const variantInput = z.strictObject({
  key: slug,
  name: displayName.optional(),
  weight: z.number().finite().gt(0, "must be greater than 0").max(1).optional(),
  payload: jsonValue.optional(),
});

/** Layer membership: the experiment owns `[range[0], range[1])` of the layer. */
export const layerSliceInput = z
  .strictObject({
    key: slug,
    range: z.tuple([unitInterval, unitInterval]),
  })
  .refine((l) => l.range[0] < l.range[1], { path: ["range"], message: "range must be [lo, hi) with lo < hi" })
  .meta({ id: "LayerSlice" });

/** Analysis settings. */
export const analysisInput = z.strictObject({
  alpha: z.number().gt(0).max(0.5).default(0.05),
  sequential: z.boolean().default(false),
  correction: z.enum(["none", "holm", "bh"]).default("holm"),
});

const metricList = z
  .array(slug)
  .max(20)
  .refine((l) => new Set(l).size === l.length, "metric keys must be unique");

/** Environments an experiment is enabled in (each must be known to the project; checked by the service). */
const environmentsInput = z
  .array(environmentName)
  .min(1, "enable the experiment in at least one environment")
  .max(50)
  .refine((l) => new Set(l).size === l.length, "environments must be unique")
  .describe(
    "environments whose SDK keys receive the experiment: production, staging or an SDK key's environment",
  );

const forcedInput = z
  .record(z.string().min(1).max(256), slug)
  .refine((f) => Object.keys(f).length <= 1000, "at most 1000 forced overrides");

const variantsInput = z
  .array(variantInput)
  .min(2, "needs 2 to 10 variants")
  .max(10, "needs 2 to 10 variants")
  .superRefine((variants, ctx) => {
    const seen = new Set<string>();
    variants.forEach((v, i) => {
      if (seen.has(v.key))
        ctx.addIssue({ code: "custom", path: [i, "key"], message: `duplicate variant key "${v.key}"` });
      seen.add(v.key);
    });
    const withWeight = variants.filter((v) => v.weight !== undefined).length;
    if (withWeight !== 0 && withWeight !== variants.length) {
      ctx.addIssue({ code: "custom", message: "give a weight to every variant or to none (equal split)" });
    } else if (withWeight > 0) {
      const sum = variants.reduce((s, v) => s + (v.weight ?? 0), 0);
      if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
        ctx.addIssue({ code: "custom", message: `weights must sum to 1 (they sum to ${sum})` });
      }
    }
  });

function checkForced(
  data: { variants?: { key: string }[] | undefined; forced?: Record<string, string> | undefined },
  ctx: z.RefinementCtx,
) {
  if (!data.variants || !data.forced) return;
  const keys = new Set(data.variants.map((v) => v.key));
  for (const [unitId, variant] of Object.entries(data.forced)) {
    if (!keys.has(variant)) {
      ctx.addIssue({ code: "custom", path: ["forced", unitId], message: `unknown variant "${variant}"` });
    }
  }
}

const editableFields = {
  name: displayName,
  hypothesis: longText.default(""),
  unitAttribute: z.string().min(1).max(100).default("id"),
  seed: z.string().min(1).max(200).optional(),
  variants: variantsInput,
  coverage: unitInterval.default(1),
  layer: layerSliceInput.nullable().default(null),
  condition: conditionSchema.nullable().default(null),
  forced: forcedInput.default({}),
  primaryMetrics: metricList.default([]),
  guardrailMetrics: metricList.default([]),
  analysis: analysisInput.default({ alpha: 0.05, sequential: false, correction: "holm" }),
  /** Absent: every environment known to the project when the experiment is created. */
  environments: environmentsInput.optional(),
};

/** Body of `POST /api/v1/experiments`. */
export const createExperimentRequest = z
  .strictObject({ key: slug, ...editableFields })
  .superRefine(checkForced)
  .meta({ id: "CreateExperimentRequest" });
/** Parsed create request. */
export type CreateExperimentRequest = z.output<typeof createExperimentRequest>;

/**
 * Body of `PATCH /api/v1/experiments/:key`: any subset of the create fields except `key`.
 * Drafts accept every field; running experiments only name, hypothesis, coverage (up),
 * condition, forced, metrics, analysis and environments.
 */
export const updateExperimentRequest = z
  .strictObject({
    name: displayName.optional(),
    hypothesis: longText.optional(),
    unitAttribute: z.string().min(1).max(100).optional(),
    seed: z.string().min(1).max(200).optional(),
    variants: variantsInput.optional(),
    coverage: unitInterval.optional(),
    layer: layerSliceInput.nullable().optional(),
    condition: conditionSchema.nullable().optional(),
    forced: forcedInput.optional(),
    primaryMetrics: metricList.optional(),
    guardrailMetrics: metricList.optional(),
    analysis: analysisInput.partial().optional(),
    environments: environmentsInput.optional(),
  })
  .meta({ id: "UpdateExperimentRequest" });
/** Parsed update request. */
export type UpdateExperimentRequest = z.output<typeof updateExperimentRequest>;

/** Body of `POST /api/v1/experiments/:key/stop`. */
export const stopExperimentRequest = z
  .strictObject({
    decision: z.enum(["ship", "rollback", "inconclusive"]),
    variant: slug.optional().describe("the variant shipped; required when decision is ship"),
    note: longText.default(""),
  })
  .superRefine((d, ctx) => {
    if (d.decision === "ship" && !d.variant) {
      ctx.addIssue({ code: "custom", path: ["variant"], message: "required when decision is ship" });
    }
    if (d.decision !== "ship" && d.variant) {
      ctx.addIssue({ code: "custom", path: ["variant"], message: "only allowed when decision is ship" });
    }
  })
  .meta({ id: "StopExperimentRequest" });
/** Parsed stop request. */
export type StopExperimentRequest = z.output<typeof stopExperimentRequest>;

/** How far back a start may be dated (imports of running tests, demos, replays). */
export const MAX_BACKDATE_DAYS = 90;

/**
 * Body of `POST /api/v1/experiments/:key/start` (optional). `startedAt` backdates the start,
 * for an experiment that has really been running since then (imported from another tool, a
 * demo replaying past days): the results count exposures from that time on.
 */
export const startExperimentRequest = z
  .strictObject({
    startedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(`ISO-8601 time in the past, at most ${MAX_BACKDATE_DAYS} days ago; default now`)
      .refine((v) => v === undefined || Date.parse(v) <= Date.now() + 60_000, "must not be in the future")
      .refine(
        (v) => v === undefined || Date.parse(v) >= Date.now() - MAX_BACKDATE_DAYS * 86_400_000,
        `must be at most ${MAX_BACKDATE_DAYS} days ago`,
      ),
  })
  .optional();
export type StartExperimentRequest = z.output<typeof startExperimentRequest>;

/** Query of `GET /api/v1/experiments`. */
export const listExperimentsQuery = z.strictObject({
  status: z.enum(EXPERIMENT_STATUSES).optional(),
});

/** An experiment as the API returns it. */
export const experimentResponse = z
  .object({
    key: z.string(),
    name: z.string(),
    hypothesis: z.string(),
    status: z.enum(EXPERIMENT_STATUSES),
    seed: z.string(),
    hashVersion: z.literal(1),
    unitAttribute: z.string(),
    variants: z.array(
      z.object({ key: z.string(), name: z.string(), weight: z.number(), payload: jsonValue.optional() }),
    ),
    coverage: z.number(),
    layer: z.object({ key: z.string(), range: z.tuple([z.number(), z.number()]) }).nullable(),
    condition: z.record(z.string(), jsonValue).nullable(),
    forced: z.record(z.string(), z.string()),
    primaryMetrics: z.array(z.string()),
    guardrailMetrics: z.array(z.string()),
    analysis: z.object({
      alpha: z.number(),
      sequential: z.boolean(),
      correction: z.enum(["none", "holm", "bh"]),
    }),
    decision: z
      .object({
        outcome: z.enum(["ship", "rollback", "inconclusive"]),
        variant: z.string().optional(),
        note: z.string(),
      })
      .nullable(),
    environments: z.array(z.string()).describe("environments whose SDK keys receive the experiment"),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable(),
    stoppedAt: z.string().nullable(),
    archivedAt: z.string().nullable(),
  })
  .meta({ id: "Experiment" });
/** An experiment as the API returns it. */
export type ExperimentResponse = z.infer<typeof experimentResponse>;

/** Answer of `GET /api/v1/experiments`. */
export const experimentListResponse = z
  .object({ experiments: z.array(experimentResponse) })
  .meta({ id: "ExperimentList" });
