import { PGlite } from "@electric-sql/pglite";
import type { RequestHandler, Router } from "express";
import type { Db } from "../../db.js";
import type { RouteDefinition } from "../../http/route.js";
import type { AppMetrics } from "../../observability.js";
import { insertIngestRows, loadExposableExperiments } from "./events.repo.js";
import { createEventsRouter, eventsRoutes } from "./events.routes.js";
import type { EraseUnitResponse } from "./events.schemas.js";
import type { IngestDeps } from "./events.service.js";
import { GroupCommitWriter, type StoreError } from "./events.writer.js";
import { ExperimentCatalog } from "./experiment-catalog.js";

/** Dependencies of {@link createEventsFeature}. */
export interface EventsFeatureDeps {
  db: Db;
  requireSdkKey: RequestHandler;
  requireAdmin: RequestHandler;
  /** Prometheus counters (events ingested/rejected/duplicate). */
  metrics?: AppMetrics;
  /**
   * Called once per failed ingestion transaction with a {@link StoreError}: counts and
   * SQLSTATE only, never event data or SQL parameters, so it is safe to log.
   */
  onStoreError?: (error: StoreError) => void;
  /** Erases one unit's data in every feature (use-cases/unit-data.ts). */
  erase: (unitId: string, actor: string) => Promise<EraseUnitResponse>;
  /** Concurrent ingestion transactions on PostgreSQL (default 4). */
  writerConcurrency?: number;
}

/** The wired ingestion feature: mount `router`, call `drain()` on shutdown. */
export interface EventsFeature {
  router: Router;
  /** The route definitions mounted on `router` (for the OpenAPI document). */
  routes: RouteDefinition[];
  writer: GroupCommitWriter;
  catalog: ExperimentCatalog;
  /** What `ingestEvents` runs with (the writer, catalog and counters above), for other ingestion routes. */
  ingest: IngestDeps;
  /** Resolves once every accepted request's rows are committed (or failed). */
  drain: () => Promise<void>;
}

/**
 * Wires event ingestion (group-commit writer, experiment lookup, counters) and erasure.
 *
 * @example
 * const events = createEventsFeature({ db, requireSdkKey, requireAdmin, metrics });
 * app.use(events.router);
 * // on shutdown: server.close(); await events.drain();
 */
export function createEventsFeature(deps: EventsFeatureDeps): EventsFeature {
  const writer = new GroupCommitWriter({
    insert: (rows) => insertIngestRows(deps.db, rows),
    // PGlite has a single connection: one transaction at a time.
    concurrency: isPglite(deps.db) ? 1 : (deps.writerConcurrency ?? 4),
    ...(deps.onStoreError ? { onError: deps.onStoreError } : {}),
  });
  const catalog = new ExperimentCatalog({ load: () => loadExposableExperiments(deps.db) });
  const routerDeps = {
    ingest: {
      writer,
      catalog,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    },
    erase: deps.erase,
    requireSdkKey: deps.requireSdkKey,
    requireAdmin: deps.requireAdmin,
  };
  const routes = eventsRoutes(routerDeps);
  const router = createEventsRouter(routerDeps, routes);
  return { router, routes, writer, catalog, ingest: routerDeps.ingest, drain: () => writer.drain() };
}

function isPglite(db: Db): boolean {
  return (db as unknown as { $client?: unknown }).$client instanceof PGlite;
}
