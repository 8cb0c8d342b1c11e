import { type RequestHandler, Router } from "express";
import {
  type AccessGuards,
  defineRoute,
  mountRoutes,
  type RouteDefinition,
  responded,
} from "../../http/route.js";
import { sdkConfigResponse } from "./sdk-config.schemas.js";
import { ifNoneMatchHits, type SdkConfigCache } from "./sdk-config.service.js";

/** Browsers fetch the config cross-origin with an Authorization header. */
const cors: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", "ETag");
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "GET, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Authorization, If-None-Match");
    res.setHeader("Access-Control-Max-Age", "86400");
    res.status(204).end();
    return;
  }
  next();
};

const etagHeader = {
  ETag: { description: "strong ETag of the config", schema: { type: "string" as const } },
};

/** `GET /api/v1/sdk/config` (SDK key): running experiments, strong ETag, 304 on If-None-Match. */
export function sdkConfigRoutes(deps: { cache: SdkConfigCache }): RouteDefinition[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/sdk/config",
      operationId: "getSdkConfig",
      tag: "SDK",
      summary: "Running experiments for the SDK",
      description:
        "Answers with a strong ETag and `Cache-Control: no-cache`; `If-None-Match` with the current ETag gets 304. CORS allows any origin. An admin token is accepted too.",
      access: "sdk",
      success: { status: 200, description: "the config", schema: sdkConfigResponse, headers: etagHeader },
      otherResponses: { 304: { description: "not modified (the ETag matched)", headers: etagHeader } },
      errors: [401],
      handler: async (_input, { req, res }) => {
        const config = await deps.cache.get();
        res.setHeader("ETag", config.etag);
        res.setHeader("Cache-Control", "no-cache");
        if (ifNoneMatchHits(req.headers["if-none-match"], config.etag)) {
          res.status(304).end();
          return responded;
        }
        res.type("application/json").send(config.body);
        return responded;
      },
    }),
  ];
}

/** The SDK config router: CORS (with preflight) on `/api/v1/sdk/config`, then its routes. */
export function createSdkConfigRouter(routes: readonly RouteDefinition[], guards: AccessGuards): Router {
  const router = Router();
  router.use("/api/v1/sdk/config", cors);
  return mountRoutes(routes, guards, router);
}
