import { Router } from "express";
import type { Db } from "../../db.js";
import { parseInput } from "../../validate.js";
import { type Auth, actorOf } from "./keys.auth.js";
import { createKeyRequest, keyIdParams } from "./keys.schemas.js";
import { createKey, listAllKeys, revokeKeyById } from "./keys.service.js";

/** `/api/v1/keys`: create (token shown once), list, revoke. Admin only. */
export function createKeysRouter(deps: { db: Db; auth: Auth }): Router {
  const router = Router();
  router.use(deps.auth.requireAdmin);
  router.get("/", async (_req, res) => {
    res.json({ keys: await listAllKeys(deps.db) });
  });
  router.post("/", async (req, res) => {
    const input = parseInput(createKeyRequest, req.body, "body");
    res.status(201).json(await createKey(deps.db, actorOf(res), input));
  });
  router.post("/:id/revoke", async (req, res) => {
    const { id } = parseInput(keyIdParams, req.params, "params");
    const key = await revokeKeyById(deps.db, actorOf(res), id);
    deps.auth.invalidate();
    res.json(key);
  });
  router.delete("/:id", async (req, res) => {
    const { id } = parseInput(keyIdParams, req.params, "params");
    const key = await revokeKeyById(deps.db, actorOf(res), id);
    deps.auth.invalidate();
    res.json(key);
  });
  return router;
}
