/**
 * The editor's form state and its client-side checks. The rules mirror the server's request
 * schema (server/src/features/experiments/experiments.schemas.ts `createExperimentRequest`):
 * importing it would pull server-only modules into the bundle, so the rules are repeated here and
 * the server stays the judge; its 400 `details.issues[].path` are mapped back to fields with
 * {@link issuesToFieldErrors}.
 */
import { ApiError } from "../../api/client.js";
import type { Json } from "../../api/types.js";
import type { PlannedExperiment } from "../planner/plan-url.js";
import { type Builder, builderToCondition, parseConditionText, validateBuilder } from "./condition-model.js";

/** One variant row (weights as text so a half-typed number is kept). */
export interface VariantDraft {
  key: string;
  name: string;
  weight: string;
  payload: string;
}

/** The whole form. */
export interface EditorDraft {
  key: string;
  name: string;
  hypothesis: string;
  variants: VariantDraft[];
  coverage: string;
  /** Which attribute of the user is the unit that gets assigned (`id`, `userId`, `deviceId`...). */
  unitAttribute: string;
  /** Layer key ("" = no layer) and the slice `[layerFrom, layerTo)` of its buckets. */
  layerKey: string;
  layerFrom: string;
  layerTo: string;
  /** How the targeting condition is edited: the row builder, or raw JSON (`condition`). */
  conditionMode: "builder" | "json";
  builder: Builder;
  condition: string;
  /** Forced overrides: this unit id always gets this variant (never logged as an exposure). */
  forced: { unitId: string; variant: string }[];
  primaryMetrics: string[];
  guardrailMetrics: string[];
  /**
   * Environments whose SDK keys receive it; null = every environment known when it is created
   * (the server's default, shown as all ticked).
   */
  environments: string[] | null;
  alpha: string;
  sequential: boolean;
  correction: "none" | "holm" | "bh";
}

/** Field path (as the server names it, e.g. `variants.1.weight`) to message. */
export type FieldErrors = Record<string, string>;

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SLUG_MESSAGE = "use a-z, 0-9, - and _ (start with a letter or digit), at most 63 characters";

function round(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

/** Weights that split 1 equally; the last one absorbs rounding so they sum to exactly 1. */
export function equalWeights(n: number): string[] {
  const each = Math.round((1 / n) * 1e6) / 1e6;
  return Array.from({ length: n }, (_, i) => (i < n - 1 ? round(each) : round(1 - each * (n - 1))));
}

/** An empty draft, or one prefilled from the planner's plan. */
export function initialDraft(planned: PlannedExperiment | null): EditorDraft {
  const n = planned?.plan.variants ?? 2;
  const weights = equalWeights(n);
  return {
    key: "",
    name: "",
    hypothesis: "",
    variants: weights.map((weight, i) => ({
      key: i === 0 ? "control" : n === 2 ? "treatment" : `treatment-${i}`,
      name: i === 0 ? "Control" : n === 2 ? "Treatment" : `Treatment ${i}`,
      weight,
      payload: "",
    })),
    coverage: String(planned?.plan.coverage ?? 1),
    unitAttribute: "id",
    layerKey: "",
    layerFrom: "0",
    layerTo: "1",
    conditionMode: "builder",
    builder: { join: "and", items: [] },
    condition: "",
    forced: [],
    primaryMetrics: [],
    guardrailMetrics: [],
    environments: null,
    alpha: String(planned?.plan.alpha ?? 0.05),
    sequential: planned?.plan.sequential ?? false,
    correction: planned ? (planned.plan.correction ? "holm" : "none") : "holm",
  };
}

function parseJson(text: string): { ok: true; value: Json } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, message: `not valid JSON (${(error as Error).message})` };
  }
}

/** The create request for a draft, or the field errors that stop it from being sent. */
export function draftToRequest(
  draft: EditorDraft,
): { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const { errors, body } = buildRequest(draft);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body };
}

