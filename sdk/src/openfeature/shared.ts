/**
 * What the server and the web OpenFeature providers share: context -> attributes, the
 * assignment -> resolution mapping, and `track`. Imports only `@openfeature/core`, the package
 * both OpenFeature SDKs build on (a peer of each).
 */
import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  type ResolutionDetails,
  StandardResolutionReasons,
  type TrackingEventDetails,
} from "@openfeature/core";
import type { Assignment } from "../assign.js";
import type { Client } from "../client.js";
import type { Attributes, Json, SdkConfig } from "../types.js";

function toJson(value: unknown): Json | undefined {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJson(v) ?? null);
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      const j = toJson(v);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  if (
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    value === null
  ) {
    return value;
  }
  return undefined;
}

/**
 * OpenFeature evaluation context -> SDK attributes. `targetingKey` becomes the `id` attribute
 * unless the context has its own `id`; Dates become ISO strings.
 *
 * @example contextToAttributes({ targetingKey: "u-1", plan: "pro" }) // { plan: "pro", id: "u-1" }
 */
export function contextToAttributes(context: EvaluationContext): Attributes {
  const { targetingKey, ...rest } = context;
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(rest)) attributes[k] = toJson(v);
  if (attributes.id === undefined && targetingKey !== undefined) attributes.id = targetingKey;
  return attributes;
}

function reasonOf(a: Assignment): string {
  switch (a.reason) {
    case "assigned":
      return StandardResolutionReasons.SPLIT;
    case "forced":
      return StandardResolutionReasons.TARGETING_MATCH;
    case "not-running":
      return StandardResolutionReasons.DISABLED;
    default:
      return StandardResolutionReasons.DEFAULT;
  }
}

/** The flag types OpenFeature resolves. */
export type FlagType = "string" | "boolean" | "number" | "object";

/** The value a flag of `type` takes from an assignment: the variant key for strings, else the payload of that type. */
function pick(a: Assignment, type: FlagType): { ok: true; value: unknown } | { ok: false } {
  if (type === "string") return { ok: true, value: a.variant };
  const payload = a.payload;
  const fits = type === "object" ? payload !== null && typeof payload === "object" : typeof payload === type;
  return fits ? { ok: true, value: payload } : { ok: false };
}

/**
 * Resolves a flag (the experiment of the same key) for a context through the SDK client,
 * logging the exposure as `getVariant` does. No unit id -> `TARGETING_KEY_MISSING` (as the
 * OpenFeature spec says for a context without a targeting key); unknown experiment ->
 * `FLAG_NOT_FOUND`; a variant without a payload of the flag's type -> `TYPE_MISMATCH`; each
 * with the default value.
 */
export function resolveFlag<T extends boolean | string | number | JsonValue>(
  client: Client,
  flagKey: string,
  defaultValue: T,
  context: EvaluationContext,
  type: FlagType,
): ResolutionDetails<T> {
  const a = client.getAssignment(flagKey, contextToAttributes(context));
  const flagMetadata = { reason: a.reason, inExperiment: a.inExperiment };
  if (a.reason === "no-unit-id") {
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
      errorMessage: `"${flagKey}" needs a unit id: set targetingKey (or the experiment's unit attribute) in the evaluation context`,
      flagMetadata,
    };
  }
  if (a.variant === null) {
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: `experiment "${flagKey}" is not in the SDK config`,
    };
  }
  const picked = pick(a, type);
  if (!picked.ok) {
    return {
      value: defaultValue,
      variant: a.variant,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: `variant "${a.variant}" of "${flagKey}" has no payload of the requested type`,
      flagMetadata,
    };
  }
  return { value: picked.value as T, variant: a.variant, reason: reasonOf(a), flagMetadata };
}

/**
 * OpenFeature's `client.track(name, context?, details)`: records a track event for the
 * context's unit, `details.value` as the event value and the other details as its properties.
 */
export function trackEvent(
  client: Client,
  trackingEventName: string,
  context: EvaluationContext,
  details: TrackingEventDetails = {},
): void {
  const { value, ...rest } = details;
  const properties = toJson(rest) as Record<string, Json> | undefined;
  client.track(
    trackingEventName,
    {
      ...(typeof value === "number" ? { value } : {}),
      ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
    },
    contextToAttributes(context),
  );
}

/** Keys of the experiments that differ between two configs (added, removed or changed). */
export function changedFlags(before: SdkConfig | null, after: SdkConfig | null): string[] {
  const old = new Map((before?.experiments ?? []).map((e) => [e.key, JSON.stringify(e)]));
  const changed = new Set<string>();
  for (const e of after?.experiments ?? []) {
    if (old.get(e.key) !== JSON.stringify(e)) changed.add(e.key);
    old.delete(e.key);
  }
  for (const key of old.keys()) changed.add(key);
  return [...changed];
}
