import type { RouteConfig } from "@asteasolutions/zod-to-openapi";
import { type Request, type RequestHandler, type Response, Router } from "express";
import type { z } from "zod";
import { parseInput } from "../validate.js";

/** HTTP methods the API uses. */
export type HttpMethod = "get" | "post" | "patch" | "put" | "delete";

/** Who may call a route: an admin token, an SDK key (admin tokens too), or anyone. */
export type Access = "admin" | "sdk" | "public";

/** Error statuses a route can document; each maps to a described error response. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/**
 * Statuses every API route may answer whatever it declares: 429 from the rate limits and 503
 * (with `Retry-After`) when the database is unreachable or the request deadline passes.
 */
export const ALWAYS_POSSIBLE_ERRORS: readonly ErrorStatus[] = [429, 503];

/** A response other than the success one (e.g. `304 Not Modified`). */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Content type of `schema` (default `application/json`). */
  contentType?: string;
  headers?: Record<string, { description: string; schema: { type: "string" | "integer" } }>;
}

/** Returned by a handler that wrote the response itself (status, headers, body). */
export const responded: unique symbol = Symbol("responded");

type Obj = z.ZodObject | undefined;
type Body = z.ZodType | undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler gets: the validated path params, query and body. */
export interface RouteInput<P extends Obj, Q extends Obj, B extends Body> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

/**
 * One API operation: everything express needs to mount it and everything the OpenAPI
 * document says about it, in one place, so a route cannot exist without its doc.
 */
export interface RouteSpec<P extends Obj, Q extends Obj, B extends Body, R extends z.ZodType> {
  method: HttpMethod;
  /** Full express path, e.g. `/api/v1/experiments/:key/stop`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  /** SDK routes that also take the key as HTTP basic auth user name (Segment's write key form). */
  basicAuth?: boolean;
  /** Validated before the handler runs (400 naming the field), typed in its input. */
  request?: { params?: P; query?: Q; body?: B };
  /**
   * Documented only: the handler reads and checks these itself (e.g. ingestion, which
   * rejects bad events one by one instead of the whole body).
   */
  documentedOnly?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    bodyContentTypes?: string[];
  };
  /** The success response; what the handler returns is sent with this status as JSON. */
  success: { status: 200 | 201; description: string; schema: R; headers?: ResponseDoc["headers"] };
  /** Other non-error responses the route answers with. */
  otherResponses?: Record<number, ResponseDoc>;
  /** Error statuses the route answers with (the body is always the `Error` schema). */
  errors: readonly ErrorStatus[];
  /** Middleware run before the access check (e.g. reading the SDK key from `?key=`). */
  before?: RequestHandler[];
  /** Middleware run after the access check and before validation (e.g. body parsing). */
  after?: RequestHandler[];
  /**
   * The use case call. Returns the success body, or {@link responded} when it wrote the
   * response itself (a 304, a pre-serialized body).
   */
  handler: (
    input: RouteInput<P, Q, B>,
    http: { req: Request; res: Response },
  ) => Promise<z.input<R> | typeof responded>;
}

/** A route definition with its type parameters erased, as routers and the doc take it. */
export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  basicAuth?: boolean;
  request?: { params?: z.ZodObject; query?: z.ZodObject; body?: z.ZodType };
  documentedOnly?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    bodyContentTypes?: string[];
  };
  success: { status: 200 | 201; description: string; schema: z.ZodType; headers?: ResponseDoc["headers"] };
  otherResponses?: Record<number, ResponseDoc>;
  errors: readonly ErrorStatus[];
  before?: RequestHandler[];
  after?: RequestHandler[];
  handler: (input: RouteInput<Obj, Obj, Body>, http: { req: Request; res: Response }) => Promise<unknown>;
}

