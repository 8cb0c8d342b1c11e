/**
 * `@splitlab/sdk/openfeature/web`: the OpenFeature web (client-side) provider for
 * `@openfeature/web-sdk`, the static-context paradigm: the app sets one evaluation context
 * (the user), evaluations are synchronous, and the provider tells the SDK about config changes
 * through events.
 */
import {
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from "@openfeature/web-sdk";
import type { Client } from "../../client.js";
import { changedFlags, contextToAttributes, resolveFlag, trackEvent } from "../shared.js";

export { contextToAttributes } from "../shared.js";

/**
 * An OpenFeature web provider backed by an SDK client, resolving flags as the server provider
 * does (flag key = experiment key; string flags -> the variant key, boolean/number/object flags
 * -> the variant's payload of that type; exposures logged as by `getVariant`; no targetingKey ->
 * the default with `TARGETING_KEY_MISSING`).
 *
 * Events: the SDK emits Ready when `initialize` resolves and Error when it throws (no config
 * could be loaded: none fetched, none stored); a config that arrives later emits Ready, and each
 * config change after that emits ConfigurationChanged with the changed flag keys. A context
 * change becomes the client's default user, so `getVariant` without a user and the OpenFeature
 * flags agree.
 *
 * @example
 * const client = createClient({ apiHost: "https://ab.example.com", sdkKey: "sdk_live_..." });
 * await OpenFeature.setProviderAndWait(new AbTestWebProvider(client), { targetingKey: "u-1" });
 * const variant = OpenFeature.getClient().getStringValue("new-checkout", "control");
 * OpenFeature.getClient().track("purchase", { value: 42.5 });
 */
export class AbTestWebProvider implements Provider {
  readonly metadata = { name: "splitlab" } as const;
  readonly runsOn = "client" as const;
  readonly events = new OpenFeatureEventEmitter();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly client: Client) {}

  /** Takes the context as the default user, waits for the first config load; throws when there is no config. */
  async initialize(context?: EvaluationContext): Promise<void> {
    if (context) this.client.setUser(contextToAttributes(context));
    await this.client.ready();
    let current = this.client.getConfig();
    this.unsubscribe?.();
    this.unsubscribe = this.client.subscribe(() => {
      const next = this.client.getConfig();
      const flagsChanged = changedFlags(current, next);
      const recovered = current === null;
      current = next;
      if (recovered) this.events.emit(ProviderEvents.Ready);
      else if (flagsChanged.length > 0)
        this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
    });
    if (current === null) {
      throw new Error("no SDK config: the config could not be fetched and none was stored");
    }
  }

  /** The static context changed: it becomes the client's default user (evaluation is local and synchronous). */
  onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): void {
    this.client.setUser(contextToAttributes(newContext));
  }

  /** OpenFeature's `client.track(name, details)`: a track event for the context's unit. */
  track(trackingEventName: string, context: EvaluationContext, details?: TrackingEventDetails): void {
    trackEvent(this.client, trackingEventName, context, details);
  }

  /** Stops listening and closes the client (delivers queued events). */
  async onClose(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.client.close();
  }

  /** The variant key. */
  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): ResolutionDetails<string> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "string");
  }

  /** The variant's payload when it is a boolean. */
  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): ResolutionDetails<boolean> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "boolean");
  }

  /** The variant's payload when it is a number. */
  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): ResolutionDetails<number> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "number");
  }

  /** The variant's payload when it is an object or array. */
  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): ResolutionDetails<T> {
    return resolveFlag(this.client, flagKey, defaultValue, context, "object");
  }
}
