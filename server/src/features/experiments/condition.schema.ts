import {
  CONDITION_OPERATORS,
  type ConditionIssue,
  conditionIssueMessage,
  validateCondition,
} from "@splitlab/sdk/targeting";
import type { Condition } from "@splitlab/sdk/types";
import { checkSync } from "recheck";
import { z } from "zod";

export { CONDITION_OPERATORS };

/**
 * Backtracking time that the server refuses for a `$regex`: exponential, or polynomial of
 * this degree or more. Degree 2 (e.g. `^.*@.*\.com$`) stays allowed: the SDK tries patterns
 * only on strings of at most 512 characters, where it costs about a millisecond.
 */
export const MAX_REGEX_DEGREE = 3;

/** Every `$regex` pattern of a (grammatically valid) condition, with its path. */
function regexes(
  value: unknown,
  path: (string | number)[],
  out: { path: (string | number)[]; pattern: string }[],
) {
  if (typeof value !== "object" || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (key === "$regex" && typeof child === "string") out.push({ path: at, pattern: child });
    else regexes(child, at, out);
  }
  return out;
}

/**
 * What recheck (a ReDoS checker: automaton analysis plus fuzzing) finds wrong with a pattern
 * that the SDK's own, structural check accepted, or null when it is safe enough.
 */
export function regexProblem(pattern: string): string | null {
  const result = checkSync(pattern, "", { timeout: 10_000 });
  if (result.status === "safe") return null;
  if (result.status === "unknown") {
    return `$regex could not be proven safe from catastrophic backtracking (${result.error.kind}); simplify it`;
  }
  const { complexity } = result;
  if (complexity.type === "polynomial" && complexity.degree < MAX_REGEX_DEGREE) return null;
  return `$regex could take ${complexity.summary} time in the length of the input (recheck, e.g. on ${JSON.stringify(
    result.attack.pattern,
  )}); rewrite it, e.g. without a leading .* (a $regex already searches anywhere)`;
}

/**
 * A targeting condition, checked with the SDK's own grammar (`validateCondition` from
 * `@splitlab/sdk/targeting`, the function the SDK evaluates with), so a condition the server
 * accepts means the same to every SDK. On top, every `$regex` passes recheck. Errors name the
 * path inside the condition. The raw input is checked (not a copy rebuilt by zod), so a
 * `__proto__` key is seen and refused instead of vanishing.
 */
export const conditionSchema = z
  .unknown()
  .superRefine((condition, ctx) => {
    const issues: { path: (string | number)[]; message: string }[] = validateCondition(condition).map(
      (issue: ConditionIssue) => ({ path: issue.path, message: conditionIssueMessage(issue) }),
    );
    if (issues.length === 0) {
      for (const { path, pattern } of regexes(condition, [], [])) {
        const problem = regexProblem(pattern);
        if (problem) issues.push({ path, message: problem });
      }
    }
    for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  })
  .transform((c) => c as Condition)
  .meta({
    id: "Condition",
    type: "object",
    description: `MongoDB-style targeting condition (the SDK's grammar): ${CONDITION_OPERATORS.join(" ")} $and $or $not`,
  });
