/**
 * `@splitlab/sdk/targeting`: the targeting grammar for tools that check conditions before they
 * reach an SDK (the server validates every saved condition with it). The same functions the
 * client uses, plus the wording of each issue (kept out of the client bundle).
 */
import {
  CONDITION_OPERATORS,
  type ConditionIssue,
  type ConditionIssueCode,
  MAX_ATTRIBUTE_PATH,
  MAX_CONDITION_DEPTH,
  MAX_REGEX_LENGTH,
  validateCondition,
} from "../condition.js";

export type { ConditionIssue, ConditionIssueCode } from "../condition.js";
export {
  CONDITION_OPERATORS,
  evaluateCondition,
  MAX_ATTRIBUTE_PATH,
  MAX_CONDITION_DEPTH,
  MAX_REGEX_INPUT,
  MAX_REGEX_LENGTH,
  validateCondition,
} from "../condition.js";

const MESSAGES: Record<ConditionIssueCode, (key: string) => string> = {
  "not-object": () => "must be an object (a condition)",
  "too-deep": () => `is nested deeper than ${MAX_CONDITION_DEPTH} levels`,
  "empty-list": (key) => `${key} needs a non-empty array of conditions`,
  "misplaced-operator": (key) => `${key} is not allowed here (use $and, $or, $not or an attribute name)`,
  "path-too-long": () => `attribute paths are at most ${MAX_ATTRIBUTE_PATH} characters`,
  "empty-path-part": () => "an attribute path has an empty part (two dots in a row, or a dot at an end)",
  "proto-key": () => "__proto__ is not allowed as a key",
  "mixed-expression": () => "cannot mix operators ($...) and attribute fields in one expression",
  "unknown-operator": (key) => `unknown operator ${key} (allowed: ${CONDITION_OPERATORS.join(" ")})`,
  "needs-array": (key) => `${key} needs an array`,
  "needs-number-or-string": (key) => `${key} needs a number or a string`,
  "needs-boolean": (key) => `${key} needs true or false`,
  "needs-string": () => "$regex needs a string (a regular expression)",
  "regex-too-long": () => `$regex is longer than ${MAX_REGEX_LENGTH} characters`,
  "regex-invalid": () => "$regex is not a valid regular expression",
  "regex-backreference": () => "$regex may not use backreferences (\\1, \\k<name>)",
  "regex-nested-quantifier": () =>
    "$regex could take exponential time: a repeated group holds a quantifier, as in (a+)*; write it without the nesting",
  "regex-alternation": () =>
    "$regex could take exponential time: a repeated group holds an alternation, as in (a|b)*; use a character class such as [ab]*",
};

/**
 * The issue in words, naming the operator or key at its path.
 *
 * @example conditionIssueMessage({ path: ["age", "$in"], code: "needs-array" }) // "$in needs an array"
 */
export function conditionIssueMessage(issue: ConditionIssue): string {
  return MESSAGES[issue.code](String(issue.path[issue.path.length - 1] ?? ""));
}

/**
 * {@link validateCondition} with each issue in words.
 *
 * @example describeConditionIssues({ $or: [] }) // [{ path: ["$or"], code: "empty-list", message: "$or needs a non-empty array of conditions" }]
 */
export function describeConditionIssues(condition: unknown): (ConditionIssue & { message: string })[] {
  return validateCondition(condition).map((issue) => ({ ...issue, message: conditionIssueMessage(issue) }));
}
