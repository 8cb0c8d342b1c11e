import type { IngestResponse } from "@splitlab/sdk/types";
import { AppError, storageErrorKind } from "../../errors.js";
import type { AppMetrics } from "../../observability.js";
import type { Actor } from "../keys/index.js";
import { DEFAULT_ENVIRONMENT } from "../keys/index.js";
import { ingestEnvelopeSchema, ingestEventSchema } from "./events.schemas.js";
import {
  type ExposureInsert,
  type GroupCommitWriter,
  StoreError,
  type TrackInsert,
  type WriteResult,
} from "./events.writer.js";
import type { ExperimentCatalog } from "./experiment-catalog.js";

/** Events may be stamped at most this far in the future (client clock skew). */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** Dependencies of {@link ingestEvents}. */
export interface IngestDeps {
  writer: GroupCommitWriter;
  catalog: ExperimentCatalog;
  /** Prometheus counters (ingested/duplicate by type, rejected by reason class). */
  metrics?: Pick<AppMetrics, "eventsIngested" | "eventsRejected" | "eventsDuplicate">;
  now?: () => number;
}

type Rejection = IngestResponse["rejected"][number];

/**
 * Who sent a batch, as authenticated by the route (`actorOf(res)`). Every ingestion route
 * (SDK events, other wire formats) passes it, and the environment is derived from it here only.
 */
export interface IngestContext {
  actor: Pick<Actor, "kind" | "environment">;
}

/**
 * The environment rows of a batch are stored under: the SDK key's environment. Admin tokens
 * (refused by the SDK routes, allowed for internal callers) and keys from before environments
 * count as {@link DEFAULT_ENVIRONMENT}.
 */
export function ingestEnvironment(context: IngestContext): string {
  return context.actor.environment ?? DEFAULT_ENVIRONMENT;
}

function jsonOrNull(value: Record<string, unknown> | undefined): string | null {
  if (value === undefined) return null;
  for (const _ in value) return JSON.stringify(value);
  return null;
}

/**
 * Validates a parsed `POST /api/v1/events` body and stores the valid events under the
 * environment of the key that sent them ({@link ingestEnvironment}).
 * A malformed envelope throws a 400 and stores nothing; a bad event is rejected with its
 * index and reason while the rest are stored. Resolves after the rows are committed.
 *
 * @example
 * const res = await ingestEvents(deps, { events: [{ id, type: "track", name: "purchase", unitId: "u1", timestamp }] }, { actor });
 * // -> { accepted: 1, duplicates: 0, rejected: [] }
 */
export async function ingestEvents(
  deps: IngestDeps,
  body: unknown,
  context: IngestContext,
): Promise<IngestResponse> {
  const environment = ingestEnvironment(context);
  const envelope = ingestEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    const message =
      typeof body !== "object" || body === null || !("events" in body)
        ? 'body must be a JSON object { "events": [ ... ] }'
        : `${where}${issue?.message ?? "invalid body"}`;
    throw new AppError(400, "bad_request", message);
  }
  const items = envelope.data.events;
  const now = (deps.now ?? Date.now)();
  const latest = now + MAX_FUTURE_MS;
  const rejected: Rejection[] = [];
  const exposures: ExposureInsert[] = [];
  const exposureIndex: number[] = [];
  const tracks: TrackInsert[] = [];
  const trackIndex: number[] = [];
  const experimentKeys = new Set<string>();
  const rejectedBy = { invalid: 0, future_timestamp: 0, unknown_experiment: 0, unknown_variant: 0 };

  for (let index = 0; index < items.length; index++) {
    const parsed = ingestEventSchema.safeParse(items[index]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join(".") ?? "";
      rejected.push({ index, reason: `${path ? `${path}: ` : ""}${issue?.message ?? "invalid event"}` });
      rejectedBy.invalid++;
      continue;
    }
    const event = parsed.data;
    if (Date.parse(event.timestamp) > latest) {
      rejected.push({ index, reason: "timestamp: more than 24 h in the future" });
      rejectedBy.future_timestamp++;
      continue;
    }
    const id = event.id.toLowerCase();
    if (event.type === "exposure") {
      experimentKeys.add(event.experiment);
      exposureIndex.push(index);
      exposures.push({
        id,
        experimentKey: event.experiment,
        variantKey: event.variant,
        unitId: event.unitId,
        ts: event.timestamp,
        attributes: jsonOrNull(event.attributes),
        environment,
      });
    } else {
      trackIndex.push(index);
      tracks.push({
        id,
        name: event.name,
        unitId: event.unitId,
        ts: event.timestamp,
        value: event.value ?? null,
        properties: jsonOrNull(event.properties),
        environment,
      });
    }
  }

  let keptExposures = exposures;
  let keptExposureIndex = exposureIndex;
  if (exposures.length > 0) {
    let experiments: Awaited<ReturnType<ExperimentCatalog["snapshot"]>>;
    try {
      experiments = await deps.catalog.snapshot(experimentKeys);
    } catch (error) {
      if (storageErrorKind(error) !== "outage") throw error;
      throw new AppError(503, "unavailable", "the database is unavailable; nothing was stored, retry later");
    }
    keptExposures = [];
    keptExposureIndex = [];
    for (let i = 0; i < exposures.length; i++) {
      const row = exposures[i]!;
      const variants = experiments.get(row.experimentKey);
      if (!variants) {
        rejectedBy.unknown_experiment++;
        rejected.push({
          index: exposureIndex[i]!,
          reason: `experiment: unknown experiment "${row.experimentKey}"`,
        });
      } else if (!variants.has(row.variantKey)) {
        rejectedBy.unknown_variant++;
        rejected.push({
          index: exposureIndex[i]!,
          reason: `variant: unknown variant "${row.variantKey}" of experiment "${row.experimentKey}"`,
        });
      } else {
        keptExposures.push(row);
        keptExposureIndex.push(exposureIndex[i]!);
      }
    }
  }

  let written: WriteResult;
  try {
    written = await deps.writer.write({ exposures: keptExposures, tracks });
  } catch (error) {
    if (error instanceof StoreError && error.kind === "outage") {
      throw new AppError(
        503,
        "unavailable",
        "the database is unavailable; the events were not acknowledged, retry later (ids make retries safe)",
      );
    }
    throw new AppError(500, "internal", "events could not be stored; retry later (ids make retries safe)");
  }
  for (const r of written.rejected) {
    rejectedBy.invalid++;
    rejected.push({
      index: (r.kind === "exposure" ? keptExposureIndex : trackIndex)[r.position]!,
      reason: `the database refused a value of this event (SQLSTATE ${r.sqlstate})`,
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  const { accepted, duplicates } = written;
  const m = deps.metrics;
  if (m) {
    if (written.acceptedExposures > 0) m.eventsIngested.inc({ type: "exposure" }, written.acceptedExposures);
    if (accepted > written.acceptedExposures)
      m.eventsIngested.inc({ type: "track" }, accepted - written.acceptedExposures);
    if (written.duplicateExposures > 0)
      m.eventsDuplicate.inc({ type: "exposure" }, written.duplicateExposures);
    if (duplicates > written.duplicateExposures) {
      m.eventsDuplicate.inc({ type: "track" }, duplicates - written.duplicateExposures);
    }
    for (const [reason, n] of Object.entries(rejectedBy)) if (n > 0) m.eventsRejected.inc({ reason }, n);
  }
  return { accepted, duplicates, rejected };
}
