import { describe, expect, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import { adjustPValues } from "./adjust.js";

describe("adjustPValues matches R p.adjust", () => {
  it.each(cases("adjust"))("$name: $r", (c) => {
    const adjusted = adjustPValues(c.pValues, c.method);
    expect(adjusted).toHaveLength(c.adjusted.length);
    adjusted.forEach((p, i) => {
      expectClose(p, c.adjusted[i]);
    });
  });
  it("an empty family stays empty", () => {
    expect(adjustPValues([], "holm")).toEqual([]);
  });
  it("throws RangeError for p outside [0, 1] or an unknown method", () => {
    expect(() => adjustPValues([0.5, 1.2], "holm")).toThrow(/pValues\[1\]/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input from untyped callers
    expect(() => adjustPValues([0.5], "sidak" as any)).toThrow(/method/);
  });
});
