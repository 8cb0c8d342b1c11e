import { type RequestHandler, Router } from "express";
import type { Auth } from "../keys/keys.auth.js";
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

/** `GET /api/v1/sdk/config` (SDK key): running experiments, strong ETag, 304 on If-None-Match. */
export function createSdkConfigRouter(deps: { auth: Auth; cache: SdkConfigCache }): Router {
  const router = Router();
  router.use("/config", cors);
  router.get("/config", deps.auth.requireSdkKey, async (req, res) => {
    const config = await deps.cache.get();
    res.setHeader("ETag", config.etag);
    res.setHeader("Cache-Control", "no-cache");
    if (ifNoneMatchHits(req.headers["if-none-match"], config.etag)) {
      res.status(304).end();
      return;
    }
    res.type("application/json").send(config.body);
  });
  return router;
}
