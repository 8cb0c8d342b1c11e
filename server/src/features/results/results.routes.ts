import { Router } from "express";
import { keyParams } from "../../shared/schemas.js";
import { parseInput } from "../../validate.js";
import type { Auth } from "../keys/keys.auth.js";
import { resultsQuery } from "./results.schemas.js";
import { computeResults, type ResultsDeps } from "./results.service.js";

/** `GET /api/v1/experiments/:key/results` (admin): the results report. Mount at `/api/v1/experiments`. */
export function createResultsRouter(deps: ResultsDeps & { auth: Auth }): Router {
  const router = Router();
  router.get("/:key/results", deps.auth.requireAdmin, async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    const query = parseInput(resultsQuery, req.query, "query");
    res.json(await computeResults(deps, key, query));
  });
  return router;
}
