import { createHash } from "node:crypto";
import type { Json, TrackEvent } from "@splitlab/sdk/types";
import { z } from "zod";

/** Segment call types that are accepted and ignored (only `track` becomes an event). */
export const IGNORED_CALL_TYPES = ["identify", "page", "screen", "group", "alias"] as const;
/** One of {@link IGNORED_CALL_TYPES}. */
export type IgnoredCallType = (typeof IGNORED_CALL_TYPES)[number];

/** Longest accepted `messageId` (the same limit as every other id of the ingestion API). */
export const MAX_MESSAGE_ID_LENGTH = 256;

/**
 * Namespace of the name-based UUIDs made from Segment `messageId`s (a fixed random UUID):
 * the same messageId always gives the same event id, and never one an SDK generated.
 */
export const SEGMENT_MESSAGE_ID_NAMESPACE = "04ad047b-8f2d-40ad-b910-3c9ce5b5dff0";

/**
 * Name-based UUID, version 5 (SHA-1), RFC 9562 section 5.5.
 *
 * @example
 * uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
 * // -> "886313e1-3b8a-5372-9b90-0c9aee199e5d" (Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"))
 */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Where each field of a mapped track event came from, to name the Segment field in a rejection. */
export interface TrackSources {
  unitId: "userId" | "anonymousId";
  value?: "properties.revenue" | "properties.value";
  timestamp: "timestamp" | "originalTimestamp" | "receivedAt";
}

/** What one Segment call becomes. `field` is a Segment field path ("" for the call itself). */
export type MappedCall =
  | { kind: "track"; event: TrackEvent; sources: TrackSources }
  | { kind: "ignored"; type: IgnoredCallType }
  | { kind: "invalid"; field: string; message: string };

/** Options of {@link mapSegmentCall}. */
export interface MapOptions {
  /** When the request arrived (ms since the epoch): Segment's `receivedAt`. */
  receivedAt: number;
  /** The batch's `sentAt` (ms since the epoch, checked by the caller), used when the call has none. */
  batchSentAt?: number | undefined;
  /** `POST .../track`: the call may omit `type`, and must be a track call. */
  trackOnly?: boolean;
}

const isoDateTime = z.iso.datetime({ offset: true });
const KNOWN_TYPES: readonly string[] = ["track", ...IGNORED_CALL_TYPES];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const absent = (value: unknown) => value === undefined || value === null;

