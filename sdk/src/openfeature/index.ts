import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  StandardResolutionReasons,
  type TrackingEventDetails,
} from "@openfeature/server-sdk";
import type { Assignment } from "../assign.js";
import type { Client } from "../client.js";
import type { Attributes, Json } from "../types.js";

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

/**
 * An OpenFeature server provider backed by an SDK client: the flag key is the experiment key,
 * string flags resolve to the variant key, object/boolean/number flags to the variant's
 * payload (when it has that type). Exposures are logged exactly as by `getVariant`.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new AbTestProvider(client));
 * const variant = await OpenFeature.getClient().getStringValue("new-checkout", "control", { targetingKey: "u-1" });
 */
export class AbTestProvider implements Provider {
  readonly metadata = { name: "splitlab" } as const;
  readonly runsOn = "server" as const;

  constructor(private readonly client: Client) {}

  /** Waits for the client's first config load. */
  async initialize(): Promise<void> {
    await this.client.ready();
  }

  /**
   * OpenFeature's `client.track(name, context, details)`: records a track event for the context's
   * unit, `details.value` as the event value and the other details as its properties.
   */
  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails = {}): void {
    const { value, ...rest } = details;
    const properties = toJson(rest) as Record<string, Json> | undefined;
    this.client.track(
      trackingEventName,
      {
        ...(typeof value === "number" ? { value } : {}),
        ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
      },
      contextToAttributes(context),
    );
  }

  /** Closes the client (delivers queued exposures). */
  async onClose(): Promise<void> {
    await this.client.close();
  }

  private resolve<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    pick: (a: Assignment) => { ok: true; value: T } | { ok: false },
  ): ResolutionDetails<T> {
    const a = this.client.getAssignment(flagKey, contextToAttributes(context));
    const flagMetadata = { reason: a.reason, inExperiment: a.inExperiment };
    if (a.reason === "no-unit-id") {
      // The OpenFeature spec's code for an evaluation context without a targeting key (or unit attribute).
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
    const picked = pick(a);
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
    return { value: picked.value, variant: a.variant, reason: reasonOf(a), flagMetadata };
  }

  /** The variant key. */
  async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return this.resolve<string>(flagKey, defaultValue, context, (a) => ({
      ok: true,
      value: a.variant as string,
    }));
  }

  /** The variant's payload when it is a boolean. */
  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return this.resolve<boolean>(flagKey, defaultValue, context, (a) =>
      typeof a.payload === "boolean" ? { ok: true, value: a.payload } : { ok: false },
    );
  }

  /** The variant's payload when it is a number. */
  async resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return this.resolve<number>(flagKey, defaultValue, context, (a) =>
      typeof a.payload === "number" ? { ok: true, value: a.payload } : { ok: false },
    );
  }

  /** The variant's payload when it is an object or array. */
  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.resolve<T>(flagKey, defaultValue, context, (a) =>
      a.payload !== null && typeof a.payload === "object"
        ? { ok: true, value: a.payload as T }
        : { ok: false },
    );
  }
}
