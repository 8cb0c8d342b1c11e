import { Router } from "express";
import type { Db } from "../../db.js";
import { keyParams } from "../../shared/schemas.js";
import { parseInput } from "../../validate.js";
import { type Auth, actorOf } from "../keys/keys.auth.js";
import { createLayerRequest, updateLayerRequest } from "./layers.schemas.js";
import { createLayer, getLayer, listAllLayers, updateLayer } from "./layers.service.js";

/** `/api/v1/layers`: list, create, read, update. Admin only. */
export function createLayersRouter(deps: { db: Db; auth: Auth }): Router {
  const router = Router();
  router.use(deps.auth.requireAdmin);
  router.get("/", async (_req, res) => {
    res.json({ layers: await listAllLayers(deps.db) });
  });
  router.post("/", async (req, res) => {
    const input = parseInput(createLayerRequest, req.body, "body");
    res.status(201).json(await createLayer(deps.db, actorOf(res), input));
  });
  router.get("/:key", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    res.json(await getLayer(deps.db, key));
  });
  router.patch("/:key", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    const patch = parseInput(updateLayerRequest, req.body, "body");
    res.json(await updateLayer(deps.db, actorOf(res), key, patch));
  });
  return router;
}
