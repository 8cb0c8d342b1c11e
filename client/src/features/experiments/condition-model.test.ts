import { CONDITION_OPERATORS, evaluateCondition, validateCondition } from "@splitlab/sdk/targeting";
import { describe, expect, it } from "vitest";
import type { Json } from "../../api/types.js";
import {
  type Builder,
  builderToCondition,
  conditionToBuilder,
  emptyRule,
  formatValue,
  parseConditionText,
  parseValue,
  ROW_OPERATORS,
  type Rule,
  validateBuilder,
} from "./condition-model.js";

const rule = (attribute: string, operator: Rule["operator"], value: string, not = false): Rule => ({
  kind: "rule",
  attribute,
  operator,
  value,
  not,
});

describe("the condition builder model", () => {
  it("offers exactly the SDK's operators ($not as the row's 'not' switch)", () => {
    expect([...ROW_OPERATORS, "$not"].sort()).toEqual([...CONDITION_OPERATORS].sort());
  });

  it("reads values as JSON when they are, as text otherwise, and writes them back the same", () => {
    expect(parseValue("18")).toBe(18);
    expect(parseValue('"18"')).toBe("18");
    expect(parseValue("true")).toBe(true);
    expect(parseValue("US")).toBe("US");
    for (const v of ["US", "18", " padded", "", "true", 18, false, null, [1, "a"], { a: 1 }] as Json[]) {
      expect(parseValue(formatValue(v))).toEqual(v);
    }
  });

  // Conditions the builder shows, each written back as the same JSON.
  const representable: [string, Json][] = [
    ["one row", { country: { $in: ["US", "CA"] } }],
    [
      "an implicit and, two operators on one attribute",
      { age: { $gte: 18, $lt: 65 }, plan: { $ne: "free" } },
    ],
    ["a top-level or", { $or: [{ country: { $eq: "DE" } }, { beta: { $exists: true } }] }],
    [
      "and with one nested or group",
      { browser: { $regex: "^Mozilla/" }, $or: [{ country: { $nin: ["US"] } }, { age: { $lte: 30 } }] },
    ],
    [
      "or with a nested and group",
      { $or: [{ country: { $eq: "FR" } }, { age: { $gt: 21 }, version: { $gte: "2.0" } }] },
    ],
    ["a negated row", { email: { $not: { $regex: "@example\\.com$" } } }],
    [
      "two or groups under and",
      {
        $and: [
          { $or: [{ a: { $eq: 1 } }, { b: { $eq: 2 } }] },
          { $or: [{ c: { $eq: 3 } }, { d: { $eq: 4 } }] },
        ],
      },
    ],
  ];
  it.each(representable)("round-trips %s: JSON -> builder -> the same JSON", (_name, condition) => {
    expect(validateCondition(condition)).toEqual([]);
    const builder = conditionToBuilder(condition);
    expect(builder).not.toBeNull();
    expect(builderToCondition(builder!)).toEqual(condition);
    expect(validateBuilder(builder!)).toEqual({});
  });

  it("shows rows before the group whatever the key order (jsonb puts $or first)", () => {
    const builder = conditionToBuilder({
      $or: [{ a: { $eq: 1 } }, { b: { $eq: 2 } }],
      country: { $eq: "US" },
    })!;
    expect(builder.items.map((i) => i.kind)).toEqual(["rule", "group"]);
  });

  it("reads a literal as $eq (same meaning for the SDK)", () => {
    const builder = conditionToBuilder({ country: "US", age: 30 })!;
    expect(builder.items).toEqual([rule("country", "$eq", "US"), rule("age", "$eq", "30")]);
    const written = builderToCondition(builder)!;
    expect(written).toEqual({ country: { $eq: "US" }, age: { $eq: 30 } });
    for (const attrs of [
      { country: "US", age: 30 },
      { country: "US", age: "30" },
      { country: "CA", age: 30 },
    ]) {
      expect(evaluateCondition(written, attrs)).toBe(evaluateCondition({ country: "US", age: 30 }, attrs));
    }
  });

  it("keeps what the builder cannot show in JSON (null), and empty as everyone", () => {
    expect(conditionToBuilder({ $not: { country: "US" } })).toBeNull();
    expect(
      conditionToBuilder({ $or: [{ $and: [{ $or: [{ a: 1 }, { b: 2 }] }, { c: 3 }] }, { d: 4 }] }),
    ).toBeNull();
    expect(conditionToBuilder({ tags: { $in: ["line\nbreak"] } })).toBeNull();
    expect(conditionToBuilder(null)).toEqual({ join: "and", items: [] });
    expect(builderToCondition({ join: "or", items: [] })).toBeNull();
  });

  it("builds and/or with a group from rows, and the SDK evaluates it as meant", () => {
    const builder: Builder = {
      join: "or",
      items: [
        rule("country", "$in", "US\nCA\n"),
        { kind: "group", join: "and", rules: [rule("age", "$gte", "18"), rule("beta", "$exists", "true")] },
      ],
    };
    const condition = builderToCondition(builder)!;
    expect(condition).toEqual({
      $or: [{ country: { $in: ["US", "CA"] } }, { age: { $gte: 18 }, beta: { $exists: true } }],
    });
    expect(evaluateCondition(condition, { country: "CA" })).toBe(true);
    expect(evaluateCondition(condition, { country: "DE", age: 20, beta: 1 })).toBe(true);
    expect(evaluateCondition(condition, { country: "DE", age: 20 })).toBe(false);
  });

  it("validates rows with the SDK's rules, at the row's field", () => {
    const errors = validateBuilder({
      join: "and",
      items: [
        emptyRule(),
        rule("country", "$in", "  \n"),
        rule("age", "$gt", "true"),
        rule("ua", "$regex", "(a+)+"),
        rule("a..b", "$eq", "1"),
        { kind: "group", join: "or", rules: [] },
      ],
    });
    expect(errors).toEqual({
      "items.0.attribute": "name the attribute (e.g. country)",
      "items.1.value": "give at least one value, one per line",
      "items.2.value": "$gt needs a number or a string",
      "items.3.value":
        "$regex could take exponential time: a repeated group holds a quantifier, as in (a+)*; write it without the nesting",
      "items.4.attribute": "an attribute path has an empty part (two dots in a row, or a dot at an end)",
      "items.5": "a group needs at least one rule",
    });
  });

  it("checks raw JSON text with the SDK's grammar", () => {
    expect(parseConditionText("")).toEqual({ ok: true, condition: null });
    expect(parseConditionText('{"country": {"$bogus": 1}}')).toEqual({
      ok: false,
      message:
        "country.$bogus: unknown operator $bogus (allowed: $eq $ne $in $nin $gt $gte $lt $lte $exists $regex $not)",
    });
    expect(parseConditionText("[1]")).toMatchObject({ ok: false, message: /JSON object/ });
    expect(parseConditionText("{nope")).toMatchObject({ ok: false, message: /not valid JSON/ });
  });
});
