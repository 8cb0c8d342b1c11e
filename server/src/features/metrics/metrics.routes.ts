import type { Db } from "../../db.js";
import { defineRoute, type RouteDefinition } from "../../http/route.js";
import { keyParams } from "../../shared/schemas.js";
import { actorOf } from "../keys/index.js";
import {
  createMetricRequest,
  metricListResponse,
  metricResponse,
  updateMetricRequest,
} from "./metrics.schemas.js";
import { createMetric, getMetric, listAllMetrics, updateMetric } from "./metrics.service.js";

const tag = "Metrics";
const base = "/api/v1/metrics";

/** `/api/v1/metrics`: list, create, read, update. Admin only. */
export function metricsRoutes(deps: { db: Db }): RouteDefinition[] {
  return [
    defineRoute({
      method: "get",
      path: base,
      operationId: "listMetrics",
      tag,
      summary: "List metrics",
      access: "admin",
      success: { status: 200, description: "the metrics", schema: metricListResponse },
      errors: [401, 403],
      handler: async () => ({ metrics: await listAllMetrics(deps.db) }),
    }),
    defineRoute({
      method: "post",
      path: base,
      operationId: "createMetric",
      tag,
      summary: "Create a metric",
      access: "admin",
      request: { body: createMetricRequest },
      success: { status: 201, description: "the created metric", schema: metricResponse },
      errors: [400, 401, 403, 409, 415],
      handler: ({ body }, { res }) => createMetric(deps.db, actorOf(res), body),
    }),
    defineRoute({
      method: "get",
      path: `${base}/:key`,
      operationId: "getMetric",
      tag,
      summary: "Read a metric",
      access: "admin",
      request: { params: keyParams },
      success: { status: 200, description: "the metric", schema: metricResponse },
      errors: [400, 401, 403, 404],
      handler: ({ params }) => getMetric(deps.db, params.key),
    }),
    defineRoute({
      method: "patch",
      path: `${base}/:key`,
      operationId: "updateMetric",
      tag,
      summary: "Update a metric",
      access: "admin",
      request: { params: keyParams, body: updateMetricRequest },
      success: { status: 200, description: "the updated metric", schema: metricResponse },
      errors: [400, 401, 403, 404, 409, 415],
      handler: ({ params, body }, { res }) => updateMetric(deps.db, actorOf(res), params.key, body),
    }),
  ];
}
