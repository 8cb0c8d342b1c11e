import { OpenAPIRegistry, OpenApiGeneratorV3, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { auditEntryResponse, auditQuery } from "./features/audit/audit.schemas.js";
import {
  createdKeyResponse,
  createKeyRequest,
  keyIdParams,
  keyResponse,
} from "./features/keys/keys.schemas.js";

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

documentRoutes(
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
      title: "abtest-platform API",
      version: "1",
      description:
        "Admin endpoints need an admin token, SDK endpoints an SDK key: Authorization: Bearer <token>.",
    },
  });
}
