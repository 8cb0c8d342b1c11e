import type { z } from "zod";
import { validationError } from "./errors.js";

/**
 * Parses request input with a zod schema; on failure throws a 400 naming each field path
 * (body fields as `variants.1.weight`, params and query with a `params.` / `query.` prefix).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: "body" | "params" | "query",
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, where === "body" ? undefined : where);
  return result.data;
}
