import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import { type Logger, pino } from "pino";
import { pinoHttp } from "pino-http";
import { checkDatabaseHealth, type Db } from "./db.js";
import { AppError, errorHandler } from "./errors.js";
import { auditRoutes } from "./features/audit/audit.routes.js";
import { createEventsFeature } from "./features/events/events.feature.js";
import { experimentsRoutes } from "./features/experiments/experiments.routes.js";
import { listExperimentsInLayer } from "./features/experiments/index.js";
import { createSegmentIntegration } from "./features/integrations/segment.routes.js";
import { type Auth, createAuth } from "./features/keys/keys.auth.js";
import { keysRoutes } from "./features/keys/keys.routes.js";
import { layersRoutes } from "./features/layers/layers.routes.js";
import { metricsRoutes } from "./features/metrics/metrics.routes.js";
import { ResultsRefresher } from "./features/results/results.refresher.js";
import { resultsRoutes } from "./features/results/results.routes.js";
import { createSdkConfigRouter, sdkConfigRoutes } from "./features/sdk-config/sdk-config.routes.js";
import { SdkConfigCache } from "./features/sdk-config/sdk-config.service.js";
import { createApiDocsRouter } from "./http/api-docs.js";
import { checkResponses } from "./http/contract-check.js";
import { errorResponse } from "./http/error.schema.js";
import { mountRoutes } from "./http/route.js";
import { createRateLimits, NO_RATE_LIMITS, type RateLimitSettings, requestDeadline } from "./limits.js";
import { type AppMetrics, createMetrics, requestMetrics } from "./observability.js";
import { buildOpenApiDocument } from "./openapi.js";
import { CONTENT_SECURITY_POLICY, DEFAULT_CLIENT_DIST, serveClient } from "./static-client.js";
import { eraseUnit } from "./use-cases/unit-data.js";

/** What the app is built from; tests pass their own. */
export interface AppDeps {
  db: Db;
  /** ADMIN_TOKEN: accepted as an admin token besides stored ones. */
  adminToken?: string | undefined;
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Defaults to a fresh registry. */
  metrics?: AppMetrics;
  /** Built UI folder; null serves the placeholder page. Default: client/dist. */
  clientDist?: string | null;
  /** Rate limits; absent ones are off (the server process passes the configured ones). */
  rateLimits?: Partial<RateLimitSettings>;
  /** /healthz: the database check must answer within this (default 2000 ms). */
  healthTimeoutMs?: number;
  /** Unanswered requests get 503 + Retry-After after this (default 5000 ms; 0: off). */
  requestTimeoutMs?: number;
  /** Key cache settings and whether it may be used now (see `AuthOptions`). */
  authCache?: { ttlMs?: number; negativeMs?: number; trusted?: () => boolean };
  /** Express "trust proxy" value (client IPs for rate limits). */
  trustProxy?: string | undefined;
  /**
   * Tests: check every API answer against its route's declared statuses and response schemas
   * (a success body that breaks the contract becomes a 500); violations are collected in
   * {@link AppInstance.contractViolations}.
   */
  checkContract?: boolean;
}

/** Paths of the API and health check (rate limits and the request deadline apply to them). */
function isApiPath(path: string): boolean {
  return path.startsWith("/api/") || path === "/healthz";
}

/** The express app plus what the process around it needs. */
export interface AppInstance {
  app: Express;
  auth: Auth;
  metrics: AppMetrics;
  /** The SDK config cache (invalidated on experiment changes). */
  sdkConfig: SdkConfigCache;
  /** The results refresh worker: the server calls `start()` after listening and `stop()` on shutdown. */
  refresher: ResultsRefresher;
  /** With `checkContract`: every answer that broke the API contract, in words. */
  contractViolations: string[];
  /** Waits for in-flight background work (event ingestion) to finish; call before closing the db. */
  drain: () => Promise<void>;
}

/** What an incoming X-Request-Id may look like to be reused (a proxy's id, a UUID). */
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request's id: the caller's `X-Request-Id` when it is a plausible id, else a new UUID.
 * Echoed in the response's `X-Request-Id` and logged as `req.id`, so one id follows a request
 * from the load balancer through the app log.
 */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-Id", id);
  return id;
}

/**
 * Builds the HTTP app: helmet, pino-http logs, Prometheus metrics, JSON bodies (1 MB),
 * the management API (admin token), the SDK endpoints (SDK key), /healthz, /metrics,
 * /api/openapi.json and the UI (or a placeholder page).
 */