/** The request body of a draft (as far as it parses) and every field error. */
export function buildRequest(draft: EditorDraft): { errors: FieldErrors; body: Record<string, unknown> } {
  const errors: FieldErrors = {};
  if (!SLUG.test(draft.key)) errors.key = SLUG_MESSAGE;
  if (draft.name.trim() === "") errors.name = "give the experiment a name";
  if (draft.variants.length < 2 || draft.variants.length > 10) errors.variants = "needs 2 to 10 variants";
  const seen = new Set<string>();
  let sum = 0;
  const variants = draft.variants.map((v, i) => {
    if (!SLUG.test(v.key)) errors[`variants.${i}.key`] = SLUG_MESSAGE;
    else if (seen.has(v.key)) errors[`variants.${i}.key`] = `duplicate variant key "${v.key}"`;
    seen.add(v.key);
    const weight = Number(v.weight);
    if (v.weight.trim() === "" || !Number.isFinite(weight) || weight <= 0 || weight > 1) {
      errors[`variants.${i}.weight`] = "a number greater than 0 and at most 1";
    } else sum += weight;
    let payload: Json | undefined;
    if (v.payload.trim() !== "") {
      const parsed = parseJson(v.payload);
      if (parsed.ok) payload = parsed.value;
      else errors[`variants.${i}.payload`] = parsed.message;
    }
    return {
      key: v.key,
      ...(v.name.trim() ? { name: v.name.trim() } : {}),
      weight,
      ...(payload === undefined ? {} : { payload }),
    };
  });
  const weightErrors = Object.keys(errors).some((k) => k.endsWith(".weight"));
  if (!weightErrors && Math.abs(sum - 1) > 1e-6) {
    errors.variants = `weights must sum to 1 (they sum to ${round(sum)})`;
  }
  const coverage = Number(draft.coverage);
  if (draft.coverage.trim() === "" || !(coverage >= 0 && coverage <= 1)) {
    errors.coverage = "a share between 0 and 1 (1 = every eligible unit)";
  }
  const alpha = Number(draft.alpha);
  if (draft.alpha.trim() === "" || !(alpha > 0 && alpha <= 0.5)) {
    errors["analysis.alpha"] = "greater than 0 and at most 0.5 (0.05 is usual)";
  }
  let condition: Json | null = null;
  if (draft.conditionMode === "builder") {
    const builderErrors = validateBuilder(draft.builder);
    for (const [id, message] of Object.entries(builderErrors)) {
      errors[id === "condition" ? "condition" : `condition.${id}`] = message;
    }
    condition = builderToCondition(draft.builder);
  } else {
    const parsed = parseConditionText(draft.condition);
    if (parsed.ok) condition = parsed.condition;
    else errors.condition = parsed.message;
  }
  if (draft.unitAttribute.trim() === "" || draft.unitAttribute.length > 100) {
    errors.unitAttribute =
      "name the attribute that identifies a unit (1-100 characters), e.g. id or deviceId";
  }
  let layer: { key: string; range: [number, number] } | null = null;
  if (draft.layerKey !== "") {
    const lo = Number(draft.layerFrom);
    const hi = Number(draft.layerTo);
    if (draft.layerFrom.trim() === "" || !(lo >= 0 && lo <= 1))
      errors["layer.range.0"] = "a share from 0 to 1";
    if (draft.layerTo.trim() === "" || !(hi >= 0 && hi <= 1)) errors["layer.range.1"] = "a share from 0 to 1";
    else if (!errors["layer.range.0"] && lo >= hi)
      errors["layer.range"] = "the slice must end after it starts";
    layer = { key: draft.layerKey, range: [lo, hi] };
  }
  const forced: Record<string, string> = {};
  const variantKeys = new Set(draft.variants.map((v) => v.key));
  draft.forced.forEach((f, i) => {
    const unitId = f.unitId.trim();
    if (unitId === "" || unitId.length > 256) errors[`forced.${i}.unitId`] = "a unit id (1-256 characters)";
    else if (unitId in forced) errors[`forced.${i}.unitId`] = `"${unitId}" is forced twice`;
    if (!variantKeys.has(f.variant)) errors[`forced.${i}.variant`] = "choose one of the variants";
    forced[unitId] = f.variant;
  });
  if (draft.environments?.length === 0) {
    errors.environments = "enable it in at least one environment (or its SDK keys never receive it)";
  }
  const both = draft.primaryMetrics.filter((m) => draft.guardrailMetrics.includes(m));
  if (both.length > 0) errors.guardrailMetrics = `already a primary metric: ${both.join(", ")}`;
  return {
    errors,
    body: {
      key: draft.key,
      name: draft.name.trim(),
      hypothesis: draft.hypothesis,
      variants,
      coverage,
      unitAttribute: draft.unitAttribute.trim(),
      layer,
      condition,
      forced,
      primaryMetrics: draft.primaryMetrics,
      guardrailMetrics: draft.guardrailMetrics,
      ...(draft.environments ? { environments: draft.environments } : {}),
      analysis: { alpha, sequential: draft.sequential, correction: draft.correction },
    },
  };
}

