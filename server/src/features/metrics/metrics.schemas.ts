import { z } from "zod";
import { displayName, longText, slug } from "../../shared/schemas.js";
import { METRIC_TYPES } from "./metrics.table.js";

const cupedLookbackDays = z
  .number()
  .int()
  .min(0)
  .max(90)
  .describe(
    "CUPED: the covariate is this metric over this many days before each unit's first exposure (0 = no CUPED adjustment; mean metrics have none)",
  );

const fields = {
  name: displayName,
  description: longText.default(""),
  eventName: z.string().min(1).max(256).describe("name of the track events this metric reads"),
  type: z
    .enum(METRIC_TYPES)
    .describe("binomial: converted or not; count: events; sum: of values; mean: of values"),
  windowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(72)
    .describe("conversion window after first exposure"),
  direction: z.enum(["increase", "decrease"]).default("increase").describe("which direction is good"),
  cap: z
    .number()
    .finite()
    .positive()
    .nullable()
    .default(null)
    .describe("winsorize per-unit values above this"),
  cupedLookbackDays: cupedLookbackDays.default(14),
};

function checkCap(m: { type?: string | undefined; cap?: number | null | undefined }, ctx: z.RefinementCtx) {
  if (m.type === "binomial" && m.cap != null) {
    ctx.addIssue({ code: "custom", path: ["cap"], message: "a cap is not allowed on binomial metrics" });
  }
}

/** Body of `POST /api/v1/metrics`. */
export const createMetricRequest = z
  .strictObject({ key: slug, ...fields })
  .superRefine(checkCap)
  .meta({ id: "CreateMetricRequest" });
/** Parsed create request. */
export type CreateMetricRequest = z.output<typeof createMetricRequest>;

/** Body of `PATCH /api/v1/metrics/:key`. */
export const updateMetricRequest = z
  .strictObject({
    name: fields.name.optional(),
    description: longText.optional(),
    eventName: fields.eventName.optional(),
    type: fields.type.optional(),
    windowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .optional(),
    direction: z.enum(["increase", "decrease"]).optional(),
    cap: z.number().finite().positive().nullable().optional(),
    cupedLookbackDays: cupedLookbackDays.optional(),
  })
  .meta({ id: "UpdateMetricRequest" });
/** Parsed update request. */
export type UpdateMetricRequest = z.output<typeof updateMetricRequest>;

/** A metric as the API returns it. */
export const metricResponse = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    eventName: z.string(),
    type: z.enum(METRIC_TYPES),
    windowHours: z.number().int(),
    direction: z.enum(["increase", "decrease"]),
    cap: z.number().nullable(),
    cupedLookbackDays: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Metric" });
/** A metric as the API returns it. */
export type MetricResponse = z.infer<typeof metricResponse>;

/** Answer of `GET /api/v1/metrics`. */
export const metricListResponse = z.object({ metrics: z.array(metricResponse) }).meta({ id: "MetricList" });
