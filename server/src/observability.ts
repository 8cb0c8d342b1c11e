import type { RequestHandler } from "express";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Prometheus registry and the counters every part of the server increments. */
export interface AppMetrics {
  registry: Registry;
  /** HTTP requests by method, route and status. */
  httpRequests: Counter<"method" | "route" | "status">;
  /** HTTP latency in seconds by method, route and status. */
  httpDuration: Histogram<"method" | "route" | "status">;
  /** Events stored by ingestion, by type (exposure | track). */
  eventsIngested: Counter<"type">;
  /** Events rejected by ingestion, by reason class. */
  eventsRejected: Counter<"reason">;
  /** Events that were duplicates of stored ids. */
  eventsDuplicate: Counter<"type">;
}

/**
 * Creates a fresh registry (one per app, so tests do not share counters) with default
 * process metrics, HTTP request counters/latency and ingestion counters.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    eventsIngested: new Counter({
      name: "events_ingested_total",
      help: "Events stored by POST /api/v1/events",
      labelNames: ["type"],
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: "events_rejected_total",
      help: "Events rejected by POST /api/v1/events",
      labelNames: ["reason"],
      registers: [registry],
    }),
    eventsDuplicate: new Counter({
      name: "events_duplicate_total",
      help: "Events whose id was already stored",
      labelNames: ["type"],
      registers: [registry],
    }),
  };
}

/** Records count and latency of each request, labelled by the matched route pattern. */
export function requestMetrics(metrics: AppMetrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const labels = { method: req.method, route: routeLabel(req, res), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}

/** Set by the UI handler so its files and pages count under one label, not as `unmatched`. */
export const STATIC_ROUTE_LABEL = "static";

/**
 * The route pattern a request matched (`/api/v1/experiments/:key`), without the trailing
 * slash a router mounted at a prefix adds (`/api/v1/experiments/` -> `/api/v1/experiments`),
 * so one endpoint has one label; UI files and pages are `static`; anything else `unmatched`.
 */
export function routeLabel(
  req: { route?: unknown; baseUrl: string },
  res: { locals: Record<string, unknown> },
): string {
  if (res.locals.metricsRoute === STATIC_ROUTE_LABEL) return STATIC_ROUTE_LABEL;
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  const pattern = typeof routePath === "string" ? `${req.baseUrl}${routePath}` : req.baseUrl;
  if (!pattern) return "unmatched";
  return pattern.length > 1 && pattern.endsWith("/") ? pattern.slice(0, -1) : pattern;
}
