import { type Request, type RequestHandler, type Response, Router } from "express";
import { z } from "zod";
import { AppError } from "../../errors.js";
import {
  type AccessGuards,
  defineRoute,
  mountRoutes,
  type RouteDefinition,
  responded,
} from "../../http/route.js";
import { actorOf, DEFAULT_ENVIRONMENT } from "../keys/index.js";
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

/**
 * `GET /api/v1/sdk/config/:clientKey`: the public SDK key in the path, so a browser sends a
 * simple GET (no Authorization header, no CORS preflight) and a CDN can cache the URL by ETag.
 */
const keyFromPath: RequestHandler = (req, _res, next) => {
  const key = req.params.clientKey;
  if (typeof key === "string" && key.length > 0) req.headers.authorization = `Bearer ${key}`;
  next();
};

/** An admin token in a URL would end up in proxy and CDN logs: the path form takes SDK keys only. */
const sdkKeysOnly: RequestHandler = (_req, res, next) => {
  if (actorOf(res).kind !== "sdk") {
    throw new AppError(403, "forbidden", "this endpoint takes an SDK key, not an admin token");
  }
  next();
};

const clientKeyParams = z.object({ clientKey: z.string().min(1).describe("the public SDK key") });

/**
 * `GET /api/v1/sdk/config` (SDK key in the Authorization header) and
 * `GET /api/v1/sdk/config/:clientKey` (SDK key in the path): running experiments, strong ETag,
 * 304 on If-None-Match.
 */
export function sdkConfigRoutes(deps: { cache: SdkConfigCache }): RouteDefinition[] {
  const handler = async (
    _input: unknown,
    { req, res }: { req: Request; res: Response },
  ): Promise<typeof responded> => {
    // An SDK key gets its environment's experiments; an admin token (header form only) production's.
    const config = await deps.cache.get(actorOf(res).environment ?? DEFAULT_ENVIRONMENT);
    res.setHeader("ETag", config.etag);
    res.setHeader("Cache-Control", "no-cache");
    if (ifNoneMatchHits(req.headers["if-none-match"], config.etag)) {
      res.status(304).end();
      return responded;
    }
    res.type("application/json").send(config.body);
    return responded;
  };
  const common = {
    method: "get" as const,
    tag: "SDK",
    access: "sdk" as const,
    success: {
      status: 200 as const,
      description: "the config",
      schema: sdkConfigResponse,
      headers: etagHeader,
    },
    otherResponses: { 304: { description: "not modified (the ETag matched)", headers: etagHeader } },
  };
  return [
    defineRoute({
      ...common,
      path: "/api/v1/sdk/config",
      operationId: "getSdkConfig",
      summary: "Running experiments for the SDK key's environment",
      description:
        "The running experiments enabled in the environment of the SDK key (an admin token gets production's). Answers with a strong ETag (it differs per environment) and `Cache-Control: no-cache`; `If-None-Match` with the current ETag gets 304. CORS allows any origin.",
      errors: [401],
      handler,
    }),
    defineRoute({
      ...common,
      path: "/api/v1/sdk/config/:clientKey",
      operationId: "getSdkConfigByKey",
      summary: "Running experiments for the SDK key's environment, key in the path (cacheable)",
      description:
        "Same body, ETag and 304 as `GET /api/v1/sdk/config`, with the public SDK key in the path instead of the Authorization header: browsers send a simple request (no CORS preflight) and a CDN can cache the URL. Admin tokens are refused (403).",
      request: { params: clientKeyParams },
      before: [keyFromPath],
      after: [sdkKeysOnly],
      errors: [401, 403],
      handler,
    }),
  ];
}

/** The SDK config router: CORS (with preflight) on `/api/v1/sdk/config`, then its routes. */
export function createSdkConfigRouter(routes: readonly RouteDefinition[], guards: AccessGuards): Router {
  const router = Router();
  router.use("/api/v1/sdk/config", cors);
  return mountRoutes(routes, guards, router);
}
