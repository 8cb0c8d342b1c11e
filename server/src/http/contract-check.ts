import type { RequestHandler } from "express";
import type { z } from "zod";
import { AppError } from "../errors.js";
import { ALWAYS_POSSIBLE_ERRORS, type RouteDefinition } from "./route.js";

/** Keys present in `input` but dropped by the schema (`output`): fields the contract does not describe. */
function undocumentedKeys(input: unknown, output: unknown, path: string, found: string[]): void {
  if (Array.isArray(input) && Array.isArray(output)) {
    for (const [i, v] of input.entries()) undocumentedKeys(v, output[i], `${path}[${i}]`, found);
  } else if (input && output && typeof input === "object" && typeof output === "object") {
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (!(key in output)) found.push(`${path}.${key}`);
      else undocumentedKeys(value, (output as Record<string, unknown>)[key], `${path}.${key}`, found);
    }
  }
}

/** Problems of one JSON body against a schema: zod issues, then undocumented fields. */
export function contractProblems(schema: z.ZodType, body: unknown): string[] {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${["$", ...i.path.map(String)].join(".")}: ${i.message}`);
  }
  const extra: string[] = [];
  undocumentedKeys(body, parsed.data, "$", extra);
  return extra.map((p) => `${p}: not in the response schema`);
}

/**
 * Test-time guard that every API answer is what the OpenAPI document says: its status is one
 * the route declares (or 500), its JSON body parses with the declared schema and has no field
 * the schema does not describe. A success body that breaks the contract is turned into a 500
 * naming the problem; every violation is also passed to `onViolation`.
 */
export function checkResponses(
  routes: readonly RouteDefinition[],
  errorSchema: z.ZodType,
  onViolation: (message: string) => void,
): RequestHandler {
  const byRoute = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const routePath = (req.route as { path?: string } | undefined)?.path;
      const route = routePath ? byRoute.get(`${req.method.toLowerCase()} ${routePath}`) : undefined;
      if (!route) return send(body);
      const status = res.statusCode;
      const where = `${route.operationId} (${req.method} ${req.originalUrl.split("?")[0]}) answered ${status}`;
      let schema: z.ZodType | undefined;
      if (status === route.success.status) schema = route.success.schema;
      else if (route.otherResponses?.[status]) schema = route.otherResponses[status].schema;
      else if (
        status === 500 ||
        (route.errors as readonly number[]).includes(status) ||
        (ALWAYS_POSSIBLE_ERRORS as readonly number[]).includes(status)
      )
        schema = errorSchema;
      else {
        onViolation(`${where}: status not declared in the route definition`);
        return send(body);
      }
      const type = String(res.getHeader("content-type") ?? "");
      if (!schema || typeof body !== "string" || !type.includes("json")) return send(body);
      const problems = contractProblems(schema, JSON.parse(body));
      if (problems.length === 0) return send(body);
      const message = `${where} with a body that breaks its schema: ${problems.slice(0, 5).join("; ")}`;
      onViolation(message);
      if (status === route.success.status) throw new AppError(500, "internal", message);
      return send(body);
    };
    next();
  };
}
