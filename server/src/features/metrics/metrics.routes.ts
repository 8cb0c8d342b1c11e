import { Router } from "express";
import type { Db } from "../../db.js";
import { keyParams } from "../../shared/schemas.js";
import { parseInput } from "../../validate.js";
import { type Auth, actorOf } from "../keys/keys.auth.js";
import { createMetricRequest, updateMetricRequest } from "./metrics.schemas.js";
import { createMetric, getMetric, listAllMetrics, updateMetric } from "./metrics.service.js";

/** `/api/v1/metrics`: list, create, read, update. Admin only. */
export function createMetricsRouter(deps: { db: Db; auth: Auth }): Router {
  const router = Router();
  router.use(deps.auth.requireAdmin);
  router.get("/", async (_req, res) => {
    res.json({ metrics: await listAllMetrics(deps.db) });
  });
  router.post("/", async (req, res) => {
    const input = parseInput(createMetricRequest, req.body, "body");
    res.status(201).json(await createMetric(deps.db, actorOf(res), input));
  });
  router.get("/:key", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    res.json(await getMetric(deps.db, key));
  });
  router.patch("/:key", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    const patch = parseInput(updateMetricRequest, req.body, "body");
    res.json(await updateMetric(deps.db, actorOf(res), key, patch));
  });
  return router;
}
