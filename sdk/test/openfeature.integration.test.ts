/**
 * The OpenFeature server provider through the real `@openfeature/server-sdk` against the real
 * server over HTTP (the shared harness: startTestApp, PGlite or PostgreSQL with DATABASE_URL).
 */
import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../src/client.js";
import { AbTestProvider } from "../src/openfeature/index.js";
import { type OpenFeatureServer, startOpenFeatureServer } from "./openfeature-harness.js";

let server: OpenFeatureServer;
let sdk: Client;
beforeAll(async () => {
  server = await startOpenFeatureServer();
  sdk = server.client();
  await OpenFeature.setProviderAndWait(new AbTestProvider(sdk));
});
afterAll(async () => {
  await OpenFeature.close();
  await server.close();
});

describe("AbTestProvider with @openfeature/server-sdk and the real server", () => {
  it("answers TARGETING_KEY_MISSING with the default for an empty evaluation context", async () => {
    const of = OpenFeature.getClient();
    const details = await of.getStringDetails("of-flag", "fallback", {});
    expect(details).toMatchObject({
      value: "fallback",
      reason: "ERROR",
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
    });
    const ok = await of.getStringDetails("of-flag", "fallback", { targetingKey: "of-u1" });
    expect(["control", "treatment"]).toContain(ok.value);
    expect(ok.errorCode).toBeUndefined();
  });

  it("client.track('purchase', { value }) stores a track event for the context's unit", async () => {
    OpenFeature.getClient().track("purchase", { targetingKey: "of-u2" }, { value: 42.5, currency: "EUR" });
    await sdk.flush();
    const { events } = await server.stored("of-u2");
    expect(events).toEqual([{ name: "purchase", value: 42.5, properties: { currency: "EUR" } }]);
  });
});
