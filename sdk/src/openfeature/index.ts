import type {
  EvaluationContext,
  JsonValue,
  Provider,
  ResolutionDetails,
  TrackingEventDetails,
} from "@openfeature/server-sdk";
import type { Client } from "../client.js";
import { resolveFlag, trackEvent } from "./shared.js";

export { contextToAttributes } from "./shared.js";

/**
 * An OpenFeature server provider backed by an SDK client: the flag key is the experiment key,
 * string flags resolve to the variant key, object/boolean/number flags to the variant's
 * payload (when it has that type). Exposures are logged exactly as by `getVariant`. An
 * evaluation context without a unit id (no targetingKey) resolves to the default with
 * `TARGETING_KEY_MISSING`. For browsers, see `@splitlab/sdk/openfeature/web`.
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
  track(trackingEventName: string, context: EvaluationContext, details?: TrackingEventDetails): void {
    trackEvent(this.client, trackingEventName, context, details);
  }

  /** Closes the client (delivers queued exposures). */
  async onClose(): Promise<void> {
    await this.client.close();
  }

  /** The variant key. */
  async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "string");
  }

  /** The variant's payload when it is a boolean. */
  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "boolean");
  }

  /** The variant's payload when it is a number. */
  async resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "number");
  }

  /** The variant's payload when it is an object or array. */
  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "object");
  }
}