/** Milliseconds of an ISO-8601 date-time with offset, or null. */
export function isoMs(value: unknown): number | null {
  if (typeof value !== "string" || !isoDateTime.safeParse(value).success) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const invalid = (field: string, message: string): MappedCall => ({ kind: "invalid", field, message });

/**
 * Maps one call of the Segment tracking spec to a track event of `POST /api/v1/events`
 * (docs/integrations.md has the table):
 * - unit id: `userId` when it is a non-empty string, else `anonymousId`; neither is invalid;
 * - name: `event`; value: `properties.revenue`, else `properties.value` (a number);
 * - timestamp: `timestamp`; else `originalTimestamp` corrected for the sender's clock as
 *   Segment does (`receivedAt - (sentAt - originalTimestamp)` when `sentAt` is known, the
 *   call's or the batch's); else the receive time;
 * - id: the UUID v5 of `messageId` (required), so a resent call is a duplicate;
 * - properties: `properties` as they are.
 * `identify`, `page`, `screen`, `group` and `alias` calls are ignored. Lengths, characters,
 * ranges and the timestamp's format are checked afterwards by the events service.
 *
 * @example
 * mapSegmentCall({ type: "track", event: "Order Completed", userId: "u1", messageId: "m1",
 *   timestamp: "2024-05-01T10:00:00Z", properties: { revenue: 12.5 } }, { receivedAt: Date.now() });
 * // -> { kind: "track", event: { id: uuidV5("m1", ...), type: "track", name: "Order Completed",
 * //      unitId: "u1", value: 12.5, timestamp: "2024-05-01T10:00:00Z", properties: { revenue: 12.5 } }, ... }
 */
export function mapSegmentCall(call: unknown, options: MapOptions): MappedCall {
  if (!isRecord(call)) return invalid("", "must be a JSON object (a Segment call)");
  const type = absent(call.type) && options.trackOnly ? "track" : call.type;
  if (typeof type !== "string" || !KNOWN_TYPES.includes(type)) {
    return invalid(
      "type",
      absent(type)
        ? `required: one of ${KNOWN_TYPES.join(", ")}`
        : `unknown call type ${JSON.stringify(type)}; expected one of ${KNOWN_TYPES.join(", ")}`,
    );
  }
  if (options.trackOnly && type !== "track") {
    return invalid("type", `this endpoint takes track calls; send ${type} calls to the batch endpoint`);
  }
  if (type !== "track") return { kind: "ignored", type: type as IgnoredCallType };

  if (typeof call.event !== "string" || call.event.length === 0) {
    return invalid("event", "required: the event name, a non-empty string");
  }
  let unitId: string;
  let unitSource: TrackSources["unitId"];
  for (const field of ["userId", "anonymousId"] as const) {
    const v = call[field];
    if (!absent(v) && typeof v !== "string") return invalid(field, "must be a string");
  }
  if (typeof call.userId === "string" && call.userId.length > 0) {
    unitId = call.userId;
    unitSource = "userId";
  } else if (typeof call.anonymousId === "string" && call.anonymousId.length > 0) {
    unitId = call.anonymousId;
    unitSource = "anonymousId";
  } else {
    return invalid("userId", "required: neither userId nor anonymousId is a non-empty string");
  }
  const messageId = call.messageId;
  if (typeof messageId !== "string" || messageId.length === 0 || messageId.length > MAX_MESSAGE_ID_LENGTH) {
    return invalid(
      "messageId",
      `required: a non-empty string of at most ${MAX_MESSAGE_ID_LENGTH} characters (the idempotency id)`,
    );
  }
  if (!absent(call.properties) && !isRecord(call.properties)) {
    return invalid("properties", "must be an object");
  }
  const properties = isRecord(call.properties) ? (call.properties as Record<string, Json>) : undefined;

  const sources: TrackSources = { unitId: unitSource, timestamp: "receivedAt" };
  let value: number | undefined;
  for (const key of ["revenue", "value"] as const) {
    const v = properties?.[key];
    if (absent(v)) continue;
    if (typeof v !== "number") return invalid(`properties.${key}`, "must be a number");
    value = v;
    sources.value = `properties.${key}`;
    break;
  }

  let timestamp: string;
  if (!absent(call.timestamp)) {
    if (typeof call.timestamp !== "string") {
      return invalid("timestamp", "must be an ISO-8601 date-time string with a UTC offset");
    }
    timestamp = call.timestamp; // its format and range are checked by the events service
    sources.timestamp = "timestamp";
  } else if (!absent(call.originalTimestamp)) {
    const original = isoMs(call.originalTimestamp);
    if (original === null) {
      return invalid("originalTimestamp", "must be an ISO-8601 date-time string with a UTC offset");
    }
    let sentAt: number | null = options.batchSentAt ?? null;
    if (!absent(call.sentAt)) {
      sentAt = isoMs(call.sentAt);
      if (sentAt === null) return invalid("sentAt", "must be an ISO-8601 date-time string with a UTC offset");
    }
    const ms = sentAt === null ? original : options.receivedAt - (sentAt - original);
    const date = new Date(ms);
    if (!Number.isFinite(date.getTime())) return invalid("originalTimestamp", "out of range");
    timestamp = date.toISOString();
    sources.timestamp = "originalTimestamp";
  } else {
    timestamp = new Date(options.receivedAt).toISOString();
  }

  const event: TrackEvent = {
    id: uuidV5(messageId, SEGMENT_MESSAGE_ID_NAMESPACE),
    type: "track",
    name: call.event,
    unitId,
    timestamp,
    ...(value === undefined ? {} : { value }),
    ...(properties === undefined ? {} : { properties }),
  };
  return { kind: "track", event, sources };
}

/**
 * Renames the event field an events-service rejection names (`name: ...`) to the Segment
 * field it came from (`event: ...`). Returns the field ("" when none) and the message.
 */
export function segmentRejection(reason: string, sources: TrackSources): { field: string; message: string } {
  const nested = /^properties: (properties[.[][^:]*): ([\s\S]*)$/.exec(reason);
  if (nested) return { field: nested[1]!, message: nested[2]! };
  const match = /^(name|unitId|value|timestamp|id|properties): ([\s\S]*)$/.exec(reason);
  if (!match) return { field: "", message: reason };
  const renamed: Record<string, string> = {
    name: "event",
    unitId: sources.unitId,
    value: sources.value ?? "properties.revenue",
    timestamp: sources.timestamp,
    id: "messageId",
    properties: "properties",
  };
  return { field: renamed[match[1]!]!, message: match[2]! };
}