/**
 * Declares one operation; the types of the handler's input and return value follow the
 * zod schemas.
 *
 * @example
 * defineRoute({
 *   method: "get", path: "/api/v1/metrics/:key", operationId: "getMetric", tag: "Metrics",
 *   summary: "Read a metric", access: "admin", request: { params: keyParams },
 *   success: { status: 200, description: "the metric", schema: metricResponse },
 *   errors: [400, 401, 403, 404],
 *   handler: ({ params }) => getMetric(db, params.key),
 * });
 */
export function defineRoute<
  P extends Obj = undefined,
  Q extends Obj = undefined,
  B extends Body = undefined,
  R extends z.ZodType = z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): RouteDefinition {
  return spec as unknown as RouteDefinition;
}

/** The access checks a router applies, by {@link Access}. */
export interface AccessGuards {
  requireAdmin: RequestHandler;
  requireSdkKey: RequestHandler;
}

/** Express path `/a/:key/b` in OpenAPI form `/a/{key}/b`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/**
 * Mounts route definitions on `router` (a new one by default): access check, validation of
 * params, query and body (400 naming the field), then the handler; its result is sent as
 * JSON with the success status.
 */
export function mountRoutes(
  routes: readonly RouteDefinition[],
  guards: AccessGuards,
  router = Router(),
): Router {
  for (const route of routes) {
    const access: RequestHandler[] =
      route.access === "admin" ? [guards.requireAdmin] : route.access === "sdk" ? [guards.requireSdkKey] : [];
    const run: RequestHandler = async (req, res) => {
      const { params, query, body } = route.request ?? {};
      const input = {
        params: params ? parseInput(params, req.params, "params") : undefined,
        query: query ? parseInput(query, req.query, "query") : undefined,
        body: body ? parseInput(body, req.body, "body") : undefined,
      };
      const result = await route.handler(input, { req, res });
      // `responded`: the handler answered itself; headers sent: the request deadline (limits.ts)
      // already answered 503, and what the handler found is dropped, as documented there.
      if (result === responded || res.headersSent) return;
      res.status(route.success.status).json(result);
    };
    router[route.method](route.path, ...(route.before ?? []), ...access, ...(route.after ?? []), run);
  }
  return router;
}

/** The zod-to-openapi description of a route (errors are added by the document builder). */
export function routeConfig(
  route: RouteDefinition,
  errorResponse: (status: ErrorStatus) => RouteConfig["responses"][string],
): RouteConfig {
  const json = (schema: z.ZodType, type = "application/json") => ({ [type]: { schema } });
  const params = route.request?.params ?? route.documentedOnly?.params;
  const query = route.request?.query ?? route.documentedOnly?.query;
  const body = route.request?.body ?? route.documentedOnly?.body;
  const bodyTypes = route.documentedOnly?.bodyContentTypes ?? ["application/json"];
  const responses: RouteConfig["responses"] = {
    [String(route.success.status)]: {
      description: route.success.description,
      content: json(route.success.schema),
      ...(route.success.headers ? { headers: route.success.headers } : {}),
    },
  };
  for (const [status, doc] of Object.entries(route.otherResponses ?? {})) {
    responses[status] = {
      description: doc.description,
      ...(doc.schema ? { content: json(doc.schema, doc.contentType) } : {}),
      ...(doc.headers ? { headers: doc.headers } : {}),
    };
  }
  for (const status of new Set([...route.errors, ...ALWAYS_POSSIBLE_ERRORS])) {
    responses[String(status)] = errorResponse(status);
  }
  const security: Record<string, string[]>[] =
    route.access === "admin"
      ? [{ adminToken: [] }]
      : route.access === "sdk"
        ? [{ sdkKey: [] }, ...(route.basicAuth ? [{ sdkKeyBasic: [] }] : []), { adminToken: [] }]
        : [];
  return {
    method: route.method,
    path: openApiPath(route.path),
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security,
    request: {
      ...(params ? { params } : {}),
      ...(query ? { query } : {}),
      ...(body
        ? { body: { required: true, content: Object.assign({}, ...bodyTypes.map((t) => json(body, t))) } }
        : {}),
    },
    responses,
  };
}
