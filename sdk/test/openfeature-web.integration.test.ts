/**
 * The OpenFeature web provider through the real `@openfeature/web-sdk` (static context) against
 * the real server over HTTP (the shared harness of the server provider's test).
 */
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from "@openfeature/web-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignVariant } from "../src/assign.js";
import type { Client } from "../src/client.js";
import { AbTestWebProvider } from "../src/openfeature/web/index.js";
import type { FetchLike } from "../src/runtime.js";
import { type OpenFeatureServer, startOpenFeatureServer } from "./openfeature-harness.js";

let server: OpenFeatureServer;
let sdk: Client;
beforeAll(async () => {
  server = await startOpenFeatureServer();
  sdk = server.client();
  await OpenFeature.setProviderAndWait(new AbTestWebProvider(sdk), { targetingKey: "web-u1" });
});
afterAll(async () => {
  await OpenFeature.close();
  await server.close();
});

/** What the SDK itself assigns `unitId` in `experiment` (the config the client fetched). */
function expected(experiment: string, unitId: string) {
  const config = sdk.getConfig()!.experiments.find((e) => e.key === experiment)!;
  return assignVariant(config, { id: unitId });
}

describe("AbTestWebProvider with @openfeature/web-sdk and the real server", () => {
  it("resolves string flags to the variant and boolean/number/object flags to its payload, logging exposures", async () => {
    const of = OpenFeature.getClient();
    expect(of.providerStatus).toBe(ProviderStatus.READY);
    const flag = of.getStringDetails("of-flag", "fallback");
    expect(flag).toMatchObject({ value: expected("of-flag", "web-u1").variant, reason: "SPLIT" });
    expect(of.getBooleanValue("of-bool", true)).toBe(expected("of-bool", "web-u1").payload);
    expect(of.getNumberValue("of-price", 0)).toBe(expected("of-price", "web-u1").payload);
    expect(of.getObjectValue("of-layout", {})).toEqual(expected("of-layout", "web-u1").payload);
    // A variant key is not a boolean: the default, TYPE_MISMATCH.
    expect(of.getBooleanDetails("of-flag", true)).toMatchObject({
      value: true,
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(of.getStringDetails("nope", "fallback")).toMatchObject({
      value: "fallback",
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
    await sdk.flush();
    const { exposures } = await server.stored("web-u1");
    expect(exposures).toEqual(
      ["of-bool", "of-flag", "of-layout", "of-price"].map((e) => ({
        experiment: e,
        variant: expected(e, "web-u1").variant,
      })),
    );
  });

  it("client.track('purchase', { value }) stores a track event for the static context's unit", async () => {
    OpenFeature.getClient().track("purchase", { value: 42.5, currency: "EUR" });
    await sdk.flush();
    const { events } = await server.stored("web-u1");
    expect(events).toEqual([{ name: "purchase", value: 42.5, properties: { currency: "EUR" } }]);
  });

  it("a context change re-evaluates for the new unit, which also becomes the client's default user", async () => {
    const changed = new Promise((resolve) => OpenFeature.addHandler(ProviderEvents.ContextChanged, resolve));
    await OpenFeature.setContext({ targetingKey: "web-u2" });
    await changed;
    const variant = expected("of-flag", "web-u2").variant;
    expect(OpenFeature.getClient().getStringValue("of-flag", "fallback")).toBe(variant);
    expect(sdk.getVariant("of-flag")).toBe(variant);
  });

  it("an empty context resolves to the default with TARGETING_KEY_MISSING", async () => {
    await OpenFeature.setContext({});
    expect(OpenFeature.getClient().getStringDetails("of-flag", "fallback")).toMatchObject({
      value: "fallback",
      reason: "ERROR",
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
    });
    await OpenFeature.setContext({ targetingKey: "web-u1" });
  });

  it("a config change on the server emits ConfigurationChanged with the changed flag", async () => {
    const events: unknown[] = [];
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (e) => events.push(e?.flagsChanged));
    const stop = await server.t.request("POST", "/api/v1/experiments/of-price/stop", {
      body: { decision: "rollback" },
    });
    expect(stop.status).toBe(200);
    await sdk.refresh();
    expect(events).toEqual([["of-price"]]);
    // Stopped: no longer in the config, so the flag is unknown and the default is served.
    expect(OpenFeature.getClient().getNumberDetails("of-price", 7)).toMatchObject({
      value: 7,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it("no config at start: Error; the first config that arrives: Ready", async () => {
    // The server is real; the first request fails as a network error would, later ones go through.
    let calls = 0;
    const flaky: FetchLike = (url, init) =>
      calls++ === 0 ? Promise.reject(new TypeError("fetch failed")) : fetch(url, init);
    const offline = server.client({ fetch: flaky, onError: () => {} });
    const statuses: string[] = [];
    const of = OpenFeature.getClient("flaky");
    of.addHandler(ProviderEvents.Error, () => statuses.push("error"));
    of.addHandler(ProviderEvents.Ready, () => statuses.push("ready"));
    await expect(OpenFeature.setProviderAndWait("flaky", new AbTestWebProvider(offline))).rejects.toThrow(
      /no SDK config/,
    );
    expect(of.providerStatus).toBe(ProviderStatus.ERROR);
    await offline.refresh();
    expect(of.providerStatus).toBe(ProviderStatus.READY);
    // The first "ready" is the default provider's: a handler added while the domain's provider is
    // ready runs at once (OpenFeature spec 5.3.3); then this provider's Error and Ready.
    expect(statuses).toEqual(["ready", "error", "ready"]);
  });
});
