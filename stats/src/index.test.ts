import * as stats from "stats";
import { describe, expect, it } from "vitest";

describe("stats package", () => {
  it("resolves through the workspace source condition", () => {
    expect(typeof stats).toBe("object");
  });
});
