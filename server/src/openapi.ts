import { OpenAPIRegistry, OpenApiGeneratorV3, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { auditEntryResponse, auditQuery } from "./features/audit/audit.schemas.js";
import { ingestEnvelopeSchema, ingestResponseSchema } from "./features/events/events.schemas.js";
import {
  createExperimentRequest,
  experimentResponse,
  stopExperimentRequest,
  updateExperimentRequest,
} from "./features/experiments/experiments.schemas.js";
import {
  createdKeyResponse,
  createKeyRequest,
  keyIdParams,
  keyResponse,
} from "./features/keys/keys.schemas.js";
import { createLayerRequest, layerResponse, updateLayerRequest } from "./features/layers/layers.schemas.js";
import {
  createMetricRequest,
  metricResponse,
  updateMetricRequest,
} from "./features/metrics/metrics.schemas.js";
import { resultsQuery } from "./features/results/results.schemas.js";
import { sdkConfigResponse } from "./features/sdk-config/sdk-config.schemas.js";
import { keyParams } from "./shared/schemas.js";

const errorResponse = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: "Error" });

type Responses = RouteConfig["responses"];

function json(description: string, schema: z.ZodType): Responses[string] {
  return { description, content: { "application/json": { schema } } };
}

const errors = (...codes: number[]): Responses =>
  Object.fromEntries(codes.map((c) => [String(c), json(`error ${c}`, errorResponse)]));

/** A route registration: a path in OpenAPI form (`/api/v1/x/{key}`) with zod schemas. */
export type RouteDoc = RouteConfig;

const routes: RouteDoc[] = [];

/** Adds route descriptions to the generated document (features call this at import time). */
export function documentRoutes(...docs: RouteDoc[]): void {
  routes.push(...docs);
}

/** Body helper for route docs. */
export function jsonBody(schema: z.ZodType): NonNullable<RouteConfig["request"]>["body"] {
  return { content: { "application/json": { schema } }, required: true };
}

/** Response helpers for route docs. */
export const doc = { json, errors };

const admin = [{ bearer: [] }];
const sdk = [{ bearer: [] }];
const unitIdParams = z.object({ unitId: z.string().min(1).max(256) });

/** Collection + item routes of an admin resource (list, create, get, patch). */
function crud(
  base: string,
  name: string,
  schemas: { create: z.ZodType; update: z.ZodType; item: z.ZodType },
) {
  const listKey = `${name}s`;
  return [
    {
      method: "get",
      path: base,
      summary: `List ${listKey}`,
      security: admin,
      responses: {
        "200": json(listKey, z.object({ [listKey]: z.array(schemas.item) })),
        ...errors(401, 403),
      },
    },
    {
      method: "post",
      path: base,
      summary: `Create a ${name}`,
      security: admin,
      request: { body: jsonBody(schemas.create) },
      responses: { "201": json("created", schemas.item), ...errors(400, 401, 403, 409) },
    },
    {
      method: "get",
      path: `${base}/{key}`,
      summary: `Read a ${name}`,
      security: admin,
      request: { params: keyParams },
      responses: { "200": json(name, schemas.item), ...errors(400, 401, 403, 404) },
    },
    {
      method: "patch",
      path: `${base}/{key}`,
      summary: `Update a ${name}`,
      security: admin,
      request: { params: keyParams, body: jsonBody(schemas.update) },
      responses: { "200": json("updated", schemas.item), ...errors(400, 401, 403, 404, 409) },
    },
  ] satisfies RouteDoc[];
}

