import { defineRoute, type RouteDefinition } from "../../http/route.js";
import { keyParams } from "../../shared/schemas.js";
import { actorOf } from "../keys/index.js";
import {
  createExperimentRequest,
  experimentListResponse,
  experimentResponse,
  listExperimentsQuery,
  startExperimentRequest,
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

const tag = "Experiments";
const base = "/api/v1/experiments";

/** `/api/v1/experiments`: list, create, read, update, start, stop, archive. Admin only. */
export function experimentsRoutes(deps: ExperimentsDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "get",
      path: base,
      operationId: "listExperiments",
      tag,
      summary: "List experiments",
      description: "Every experiment, optionally only those with one status.",
      access: "admin",
      request: { query: listExperimentsQuery },
      success: { status: 200, description: "the experiments", schema: experimentListResponse },
      errors: [400, 401, 403],
      handler: async ({ query }) => ({ experiments: await listAllExperiments(deps, query.status) }),
    }),
    defineRoute({
      method: "post",
      path: base,
      operationId: "createExperiment",
      tag,
      summary: "Create a draft experiment",
      access: "admin",
      request: { body: createExperimentRequest },
      success: { status: 201, description: "the created draft", schema: experimentResponse },
      errors: [400, 401, 403, 409, 415],
      handler: ({ body }, { res }) => createExperiment(deps, actorOf(res), body),
    }),
    defineRoute({
      method: "get",
      path: `${base}/:key`,
      operationId: "getExperiment",
      tag,
      summary: "Read an experiment",
      access: "admin",
      request: { params: keyParams },
      success: { status: 200, description: "the experiment", schema: experimentResponse },
      errors: [400, 401, 403, 404],
      handler: ({ params }) => getExperiment(deps, params.key),
    }),
    defineRoute({
      method: "patch",
      path: `${base}/:key`,
      operationId: "updateExperiment",
      tag,
      summary: "Update an experiment",
      description:
        "Drafts accept every field; running experiments only name, hypothesis, coverage (up), condition, forced, metrics and analysis (409 otherwise, with the reason).",
      access: "admin",
      request: { params: keyParams, body: updateExperimentRequest },
      success: { status: 200, description: "the updated experiment", schema: experimentResponse },
      errors: [400, 401, 403, 404, 409, 415],
      handler: ({ params, body }, { res }) => updateExperiment(deps, actorOf(res), params.key, body),
    }),
    defineRoute({
      method: "post",
      path: `${base}/:key/start`,
      operationId: "startExperiment",
      tag,
      summary: "Start a draft experiment",
      description:
        "409 unless the experiment is a draft, or when its layer slice is taken. An optional `startedAt` (at most 90 days ago) backdates the start.",
      access: "admin",
      request: { params: keyParams, body: startExperimentRequest },
      success: { status: 200, description: "the running experiment", schema: experimentResponse },
      errors: [400, 401, 403, 404, 409],
      handler: ({ params, body }, { res }) => startExperiment(deps, actorOf(res), params.key, body),
    }),
    defineRoute({
      method: "post",
      path: `${base}/:key/stop`,
      operationId: "stopExperiment",
      tag,
      summary: "Stop a running experiment with a decision",
      description: "Records the decision (ship a variant, roll back, inconclusive) and a note.",
      access: "admin",
      request: { params: keyParams, body: stopExperimentRequest },
      success: { status: 200, description: "the stopped experiment", schema: experimentResponse },
      errors: [400, 401, 403, 404, 409, 415],
      handler: ({ params, body }, { res }) => stopExperiment(deps, actorOf(res), params.key, body),
    }),
    defineRoute({
      method: "post",
      path: `${base}/:key/archive`,
      operationId: "archiveExperiment",
      tag,
      summary: "Archive a draft or stopped experiment",
      access: "admin",
      request: { params: keyParams },
      success: { status: 200, description: "the archived experiment", schema: experimentResponse },
      errors: [400, 401, 403, 404, 409],
      handler: ({ params }, { res }) => archiveExperiment(deps, actorOf(res), params.key),
    }),
  ];
}
