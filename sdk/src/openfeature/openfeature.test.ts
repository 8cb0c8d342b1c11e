import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { assignVariant } from "../assign.js";
import { createClient } from "../client.js";
import type { SdkConfig } from "../types.js";
import { AbTestProvider, contextToAttributes } from "./index.js";

const config: SdkConfig = {
  version: "v1",
  generatedAt: "2024-01-01T00:00:00.000Z",
  experiments: [
    {
      key: "pricing",
      seed: "pricing",
      hashVersion: 1,
      unitAttribute: "id",
      variants: [
        { key: "control", weight: 0.5, payload: { price: 10 } },
        { key: "discount", weight: 0.5, payload: { price: 8 } },
      ],
      coverage: 1,
      condition: { plan: "free" },
      forced: { "qa-1": "discount" },
    },
  ],
};

const sdk = createClient({
  apiHost: "http://127.0.0.1:9",
  sdkKey: "k",
  bootstrap: config,
  refreshInterval: 0,
  flushInterval: 0,
  storage: null,
});

afterAll(() => OpenFeature.close());

describe("sdk/openfeature", () => {
  it("resolves string flags to variant keys and object flags to payloads through the OpenFeature API", async () => {
    await OpenFeature.setProviderAndWait(new AbTestProvider(sdk));
    const of = OpenFeature.getClient();
    const expected = assignVariant(config.experiments[0], { id: "user-7", plan: "free" });

    const details = await of.getStringDetails("pricing", "fallback", {
      targetingKey: "user-7",
      plan: "free",
    });
    expect(details.value).toBe(expected.variant);
    expect(details.reason).toBe("SPLIT");
    expect(details.flagMetadata).toMatchObject({ reason: "assigned", inExperiment: true });

    const payload = await of.getObjectValue("pricing", {}, { targetingKey: "user-7", plan: "free" });
    expect(payload).toEqual(expected.payload);
    expect(sdk.stats().queued).toBe(1); // the exposure is logged (once) like getVariant
  });

  it("maps targeting misses to the control, forced users to TARGETING_MATCH, unknown flags to FLAG_NOT_FOUND", async () => {
    const of = OpenFeature.getClient();
    const miss = await of.getStringDetails("pricing", "fallback", { targetingKey: "user-7", plan: "pro" });
    expect(miss).toMatchObject({ value: "control", reason: "DEFAULT" });
    const forced = await of.getStringDetails("pricing", "fallback", { targetingKey: "qa-1", plan: "pro" });
    expect(forced).toMatchObject({ value: "discount", reason: "TARGETING_MATCH" });
    const unknown = await of.getStringDetails("nope", "fallback", { targetingKey: "user-7" });
    expect(unknown).toMatchObject({ value: "fallback", errorCode: ErrorCode.FLAG_NOT_FOUND });
    const wrongType = await of.getNumberDetails("pricing", 3, { targetingKey: "user-7", plan: "free" });
    expect(wrongType).toMatchObject({ value: 3, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it("maps the evaluation context: targetingKey becomes id, Dates become ISO strings", () => {
    expect(contextToAttributes({ targetingKey: "u", signup: new Date(0), tags: ["a"] })).toEqual({
      id: "u",
      signup: "1970-01-01T00:00:00.000Z",
      tags: ["a"],
    });
    expect(contextToAttributes({ targetingKey: "u", id: "own" }).id).toBe("own");
  });
});
