/**
 * The targeting grammar, from the vectors shared with the server (condition-vectors.json):
 * validateCondition returns exactly the listed issues, and evaluateCondition gives each
 * case's answer (an invalid condition never matches).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateCondition, validateCondition } from "../src/condition.js";
import { conditionIssueMessage, describeConditionIssues } from "../src/targeting/index.js";
import type { Attributes, Condition } from "../src/types.js";

interface Vector {
  name: string;
  condition: unknown;
  issues: { path: (string | number)[]; code: string }[];
  cases?: { attributes: Attributes; expected: boolean }[];
}

// JSON.parse (not a JSON import): it keeps "__proto__" keys as own properties, as a server
// receiving them would.
const { vectors } = JSON.parse(
  readFileSync(new URL("./condition-vectors.json", import.meta.url), "utf8"),
) as {
  vectors: Vector[];
};

describe("targeting grammar (shared vectors)", () => {
  it("has both valid and invalid vectors, each named once", () => {
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    expect(vectors.filter((v) => v.issues.length === 0).length).toBeGreaterThan(10);
    expect(vectors.filter((v) => v.issues.length > 0).length).toBeGreaterThan(10);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s: validateCondition", (_name, v) => {
    expect(validateCondition(v.condition)).toEqual(v.issues);
    for (const issue of describeConditionIssues(v.condition))
      expect(issue.message.length).toBeGreaterThan(10);
  });

  it.each(vectors.filter((v) => v.cases).map((v) => [v.name, v] as const))(
    "%s: evaluateCondition",
    (_name, v) => {
      for (const c of v.cases!) {
        expect(evaluateCondition(v.condition as Condition, c.attributes), JSON.stringify(c.attributes)).toBe(
          c.expected,
        );
      }
    },
  );

  it("an invalid condition never matches, whatever the attributes", () => {
    for (const v of vectors.filter((x) => x.issues.length > 0)) {
      expect(evaluateCondition(v.condition as Condition, {}), v.name).toBe(false);
      expect(evaluateCondition({ $not: v.condition } as Condition, {}), `$not of ${v.name}`).toBe(false);
    }
  });

  it("the catastrophic pattern of issue 10 returns at once: it is refused, never run", () => {
    // `^(\w+\s?)*$` on 28 letters and "!" took 1.65 s per call with a backtracking run.
    const condition = { name: { $regex: "^(\\w+\\s?)*$" } };
    expect(evaluateCondition(condition, { name: `${"abcdefghijklmnopqrstuvwxyzab"}!` })).toBe(false);
    expect(conditionIssueMessage(validateCondition(condition)[0]!)).toMatch(/exponential time/);
  });

  it("names the operator in messages", () => {
    expect(conditionIssueMessage({ path: ["age", "$in"], code: "needs-array" })).toBe("$in needs an array");
    expect(conditionIssueMessage({ path: ["$or"], code: "empty-list" })).toBe(
      "$or needs a non-empty array of conditions",
    );
  });
});