/** The fields the form shows errors at; a server path is attached to the longest one it starts with. */
export function issuesToFieldErrors(details: unknown, knownFields: readonly string[]): FieldErrors {
  const issues = (details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues;
  const out: FieldErrors = {};
  if (!Array.isArray(issues)) return out;
  for (const issue of issues) {
    const path = typeof issue.path === "string" ? issue.path : "";
    const message = typeof issue.message === "string" ? issue.message : "invalid";
    const field =
      [...knownFields]
        .sort((a, b) => b.length - a.length)
        .find((f) => path === f || path.startsWith(`${f}.`)) ?? "form";
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}

/** Every field path the editor can show an error at, for a draft with `n` variants. */
export function editorFields(n: number): string[] {
  const fields = [
    "key",
    "name",
    "hypothesis",
    "variants",
    "coverage",
    "condition",
    "unitAttribute",
    "forced",
    "environments",
  ];
  fields.push("layer", "layer.key", "layer.range", "layer.range.0", "layer.range.1");
  fields.push("primaryMetrics", "guardrailMetrics", "analysis", "analysis.alpha");
  for (let i = 0; i < n; i++)
    fields.push(
      `variants.${i}`,
      `variants.${i}.key`,
      `variants.${i}.name`,
      `variants.${i}.weight`,
      `variants.${i}.payload`,
    );
  return fields;
}

/**
 * A failed save as field errors: a 400's issues at their fields, a 409 at the field it names
 * (`details.field`: a taken key, a frozen field of a running experiment, a taken layer slice).
 */
export function apiErrorToFieldErrors(error: Error, draft: EditorDraft): FieldErrors {
  if (!(error instanceof ApiError)) return { form: error.message };
  if (error.status === 400 && error.code === "validation_failed") {
    const fields = issuesToFieldErrors(error.details, editorFields(draft.variants.length));
    if (fields.condition && draft.conditionMode === "builder") {
      const atRows = conditionIssuesAtRows(error.details, draft.builder);
      if (atRows) {
        delete fields.condition;
        Object.assign(fields, atRows);
      }
    }
    return Object.keys(fields).length > 0 ? fields : { form: error.message };
  }
  const field = (error.details as { field?: unknown } | undefined)?.field;
  if (typeof field === "string") {
    const known = editorFields(draft.variants.length);
    return { [known.includes(field) ? field : "form"]: error.message };
  }
  return { form: error.message };
}

/**
 * The server's condition issues (paths like `condition.$or.1.ua.$regex`) at the builder row of
 * that attribute, when exactly one row tests it; null when any issue cannot be placed.
 */
function conditionIssuesAtRows(details: unknown, builder: Builder): FieldErrors | null {
  const issues = (details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues ?? [];
  const rows: { id: string; attribute: string }[] = [];
  builder.items.forEach((item, i) => {
    if (item.kind === "rule") rows.push({ id: `items.${i}`, attribute: item.attribute.trim() });
    else
      item.rules.forEach((r, j) => {
        rows.push({ id: `items.${i}.rules.${j}`, attribute: r.attribute.trim() });
      });
  });
  const out: FieldErrors = {};
  for (const issue of issues) {
    if (typeof issue.path !== "string" || !issue.path.startsWith("condition.")) continue;
    const parts = issue.path.split(".").slice(1);
    const at = parts.findIndex((p) => !/^(\$and|\$or|\$not|\d+)$/.test(p));
    const attribute = parts[at];
    const matching = rows.filter((r) => r.attribute === attribute);
    if (at < 0 || matching.length !== 1) return null;
    const field = `condition.${matching[0]!.id}.${at === parts.length - 1 ? "attribute" : "value"}`;
    const message = typeof issue.message === "string" ? issue.message : "invalid";
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return Object.keys(out).length > 0 ? out : null;
}
