import express, { type RequestHandler, Router } from "express";
import { z } from "zod";
import { AppError } from "../../errors.js";
import { defineRoute, mountRoutes, type RouteDefinition } from "../../http/route.js";
import { parseInput } from "../../validate.js";
import { actorOf } from "../keys/index.js";
import {
  type EraseUnitResponse,
  eraseUnitResponseSchema,
  exposureEventSchema,
  ingestResponseSchema,
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_REQUEST,
  MAX_JSON_DEPTH,
  MAX_STRING_LENGTH,
  trackEventSchema,
  unitIdParamsSchema,
} from "./events.schemas.js";
import { type IngestDeps, ingestEvents } from "./events.service.js";

/** Dependencies of {@link createEventsRouter}. */
export interface EventsRouterDeps {
  ingest: IngestDeps;
  /** Erases one unit's data in every feature (use-cases/unit-data.ts `eraseUnit`, wired by the app). */
  erase: (unitId: string, actor: string) => Promise<EraseUnitResponse>;
  /** Accepts a valid key in `Authorization: Bearer <key>` (admin tokens are refused after it), else 401. */
  requireSdkKey: RequestHandler;
  /** Accepts a valid admin token, else 401. */
  requireAdmin: RequestHandler;
}

/** Lets any origin post events from a browser. */
const cors: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.setHeader("Access-Control-Max-Age", "86400");
    res.status(204).end();
    return;
  }
  next();
};

/**
 * `navigator.sendBeacon` cannot set headers, so the SDK key may come as `?key=`;
 * it is moved into the Authorization header the SDK-key check reads.
 */
const keyFromQuery: RequestHandler = (req, _res, next) => {
  const key = req.query.key;
  if (!req.headers.authorization && typeof key === "string" && key.length > 0) {
    req.headers.authorization = `Bearer ${key}`;
  }
  next();
};

/**
 * SDK endpoints take SDK keys only: an admin token (in the header, or in `?key=`, where it
 * would end up in proxy logs and browser history) is refused.
 */
export const sdkKeysOnly: RequestHandler = (_req, res, next) => {
  if (actorOf(res).kind !== "sdk") {
    throw new AppError(403, "forbidden", "this endpoint takes an SDK key, not an admin token");
  }
  next();
};

// Any content type (sendBeacon sends text/plain) is read as text and parsed as JSON here,
// so a bad body gets our own 400/413 and never reaches the database.
const readText = express.text({ type: () => true, limit: MAX_BODY_BYTES });
/**
 * Reads the body of any content type as text (at most 1 MB, else 413) and parses it as JSON
 * (else 400); `shape` is the expected body named in the message for an empty one.
 */
export const jsonBodyParser =
  (shape: string): RequestHandler =>
  (req, res, next) => {
    readText(req, res, (error?: unknown) => {
      if (error) {
        const e = error as { type?: string; status?: number };
        if (e.type === "entity.too.large" || e.status === 413) {
          next(new AppError(413, "payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes (1 MB)`));
        } else next(new AppError(400, "bad_request", "could not read the request body"));
        return;
      }
      const text: unknown = req.body;
      if (typeof text !== "string" || text.length === 0) {
        next(new AppError(400, "bad_request", `body must be JSON: ${shape}`));
        return;
      }
      try {
        req.body = JSON.parse(text);
      } catch {
        next(new AppError(400, "bad_request", "body is not valid JSON"));
        return;
      }
      next();
    });
  };
const parseJsonBody = jsonBodyParser('{ "events": [ ... ] }');

/** How the document shows an attributes/properties object (checked at runtime by events.schemas.ts). */
const jsonObjectDoc = (description: string) =>
  z
    .record(z.string().max(MAX_STRING_LENGTH), z.unknown())
    .optional()
    .describe(
      `${description}; keys and string values at most ${MAX_STRING_LENGTH} characters, at most ${MAX_JSON_DEPTH} levels deep`,
    );

/**
 * The body of `POST /api/v1/events` as documented. The handler validates it differently:
 * the envelope first, then each event on its own (a bad event is rejected by index, the
 * rest are stored), so this schema documents the shape and is never used to parse.
 */
export const ingestRequestDoc = z
  .object({
    events: z
      .array(
        z
          .discriminatedUnion("type", [
            exposureEventSchema
              .extend({ attributes: jsonObjectDoc("the unit's attributes at exposure (breakdowns)") })
              .meta({ id: "ExposureEvent", description: "the SDK showed a variant to a unit" }),
            trackEventSchema
              .extend({ properties: jsonObjectDoc("free properties of the event") })
              .meta({ id: "TrackEvent", description: "a behavioural event of a unit" }),
          ])
          .meta({ id: "IngestEvent" }),
      )
      .max(MAX_EVENTS_PER_REQUEST),
  })
  .meta({ id: "IngestRequest" });

/** Answer of `POST /api/v1/events` (named for the document). */
export const ingestResponseDoc = ingestResponseSchema.meta({ id: "IngestResponse" });

/** Answer of `DELETE /api/v1/units/:unitId` (named for the document). */
export const erasedUnitDoc = eraseUnitResponseSchema.meta({ id: "ErasedUnit" });

/**
 * `POST /api/v1/events` (SDK key; sendBeacon with `?key=`) and
 * `DELETE /api/v1/units/:unitId` (admin).
 */
export function eventsRoutes(deps: Pick<EventsRouterDeps, "ingest" | "erase">): RouteDefinition[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/events",
      operationId: "ingestEvents",
      tag: "Events",
      summary: "Ingest exposures and track events",
      description:
        "At most 1000 events and 1 MB per request. Each event is checked on its own: a bad one is listed in `rejected` with its index and the rest are stored. Answered after the commit; ids make retries idempotent (`duplicates`). `navigator.sendBeacon` may send `text/plain` with the SDK key as `?key=`. CORS allows any origin. SDK keys only: an admin token gets 403. Rows are stored under the SDK key's environment (results report one environment at a time).",
      access: "sdk",
      before: [keyFromQuery],
      // An admin token passes requireSdkKey but is refused here (SDK endpoints take SDK keys only).
      after: [sdkKeysOnly, parseJsonBody],
      documentedOnly: { body: ingestRequestDoc, bodyContentTypes: ["application/json", "text/plain"] },
      success: { status: 200, description: "stored (after commit)", schema: ingestResponseDoc },
      errors: [400, 401, 403, 413, 503],
      handler: (_input, { req, res }) => ingestEvents(deps.ingest, req.body, { actor: actorOf(res) }),
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/units/:unitId",
      operationId: "eraseUnit",
      tag: "Privacy",
      summary: "Erase every exposure and event of one unit",
      description: "For privacy requests; recorded in the audit log.",
      access: "admin",
      documentedOnly: { params: unitIdParamsSchema },
      success: { status: 200, description: "what was erased", schema: erasedUnitDoc },
      errors: [400, 401, 403],
      handler: async (_input, { req, res }) => {
        const { unitId } = parseInput(unitIdParamsSchema, req.params, "params");
        return deps.erase(unitId, actorOf(res).label);
      },
    }),
  ];
}

/** The events router (CORS on `/api/v1/events`, then {@link eventsRoutes}). Mount at the app root. */
export function createEventsRouter(deps: EventsRouterDeps, routes = eventsRoutes(deps)): Router {
  const router = Router();
  router.use("/api/v1/events", cors);
  return mountRoutes(routes, deps, router);
}
