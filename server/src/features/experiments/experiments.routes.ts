import { Router } from "express";
import { keyParams } from "../../shared/schemas.js";
import { parseInput } from "../../validate.js";
import { type Auth, actorOf } from "../keys/keys.auth.js";
import {
  createExperimentRequest,
  listExperimentsQuery,
  stopExperimentRequest,
  updateExperimentRequest,
} from "./experiments.schemas.js";
import {
  archiveExperiment,
  createExperiment,
  type ExperimentsDeps,
  getExperiment,
  listAllExperiments,
  startExperiment,
  stopExperiment,
  updateExperiment,
} from "./experiments.service.js";

/** `/api/v1/experiments`: list, create, read, update, start, stop, archive. Admin only. */
export function createExperimentsRouter(deps: ExperimentsDeps & { auth: Auth }): Router {
  const router = Router();
  router.use(deps.auth.requireAdmin);
  router.get("/", async (req, res) => {
    const { status } = parseInput(listExperimentsQuery, req.query, "query");
    res.json({ experiments: await listAllExperiments(deps, status) });
  });
  router.post("/", async (req, res) => {
    const input = parseInput(createExperimentRequest, req.body, "body");
    res.status(201).json(await createExperiment(deps, actorOf(res), input));
  });
  router.get("/:key", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    res.json(await getExperiment(deps, key));
  });
  router.patch("/:key", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    const patch = parseInput(updateExperimentRequest, req.body, "body");
    res.json(await updateExperiment(deps, actorOf(res), key, patch));
  });
  router.post("/:key/start", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    res.json(await startExperiment(deps, actorOf(res), key));
  });
  router.post("/:key/stop", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    const input = parseInput(stopExperimentRequest, req.body, "body");
    res.json(await stopExperiment(deps, actorOf(res), key, input));
  });
  router.post("/:key/archive", async (req, res) => {
    const { key } = parseInput(keyParams, req.params, "params");
    res.json(await archiveExperiment(deps, actorOf(res), key));
  });
  return router;
}
