/**
 * The OpenFeature server provider through the real `@openfeature/server-sdk` against the real
 * server over HTTP (startTestApp: PGlite, or PostgreSQL when DATABASE_URL is set).
 */
import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../server/test/test-app.js";
import { type Client, createClient } from "../src/client.js";
import { AbTestProvider } from "../src/openfeature/index.js";

let t: TestApp;
let sdk: Client;
beforeAll(async () => {
  t = await startTestApp();
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "of", environment: "test" },
  });
  await t.request("POST", "/api/v1/experiments", {
    body: { key: "of-flag", name: "OF", variants: [{ key: "control" }, { key: "treatment" }] },
  });
  await t.request("POST", "/api/v1/experiments/of-flag/start");
  sdk = createClient({
    apiHost: t.url,
    sdkKey: key.body.token,
    refreshInterval: 0,
    flushInterval: 0,
    storage: null,
  });
  await OpenFeature.setProviderAndWait(new AbTestProvider(sdk));
});
afterAll(async () => {
  await OpenFeature.close();
  await t.close();
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
    const rows = (
      await t.db.execute(`select name, unit_id, value, properties from events where unit_id = 'of-u2'`)
    ).rows as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "purchase", unit_id: "of-u2", value: 42.5 });
    expect(rows[0]!.properties).toEqual({ currency: "EUR" });
  });
});