documentRoutes(
  ...crud("/api/v1/experiments", "experiment", {
    create: createExperimentRequest,
    update: updateExperimentRequest,
    item: experimentResponse,
  }),
  ...crud("/api/v1/metrics", "metric", {
    create: createMetricRequest,
    update: updateMetricRequest,
    item: metricResponse,
  }),
  ...crud("/api/v1/layers", "layer", {
    create: createLayerRequest,
    update: updateLayerRequest,
    item: layerResponse,
  }),
  {
    method: "post",
    path: "/api/v1/experiments/{key}/start",
    summary: "Start a draft experiment (409 unless draft, or when its layer slice is taken)",
    security: admin,
    request: { params: keyParams },
    responses: { "200": json("started", experimentResponse), ...errors(401, 403, 404, 409) },
  },
  {
    method: "post",
    path: "/api/v1/experiments/{key}/stop",
    summary: "Stop a running experiment with a decision (ship a variant, roll back, inconclusive) and a note",
    security: admin,
    request: { params: keyParams, body: jsonBody(stopExperimentRequest) },
    responses: { "200": json("stopped", experimentResponse), ...errors(400, 401, 403, 404, 409) },
  },
  {
    method: "post",
    path: "/api/v1/experiments/{key}/archive",
    summary: "Archive a draft or stopped experiment",
    security: admin,
    request: { params: keyParams },
    responses: { "200": json("archived", experimentResponse), ...errors(401, 403, 404, 409) },
  },
  {
    method: "get",
    path: "/api/v1/experiments/{key}/results",
    summary:
      "Significance report: SRM, per-metric lifts with confidence intervals, p-values, sequential results, decision, power (docs/results.md)",
    security: admin,
    request: { params: keyParams, query: resultsQuery },
    responses: {
      "200": json("the report", z.object({}).passthrough().meta({ id: "ResultsReport" })),
      ...errors(400, 401, 403, 404),
    },
  },
  {
    method: "get",
    path: "/api/v1/sdk/config",
    summary: "Running experiments for the SDK (SDK key); strong ETag, 304 on If-None-Match",
    security: sdk,
    responses: {
      "200": json("config", sdkConfigResponse),
      "304": { description: "not modified" },
      ...errors(401),
    },
  },
  {
    method: "post",
    path: "/api/v1/events",
    summary: "Ingest exposures and track events (SDK key); answered after commit",
    security: sdk,
    request: { body: jsonBody(ingestEnvelopeSchema) },
    responses: { "200": json("stored", ingestResponseSchema), ...errors(400, 401, 413) },
  },
  {
    method: "delete",
    path: "/api/v1/units/{unitId}",
    summary: "Erase every exposure and event of one unit (privacy request)",
    security: admin,
    request: { params: unitIdParams },
    responses: { "200": { description: "erased" }, ...errors(401, 403) },
  },
  {
    method: "get",
    path: "/api/v1/keys",
    summary: "List API keys (never the tokens)",
    security: [{ bearer: [] }],
    responses: { "200": json("keys", z.object({ keys: z.array(keyResponse) })), ...errors(401, 403) },
  },
  {
    method: "post",
    path: "/api/v1/keys",
    summary: "Create an SDK key (per environment) or an admin token; the token is shown once",
    security: [{ bearer: [] }],
    request: { body: jsonBody(createKeyRequest) },
    responses: { "201": json("created", createdKeyResponse), ...errors(400, 401, 403) },
  },
  {
    method: "post",
    path: "/api/v1/keys/{id}/revoke",
    summary: "Revoke a key (also DELETE /api/v1/keys/{id})",
    security: [{ bearer: [] }],
    request: { params: keyIdParams },
    responses: { "200": json("revoked", keyResponse), ...errors(401, 403, 404) },
  },
  {
    method: "get",
    path: "/api/v1/audit",
    summary: "Audit log, newest first",
    security: [{ bearer: [] }],
    request: { query: auditQuery },
    responses: {
      "200": json(
        "entries",
        z.object({ entries: z.array(auditEntryResponse), nextBefore: z.number().int().nullable() }),
      ),
      ...errors(400, 401, 403),
    },
  },
);

/** Generates the OpenAPI 3 document from the registered zod schemas. */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV3["generateDocument"]> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  for (const route of routes) registry.registerPath(route);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "Splitlab API",
      version: "1",
      description:
        "Admin endpoints need an admin token, SDK endpoints an SDK key: Authorization: Bearer <token>.",
    },
  });
}
