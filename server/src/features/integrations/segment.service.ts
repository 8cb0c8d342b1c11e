import type { TrackEvent } from "@splitlab/sdk/types";
import type { Counter } from "prom-client";
import { AppError, fieldError } from "../../errors.js";
import {
  type IngestContext,
  type IngestDeps,
  ingestEvents,
  MAX_EVENTS_PER_REQUEST,
} from "../events/index.js";
import {
  IGNORED_CALL_TYPES,
  type IgnoredCallType,
  isoMs,
  mapSegmentCall,
  segmentRejection,
  type TrackSources,
} from "./segment.mapping.js";
import type { SegmentIngestResponse } from "./segment.schemas.js";

/** Dependencies of {@link ingestSegment}. */
export interface SegmentDeps {
  /** The events feature's ingestion (the one insert path). */
  ingest: IngestDeps;
  /** `segment_calls_ignored_total{type}`. */
  ignoredCalls?: Counter<"type">;
  now?: () => number;
}

/**
 * Which endpoint was called: `call` (the bare path: one call or `{ batch }`), `track`
 * (one track call, `type` optional) or `batch` (`{ batch: [...] }`).
 */
export type SegmentEndpoint = "call" | "track" | "batch";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const join = (prefix: string, field: string) => (field ? (prefix ? `${prefix}.${field}` : field) : prefix);

/**
 * Maps a parsed Segment body to track events and stores them through `ingestEvents`, so the
 * validation, limits, idempotency and acknowledgement after commit are those of
 * `POST /api/v1/events`. In a batch a bad call is rejected with its index (`batch[2].userId:
 * ...`) and the rest are stored, as `/api/v1/events` does with a bad event; a single bad call
 * is a 400 naming the field. Ignored call types are counted.
 *
 * @example
 * await ingestSegment(deps, { batch: [{ type: "track", event: "Signed Up", userId: "u1", messageId: "m1" },
 *   { type: "identify", userId: "u1" }] }, "call", { actor: actorOf(res) });
 * // -> { accepted: 1, duplicates: 0, rejected: [], ignored: { identify: 1, page: 0, ... } }
 */
export async function ingestSegment(
  deps: SegmentDeps,
  body: unknown,
  endpoint: SegmentEndpoint,
  context: IngestContext,
): Promise<SegmentIngestResponse> {
  // Segment's Webhooks (Actions) destination posts a batch as a bare JSON array.
  const isArray = Array.isArray(body) && endpoint !== "track";
  if (!isRecord(body) && !isArray) {
    throw new AppError(
      400,
      "bad_request",
      endpoint === "batch"
        ? 'body must be { "batch": [ ... ] } or a JSON array of Segment calls'
        : endpoint === "track"
          ? "body must be a JSON object (a Segment track call)"
          : 'body must be a JSON object (a Segment call), { "batch": [ ... ] } or a JSON array of calls',
    );
  }
  const isBatch = isArray || endpoint === "batch" || (endpoint === "call" && "batch" in (body as object));
  const prefix = isArray ? "" : "batch";
  let calls: unknown[];
  let batchSentAt: number | undefined;
  if (isArray) calls = body as unknown[];
  else if (isBatch) {
    const envelope = body as Record<string, unknown>;
    if (!Array.isArray(envelope.batch)) throw fieldError("batch", "must be an array of Segment calls");
    calls = envelope.batch;
    if (envelope.sentAt !== undefined && envelope.sentAt !== null) {
      const ms = isoMs(envelope.sentAt);
      if (ms === null) throw fieldError("sentAt", "must be an ISO-8601 date-time string with a UTC offset");
      batchSentAt = ms;
    }
  } else {
    calls = [body];
  }
  if (calls.length > MAX_EVENTS_PER_REQUEST) {
    throw fieldError(prefix || "(root)", `at most ${MAX_EVENTS_PER_REQUEST} calls per request`);
  }

  const receivedAt = (deps.now ?? Date.now)();
  const ignored = Object.fromEntries(IGNORED_CALL_TYPES.map((t) => [t, 0])) as Record<
    IgnoredCallType,
    number
  >;
  const rejected: SegmentIngestResponse["rejected"] = [];
  const events: TrackEvent[] = [];
  const origin: { index: number; sources: TrackSources }[] = [];
  let invalidCalls = 0;
  const where = (index: number) => (isBatch ? `${prefix}[${index}]` : "");

  for (let index = 0; index < calls.length; index++) {
    const mapped = mapSegmentCall(calls[index], {
      receivedAt,
      batchSentAt,
      trackOnly: endpoint === "track",
    });
    if (mapped.kind === "ignored") ignored[mapped.type]++;
    else if (mapped.kind === "track") {
      events.push(mapped.event);
      origin.push({ index, sources: mapped.sources });
    } else {
      if (!isBatch) throw fieldError(mapped.field || "(root)", mapped.message);
      invalidCalls++;
      rejected.push({ index, reason: `${join(where(index), mapped.field)}: ${mapped.message}` });
    }
  }

  let accepted = 0;
  let duplicates = 0;
  if (events.length > 0) {
    const written = await ingestEvents(deps.ingest, { events }, context);
    accepted = written.accepted;
    duplicates = written.duplicates;
    for (const r of written.rejected) {
      const from = origin[r.index]!;
      const { field, message } = segmentRejection(r.reason, from.sources);
      if (!isBatch) {
        // A single call was the only event: nothing was stored.
        if (field) throw fieldError(field, message);
        throw new AppError(400, "bad_request", message);
      }
      rejected.push({ index: from.index, reason: `${join(where(from.index), field)}: ${message}` });
    }
  }
  rejected.sort((a, b) => a.index - b.index);

  // The events service counted its own rejections; these are the calls it never saw.
  if (invalidCalls > 0) deps.ingest.metrics?.eventsRejected.inc({ reason: "invalid" }, invalidCalls);
  for (const type of IGNORED_CALL_TYPES)
    if (ignored[type] > 0) deps.ignoredCalls?.inc({ type }, ignored[type]);
  return { accepted, duplicates, rejected, ignored };
}
