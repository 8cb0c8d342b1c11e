import { defineRoute, type RouteDefinition } from "../../http/route.js";
import { keyParams } from "../../shared/schemas.js";
import { resultsReportResponse } from "./report.schema.js";
import { resultsQuery } from "./results.schemas.js";
import { computeResults, type ResultsDeps } from "./results.service.js";

/** `GET /api/v1/experiments/:key/results` (admin): the results report. */
export function resultsRoutes(deps: ResultsDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/experiments/:key/results",
      operationId: "getResults",
      tag: "Results",
      summary: "Significance report of an experiment",
      description:
        "SRM, per-metric lifts with confidence intervals, p-values, sequential results, decision and power (docs/results.md).",
      access: "admin",
      request: { params: keyParams, query: resultsQuery },
      success: { status: 200, description: "the report", schema: resultsReportResponse },
      errors: [400, 401, 403, 404],
      handler: ({ params, query }) => computeResults(deps, params.key, query),
    }),
  ];
}
