import type { RequestHandler, Router } from "express";
import { Counter, type Registry } from "prom-client";
import { defineRoute, mountRoutes, type RouteDefinition } from "../../http/route.js";
import type { IngestDeps } from "../events/index.js";
import { jsonBodyParser, sdkKeysOnly } from "../events/index.js";
import { actorOf } from "../keys/index.js";
import {
  segmentBatchRequestDoc,
  segmentIngestResponseSchema,
  segmentRequestDoc,
  segmentTrackCallDoc,
} from "./segment.schemas.js";
import { ingestSegment, type SegmentDeps, type SegmentEndpoint } from "./segment.service.js";

/** Base path of the Segment-compatible endpoints. */
export const SEGMENT_PATH = "/api/v1/integrations/segment";

/** Dependencies of {@link createSegmentIntegration}. */
export interface SegmentIntegrationDeps {
  /** The events feature's ingestion deps (`EventsFeature.ingest`). */
  ingest: IngestDeps;
  /** Where `segment_calls_ignored_total` is registered. */
  registry?: Registry;
  /** The SDK-key check that also reads HTTP basic auth (`Auth.requireSdkKeyOrBasic`). */
  requireSdkKeyOrBasic: RequestHandler;
  requireAdmin: RequestHandler;
  now?: () => number;
}

/** The mounted Segment endpoints and their definitions (for the OpenAPI document). */
export interface SegmentIntegration {
  router: Router;
  routes: RouteDefinition[];
}

const AUTH_TEXT =
  'Auth: the SDK key as HTTP basic auth user name with an empty password (`Authorization: Basic base64(key + ":")`, as Segment sends its write key), or `Authorization: Bearer <key>`; an admin token gets 403.';
const LIMITS_TEXT =
  "Same checks, limits (1 MB, 1000 calls) and idempotency as `POST /api/v1/events`, answered after the commit. Mapping: docs/integrations.md.";

/** `segment_calls_ignored_total{type}` on `registry` (the one already there when the app is built twice). */
function ignoredCallsCounter(registry: Registry): Counter<"type"> {
  const name = "segment_calls_ignored_total";
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<"type">;
  return new Counter({
    name,
    help: "Segment calls accepted and not stored (identify, page, screen, group, alias), by type",
    labelNames: ["type"],
    registers: [registry],
  });
}

/** The three Segment-compatible routes. */
export function segmentRoutes(deps: SegmentDeps): RouteDefinition[] {
  const route = (
    endpoint: SegmentEndpoint,
    spec: {
      path: string;
      operationId: string;
      summary: string;
      description: string;
      body: typeof segmentRequestDoc | typeof segmentBatchRequestDoc | typeof segmentTrackCallDoc;
    },
  ) =>
    defineRoute({
      method: "post",
      path: spec.path,
      operationId: spec.operationId,
      tag: "Integrations",
      summary: spec.summary,
      description: `${spec.description} ${LIMITS_TEXT} ${AUTH_TEXT}`,
      access: "sdk",
      basicAuth: true,
      // An admin token passes the SDK-key check but is refused here, as on /api/v1/events.
      after: [
        sdkKeysOnly,
        jsonBodyParser(
          endpoint === "track" ? "a Segment track call" : 'a Segment call or { "batch": [ ... ] }',
        ),
      ],
      documentedOnly: { body: spec.body },
      success: { status: 200, description: "stored (after commit)", schema: segmentIngestResponseSchema },
      errors: [400, 401, 403, 413, 503],
      // Called the way events.routes.ts calls ingestEvents (the key's context travels the same way).
      handler: (_input, { req, res }) => ingestSegment(deps, req.body, endpoint, { actor: actorOf(res) }),
    });
  return [
    route("call", {
      path: SEGMENT_PATH,
      operationId: "ingestSegment",
      summary: "Ingest one Segment call or a Segment batch (webhook destinations)",
      description:
        "For Segment's Webhooks (Actions) and RudderStack's Webhook destination: one call per request, `{ batch: [ ... ] }`, or a JSON array of calls (Segment's batching). Track calls become track events; identify, page, screen, group and alias calls are counted in `ignored`. A bad single call is a 400 naming the field; in a batch a bad call is listed in `rejected` and the rest are stored.",
      body: segmentRequestDoc,
    }),
    route("track", {
      path: `${SEGMENT_PATH}/track`,
      operationId: "ingestSegmentTrack",
      summary: "Ingest one Segment track call (like Segment's /v1/track)",
      description:
        "`type` may be omitted; a call of another type is a 400. A bad call is a 400 naming the field.",
      body: segmentTrackCallDoc,
    }),
    route("batch", {
      path: `${SEGMENT_PATH}/batch`,
      operationId: "ingestSegmentBatch",
      summary: "Ingest a Segment batch (like Segment's /v1/batch)",
      description:
        "`{ batch: [ ... ] }` (optionally with a `sentAt` for calls without one) or a JSON array of calls. A bad call is listed in `rejected` with its index (`batch[2].userId: ...`) and the rest are stored, as `/api/v1/events` does.",
      body: segmentBatchRequestDoc,
    }),
  ];
}

/**
 * Wires the Segment endpoints over the events feature's ingestion.
 *
 * @example
 * const segment = createSegmentIntegration({ ingest: events.ingest, registry: metrics.registry,
 *   requireSdkKeyOrBasic: auth.requireSdkKeyOrBasic, requireAdmin: auth.requireAdmin });
 * app.use(segment.router);
 */
export function createSegmentIntegration(deps: SegmentIntegrationDeps): SegmentIntegration {
  const routes = segmentRoutes({
    ingest: deps.ingest,
    ...(deps.registry ? { ignoredCalls: ignoredCallsCounter(deps.registry) } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const router = mountRoutes(routes, {
    requireAdmin: deps.requireAdmin,
    requireSdkKey: deps.requireSdkKeyOrBasic,
  });
  return { router, routes };
}
