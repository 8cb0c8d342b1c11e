import type { ExposureEvent, IngestEvent, IngestResponse, Json, TrackEvent } from "@splitlab/sdk/types";
import { z } from "zod";
import { textProblem } from "../../shared/schemas.js";

/** Most events one request may carry. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Largest accepted request body in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Longest accepted string (ids, keys, names, property keys and string values). */
export const MAX_STRING_LENGTH = 256;
/** Deepest accepted nesting of attributes/properties. */
export const MAX_JSON_DEPTH = 8;
/**
 * Largest accepted `|value|` of a track event: above any monetary amount, and below 2^53 so
 * integers stay exact. Sums of squares of any realistic number of such values stay far below
 * the float8 limit (1.8e308), so one event can never overflow the results.
 */
export const MAX_ABS_VALUE = 1e15;
/** Earliest accepted event timestamp. */
export const MIN_TIMESTAMP = "2000-01-01T00:00:00Z";
const MIN_TIMESTAMP_MS = Date.parse(MIN_TIMESTAMP);
/** Largest accepted UTC offset of a timestamp, in hours (real zones span -12:00..+14:00). */
export const MAX_OFFSET_HOURS = 14;

/**
 * First problem found in a JSON object of attributes/properties, or null when it is fine:
 * keys and string values at most 256 characters of well-formed Unicode without NUL,
 * nesting at most 8 levels.
 * The value comes from JSON.parse, so it holds only JSON types already.
 */
export function findJsonProblem(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === "string") {
    if (value.length > MAX_STRING_LENGTH)
      return `${path}: string longer than ${MAX_STRING_LENGTH} characters`;
    const problem = textProblem(value);
    return problem ? `${path}: string ${problem}` : null;
  }
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path}: number is not finite`;
  if (value === null || typeof value !== "object") return null;
  if (depth >= MAX_JSON_DEPTH) return `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findJsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key in value) {
    if (key.length > MAX_STRING_LENGTH) return `${path}: key longer than ${MAX_STRING_LENGTH} characters`;
    const keyProblem = textProblem(key);
    if (keyProblem) return `${path}: key ${keyProblem}`;
    const problem = findJsonProblem((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function jsonObject(field: string) {
  return z.custom<Record<string, Json>>(
    (value) =>
      typeof value === "object" && value !== null && !Array.isArray(value) && !findJsonProblem(value, field),
    {
      error: (issue) =>
        typeof issue.input === "object" && issue.input !== null && !Array.isArray(issue.input)
          ? (findJsonProblem(issue.input, field) ?? "invalid")
          : "expected an object",
    },
  );
}

/** Why PostgreSQL would refuse a timestamp that passed the ISO-8601 check, or null. */
function timestampProblem(iso: string): string | null {
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  if (offset && (Number(offset[2]) > MAX_OFFSET_HOURS || Number(offset[3]) > 59)) {
    return `UTC offset ${offset[0]} is outside -${MAX_OFFSET_HOURS}:00..+${MAX_OFFSET_HOURS}:00`;
  }
  if (!(Date.parse(iso) >= MIN_TIMESTAMP_MS)) return `before ${MIN_TIMESTAMP}`;
  return null;
}

const shortString = z
  .string()
  .min(1)
  .max(MAX_STRING_LENGTH)
  .check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });
const common = {
  id: z.guid(),
  unitId: shortString,
  timestamp: z.iso.datetime({ offset: true }).check((ctx) => {
    const problem = timestampProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  }),
};

/** One exposure event of `POST /api/v1/events`. */
export const exposureEventSchema = z.object({
  ...common,
  type: z.literal("exposure"),
  experiment: shortString,
  variant: shortString,
  attributes: jsonObject("attributes").optional(),
}) satisfies z.ZodType<ExposureEvent>;

/** One behavioral (`track`) event of `POST /api/v1/events`. */
export const trackEventSchema = z.object({
  ...common,
  type: z.literal("track"),
  name: shortString,
  value: z
    .number()
    .min(-MAX_ABS_VALUE, `must be between -${MAX_ABS_VALUE} and ${MAX_ABS_VALUE}`)
    .max(MAX_ABS_VALUE, `must be between -${MAX_ABS_VALUE} and ${MAX_ABS_VALUE}`)
    .optional(),
  properties: jsonObject("properties").optional(),
}) satisfies z.ZodType<TrackEvent>;

/** Either event kind, discriminated by `type`. */
export const ingestEventSchema = z.discriminatedUnion("type", [
  exposureEventSchema,
  trackEventSchema,
]) satisfies z.ZodType<IngestEvent>;

/**
 * The envelope of `POST /api/v1/events`. Events are checked one by one afterwards
 * (a bad event is rejected with its index, the rest are stored), so the envelope only
 * requires an array of at most 1000 items.
 */
export const ingestEnvelopeSchema = z.object({
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_REQUEST, {
    error: `at most ${MAX_EVENTS_PER_REQUEST} events per request`,
  }),
});

/** Answer of `POST /api/v1/events`. */
export const ingestResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })),
}) satisfies z.ZodType<IngestResponse>;

/** Path parameter of `DELETE /api/v1/units/:unitId`. */
export const unitIdParamsSchema = z.object({ unitId: shortString });

/** Answer of `DELETE /api/v1/units/:unitId`. */
export const eraseUnitResponseSchema = z.object({
  unitId: z.string(),
  exposures: z.number().int(),
  events: z.number().int(),
});
export type EraseUnitResponse = z.infer<typeof eraseUnitResponseSchema>;
