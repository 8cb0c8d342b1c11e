import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { errorResponse } from "./http/error.schema.js";
import { type ErrorStatus, type RouteDefinition, routeConfig } from "./http/route.js";

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "invalid input: `message` and `details.issues[].path` name the field",
  401: "no token, a malformed header, or an unknown or revoked token",
  403: "an SDK key on an admin endpoint",
  404: "not found",
  409: "conflict with the current state (duplicate key, lifecycle step, running experiment)",
  413: "request body too large",
  415: "request body is not application/json",
  429: "rate limited: too many requests from this key or address; wait `Retry-After` seconds",
  503: "the database is unreachable or the request took too long; nothing was stored, retry after `Retry-After` seconds",
};

function errorResponseDoc(status: ErrorStatus): RouteConfig["responses"][string] {
  return {
    description: ERROR_DESCRIPTIONS[status],
    content: { "application/json": { schema: errorResponse } },
  };
}

/** Generates the OpenAPI 3 document from the same route definitions express mounts. */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
): ReturnType<OpenApiGeneratorV31["generateDocument"]> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "An admin token (`adm_…`): every management endpoint.",
  });
  registry.registerComponent("securitySchemes", "sdkKey", {
    type: "http",
    scheme: "bearer",
    description: "A public SDK key (`sdk_…`): SDK config and event ingestion only.",
  });
  if (routes.some((r) => r.basicAuth)) {
    registry.registerComponent("securitySchemes", "sdkKeyBasic", {
      type: "http",
      scheme: "basic",
      description:
        "A public SDK key as the basic-auth user name with an empty password (Segment's write key form).",
    });
  }
  for (const route of routes) registry.registerPath(routeConfig(route, errorResponseDoc));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Splitlab API",
      version: "1",
      description:
        "Admin endpoints need an admin token, SDK endpoints an SDK key: `Authorization: Bearer <token>`. Every error has the body `{ error: { code, message, details? } }`. Guide: docs/api.md in the repository.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "this server (the document is served by the API it describes)" }],
  });
}
