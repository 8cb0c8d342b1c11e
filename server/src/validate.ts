import type { z } from "zod";
import { fieldError, validationError } from "./errors.js";
import { findTextProblem } from "./shared/schemas.js";

/**
 * Parses request input with a zod schema; on failure throws a 400 naming each field path
 * (body fields as `variants.1.weight`, params and query with a `params.` / `query.` prefix).
 * Before the schema, every string and key is checked: a NUL character, a lone surrogate or a
 * `__proto__` key anywhere is a 400 naming its path (PostgreSQL would refuse the first,
 * store the second as U+FFFD, and the third would vanish silently).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: "body" | "params" | "query",
): z.output<S> {
  const problem = findTextProblem(input, where === "body" ? [] : [where]);
  if (problem) throw fieldError(problem.path, problem.message);
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, where === "body" ? undefined : where);
  return result.data;
}
