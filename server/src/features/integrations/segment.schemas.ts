import { z } from "zod";
import { ingestResponseSchema, MAX_EVENTS_PER_REQUEST, MAX_STRING_LENGTH } from "../events/index.js";
import { IGNORED_CALL_TYPES, MAX_MESSAGE_ID_LENGTH } from "./segment.mapping.js";

// These schemas document the Segment bodies; the handler maps and checks each call itself
// (segment.mapping.ts, then the events service), so they are never used to parse.

const dateTime = (description: string) => z.iso.datetime({ offset: true }).optional().describe(description);
const freeObject = (description: string) =>
  z.record(z.string(), z.unknown()).optional().describe(description);

/** A Segment `track` call (other fields such as `context` and `integrations` are accepted and ignored). */
export const segmentTrackCallDoc = z
  .object({
    type: z.literal("track").describe("optional on `POST .../segment/track`"),
    event: z.string().min(1).max(MAX_STRING_LENGTH).describe("the event name: a metric's event name"),
    userId: z
      .string()
      .max(MAX_STRING_LENGTH)
      .optional()
      .describe("the unit id when it is a non-empty string"),
    anonymousId: z
      .string()
      .max(MAX_STRING_LENGTH)
      .optional()
      .describe("the unit id when `userId` is absent or empty"),
    messageId: z
      .string()
      .min(1)
      .max(MAX_MESSAGE_ID_LENGTH)
      .describe("the idempotency id: a resent call with the same messageId (and unit) is a duplicate"),
    timestamp: dateTime("when the event happened; preferred over `originalTimestamp`"),
    originalTimestamp: dateTime(
      "the sender's clock; used as `receivedAt - (sentAt - originalTimestamp)` when there is no `timestamp`",
    ),
    sentAt: dateTime("when the sender sent the call (clock-skew correction)"),
    properties: freeObject(
      "stored as the event's properties; `revenue`, else `value`, is the event's value (a number)",
    ),
  })
  .meta({ id: "SegmentTrackCall", description: "a Segment track call: stored as a track event" });

/** Segment calls that are accepted and counted in `ignored`, but not stored. */
export const segmentIgnoredCallDoc = z
  .object({
    type: z.enum(IGNORED_CALL_TYPES),
    messageId: z.string().optional(),
  })
  .meta({
    id: "SegmentIgnoredCall",
    description: "identify, page, screen, group and alias calls: not stored",
  });

/** Any Segment call. */
export const segmentCallDoc = z
  .union([segmentTrackCallDoc, segmentIgnoredCallDoc])
  .meta({ id: "SegmentCall", description: "one call of the Segment tracking spec" });

/** Body of `POST .../segment/batch`, as Segment's `/v1/batch` takes it. */
export const segmentBatchDoc = z
  .object({
    batch: z.array(segmentCallDoc).max(MAX_EVENTS_PER_REQUEST),
    sentAt: dateTime("used for calls without their own `sentAt`"),
  })
  .meta({ id: "SegmentBatch", description: `at most ${MAX_EVENTS_PER_REQUEST} calls` });

/** A bare JSON array of calls: how Segment's Webhooks (Actions) destination posts a batch. */
export const segmentCallArrayDoc = z
  .array(segmentCallDoc)
  .max(MAX_EVENTS_PER_REQUEST)
  .meta({ id: "SegmentCallArray", description: `at most ${MAX_EVENTS_PER_REQUEST} calls` });

/** Body of `POST .../segment/batch`: `{ batch }` or a bare array. */
export const segmentBatchRequestDoc = z
  .union([segmentBatchDoc, segmentCallArrayDoc])
  .meta({ id: "SegmentBatchRequest", description: "`{ batch: [ ... ] }` or a JSON array of calls" });

/** Body of `POST .../segment`: one call (webhook destinations), a batch, or a bare array of calls. */
export const segmentRequestDoc = z.union([segmentCallDoc, segmentBatchDoc, segmentCallArrayDoc]).meta({
  id: "SegmentRequest",
  description: "one Segment call, `{ batch: [ ... ] }` or a JSON array of calls",
});

/** Counts of ignored calls by type. */
export const ignoredCountsSchema = z
  .object(
    Object.fromEntries(IGNORED_CALL_TYPES.map((t) => [t, z.number().int()])) as Record<
      (typeof IGNORED_CALL_TYPES)[number],
      z.ZodNumber
    >,
  )
  .describe("calls accepted and not stored, by type");

/** Answer of the Segment endpoints. */
export const segmentIngestResponseSchema = ingestResponseSchema
  .extend({
    rejected: z
      .array(z.object({ index: z.number().int(), reason: z.string() }))
      .describe("bad calls of a batch: their index in `batch` and why (`batch[2].userId: ...`)"),
    ignored: ignoredCountsSchema,
  })
  .meta({ id: "SegmentIngestResponse" });
/** {@link segmentIngestResponseSchema}'s type. */
export type SegmentIngestResponse = z.infer<typeof segmentIngestResponseSchema>;
