/** Loads the R reference vectors (written by make-vectors.R) and compares numbers with tolerances. */
import { readFileSync } from "node:fs";
import { expect } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: JSON written by R; each test reads the fields it documents.
type Json = any;

/** All vectors, as written by `Rscript stats/test/reference/make-vectors.R`. */
export const vectors: Json = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf8"));

/** One named group of reference cases, typed loosely for `it.each`. */
export function cases(name: string, group?: string): Record<string, Json>[] {
  return (group === undefined ? vectors[name] : vectors[name][group]) as Record<string, Json>[];
}

/** R writes ±Inf as strings "Inf"/"-Inf" in the CI fields; everything else is a number string. */
export function num(value: number | string): number {
  if (value === "Inf") return Number.POSITIVE_INFINITY;
  if (value === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(value);
}

/**
 * The tolerance: 1e-6 relative, or 1e-9 absolute (for tiny p-values and values near 0).
 * Infinite values must match exactly.
 */
export function expectClose(
  actual: number | null | undefined,
  expected: number,
  relative = 1e-6,
  absolute = 1e-9,
): void {
  expect(actual).toBeTypeOf("number");
  const a = actual as number;
  if (!Number.isFinite(expected)) {
    expect(a).toBe(expected);
    return;
  }
  const error = Math.abs(a - expected);
  const ok = error <= relative * Math.abs(expected) || error <= absolute;
  if (!ok) expect.fail(`expected ${a} to be within ${relative} relative of ${expected} (error ${error})`);
}
