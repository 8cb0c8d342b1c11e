import type { RequestHandler, Router } from "express";
import { Counter, type Registry } from "prom-client";
import type { Db } from "../../db.js";
import { insertIngestRows, loadExposableExperiments } from "./events.repo.js";
import type { RetentionDeps } from "./events.retention.js";
import { createEventsRouter } from "./events.routes.js";
import type { IngestCounters } from "./events.service.js";
import { GroupCommitWriter } from "./events.writer.js";
import { ExperimentCatalog } from "./experiment-catalog.js";

/** Dependencies of {@link createEventsFeature}. */
export interface EventsFeatureDeps {
  db: Db;
  /** PGlite has one connection, so it gets one transaction at a time. */
  kind: "pglite" | "postgres";
  requireSdkKey: RequestHandler;
  requireAdmin: RequestHandler;
  /** Prometheus registry for the ingested/rejected/duplicate counters. */
  registry?: Registry;
  audit?: RetentionDeps["audit"];
  /** Concurrent ingestion transactions on PostgreSQL (default 4). */
  writerConcurrency?: number;
}

/** The wired ingestion feature: mount `router`, call `drain()` on shutdown. */
export interface EventsFeature {
  router: Router;
  writer: GroupCommitWriter;
  catalog: ExperimentCatalog;
  /** Resolves once every accepted request's rows are committed (or failed). */
  drain: () => Promise<void>;
}

/** Prometheus counters of the ingestion path, registered on `registry`. */
export function createIngestCounters(registry: Registry): IngestCounters {
  const make = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  const ingested = make("events_ingested_total", "Events and exposures stored by POST /api/v1/events");
  const rejected = make("events_rejected_total", "Events rejected by validation in POST /api/v1/events");
  const duplicates = make(
    "events_duplicate_total",
    "Events whose id was already stored (idempotent retries)",
  );
  return {
    ingested: (n) => ingested.inc(n),
    rejected: (n) => rejected.inc(n),
    duplicates: (n) => duplicates.inc(n),
  };
}

/**
 * Wires event ingestion (group-commit writer, experiment lookup, counters) and erasure.
 *
 * @example
 * const events = createEventsFeature({ db, kind: "postgres", requireSdkKey, requireAdmin, registry });
 * app.use(events.router);
 * // on shutdown: server.close(); await events.drain();
 */
export function createEventsFeature(deps: EventsFeatureDeps): EventsFeature {
  const writer = new GroupCommitWriter({
    insert: (rows) => insertIngestRows(deps.db, rows),
    concurrency: deps.kind === "pglite" ? 1 : (deps.writerConcurrency ?? 4),
  });
  const catalog = new ExperimentCatalog({ load: () => loadExposableExperiments(deps.db) });
  const counters = deps.registry ? createIngestCounters(deps.registry) : undefined;
  const router = createEventsRouter({
    ingest: { writer, catalog, ...(counters ? { counters } : {}) },
    erase: { db: deps.db, ...(deps.audit ? { audit: deps.audit } : {}) },
    requireSdkKey: deps.requireSdkKey,
    requireAdmin: deps.requireAdmin,
  });
  return { router, writer, catalog, drain: () => writer.drain() };
}