export function createApp(deps: AppDeps): AppInstance {
  const logger = deps.logger ?? pino({ level: "silent" });
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: false });
  const limits = createRateLimits({ ...NO_RATE_LIMITS, ...deps.rateLimits });
  const auth = createAuth({
    db: deps.db,
    adminToken: deps.adminToken,
    limits,
    ...(deps.authCache?.ttlMs === undefined ? {} : { cacheTtlMs: deps.authCache.ttlMs }),
    ...(deps.authCache?.negativeMs === undefined ? {} : { negativeCacheMs: deps.authCache.negativeMs }),
    ...(deps.authCache?.trusted ? { cacheTrusted: deps.authCache.trusted } : {}),
  });
  const healthTimeoutMs = deps.healthTimeoutMs ?? 2000;
  const app = express();
  app.disable("x-powered-by");
  if (deps.trustProxy !== undefined) {
    const n = Number(deps.trustProxy);
    app.set("trust proxy", Number.isInteger(n) ? n : deps.trustProxy);
  }
  app.set("etag", false);
  // helmet's default CSP has upgrade-insecure-requests, which blanks the UI over plain HTTP
  // under a non-localhost host name; the app's own policy replaces it.
  app.use(helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
  app.use(
    pinoHttp({
      logger,
      genReqId: requestId,
      // Health probes every few seconds would drown the log at info.
      customLogLevel: (req, res, error) =>
        error || res.statusCode >= 500 ? "error" : req.url === "/healthz" ? "debug" : "info",
      // Never log headers (Authorization) or query strings (sendBeacon's ?key=).
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split("?")[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(requestMetrics(metrics));
  // During an outage every request answers within a few seconds; long reports are exempt.
  app.use(
    requestDeadline(
      deps.requestTimeoutMs ?? 5000,
      (req) => !isApiPath(req.path) || /\/results$/.test(req.path),
    ),
  );
  // Not mounted at a path: express would rewrite req.url while the async limiter runs.
  app.use((req, res, next) => (isApiPath(req.path) ? limits.perIp(req, res, next) : next()));

  app.get("/healthz", async (_req, res) => {
    try {
      await checkDatabaseHealth(deps.db, healthTimeoutMs);
      res.json({ status: "ok" });
    } catch {
      res.setHeader("Retry-After", "2");
      res.status(503).json({ status: "unavailable", error: "database unreachable, stalled or locked" });
    }
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const json = express.json({ limit: "1mb" });
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.headers["content-length"] !== "0" && req.headers["content-length"] !== undefined;
    if ((req.method === "POST" || req.method === "PATCH") && hasBody && !req.is("application/json")) {
      next(new AppError(415, "unsupported_media_type", "request body must be application/json"));
      return;
    }
    next();
  };
  const sdkConfig = new SdkConfigCache({ db: deps.db });
  const events = createEventsFeature({
    db: deps.db,
    requireSdkKey: auth.requireSdkKey,
    requireAdmin: auth.requireAdmin,
    metrics,
    onStoreError: (error) => logger.error({ err: error }, "event batch could not be stored"),
    erase: (unitId, actor) => eraseUnit({ db }, unitId, actor),
  });
  const segment = createSegmentIntegration({
    ingest: events.ingest,
    registry: metrics.registry,
    requireSdkKeyOrBasic: auth.requireSdkKeyOrBasic,
    requireAdmin: auth.requireAdmin,
  });
  const onExperimentsChanged = () => {
    sdkConfig.invalidate();
    events.catalog.invalidate();
  };

  const db = deps.db;
  // Every API operation is a route definition: express mounts it and the OpenAPI document
  // describes it, from the same object.
  const refresher = new ResultsRefresher({
    db,
    registry: metrics.registry,
    onError: (error, experiment) => logger.error({ err: error, experiment }, "results refresh failed"),
  });
  const managementRoutes = [
    ...experimentsRoutes({ db, onChange: onExperimentsChanged }),
    ...resultsRoutes({ db, refresher }),
    ...metricsRoutes({ db }),
    ...layersRoutes({ db, members: listExperimentsInLayer }),
    ...keysRoutes({ db, auth }),
    ...auditRoutes({ db }),
  ];
  const sdkRoutes = sdkConfigRoutes({ cache: sdkConfig });
  const openApi = buildOpenApiDocument([
    ...managementRoutes,
    ...sdkRoutes,
    ...events.routes,
    ...segment.routes,
  ]);
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openApi);
  });
  app.use(createApiDocsRouter());
  const contractViolations: string[] = [];
  if (deps.checkContract) {
    app.use(
      checkResponses(
        [...managementRoutes, ...sdkRoutes, ...events.routes, ...segment.routes],
        errorResponse,
        (v) => contractViolations.push(v),
      ),
    );
  }
  app.use(["/api/v1/experiments", "/api/v1/metrics", "/api/v1/layers", "/api/v1/keys"], requireJson, json);
  app.use(mountRoutes(managementRoutes, auth));
  app.use(createSdkConfigRouter(sdkRoutes, auth));
  // Ingestion parses its own bodies (JSON or sendBeacon text/plain, 1 MB, 1000 events).
  app.use(events.router);
  app.use(segment.router);

  app.use("/api", (req, _res, next) => {
    next(new AppError(404, "not_found", `no route ${req.method} ${req.originalUrl}`));
  });
  app.use(serveClient(deps.clientDist === undefined ? DEFAULT_CLIENT_DIST : deps.clientDist));
  app.use(errorHandler);
  return { app, auth, metrics, sdkConfig, refresher, contractViolations, drain: () => events.drain() };
}
