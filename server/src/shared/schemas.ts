import type { Json } from "@splitlab/sdk/types";
import { z } from "zod";

/** Keys of experiments, metrics, layers and variants: lowercase slug, 1..100 chars. */
export const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, "must be a lowercase slug (a-z, 0-9, -, _; 1-100 characters)");

/** Path params `:key`. */
export const keyParams = z.object({ key: slug });

/** A display name. */
export const displayName = z.string().trim().min(1, "must not be empty").max(200);

/** A longer free text. */
export const longText = z.string().max(5000);

/** A number in [0, 1]. */
export const unitInterval = z.number().finite().min(0).max(1);

function isJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value === "object") return Object.values(value).every((v) => isJson(v, depth + 1));
  return false;
}

/**
 * Any JSON value (at most 32 levels deep). Not `z.json()`: its recursive definition sends
 * the OpenAPI generator into endless recursion; this one renders as "any value".
 */
export const jsonValue = z
  .unknown()
  .refine((v) => v !== undefined && isJson(v), "must be a JSON value (at most 32 levels deep)")
  .transform((v) => v as Json);
