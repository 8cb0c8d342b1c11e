import { describe, expect, it } from "vitest";
import { createClient } from "../src/client.js";
import type { SdkConfig } from "../src/types.js";

// Client behaviour that needs no network (bootstrap config, no timers). Delivery, ETag,
// retry and close() are tested against the real server in client.integration.test.ts.

const config: SdkConfig = {
  version: "v1",
  generatedAt: "2024-01-01T00:00:00.000Z",
  experiments: [
    {
      key: "checkout",
      seed: "checkout",
      hashVersion: 1,
      unitAttribute: "id",
      variants: [
        { key: "control", weight: 0.5, payload: { color: "grey" } },
        { key: "treatment", weight: 0.5, payload: { color: "green" } },
      ],
      coverage: 1,
      forced: { "qa-1": "treatment" },
      condition: { country: { $ne: "XX" } },
    },
  ],
};

function offlineClient(extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  const errors: unknown[] = [];
  const client = createClient({
    apiHost: "http://127.0.0.1:9", // never contacted: bootstrap, no timers, nothing flushed
    sdkKey: "sdk_test",
    bootstrap: config,
    refreshInterval: 0,
    flushInterval: 0,
    batchSize: 1000,
    storage: null,
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { client, errors };
}

describe("createClient (offline logic)", () => {
  it("assigns from the bootstrap config synchronously, identically to the pure core", () => {
    const { client } = offlineClient({ user: { id: "user-1" } });
    const a = client.getAssignment("checkout");
    expect(a.reason).toBe("assigned");
    expect(["control", "treatment"]).toContain(a.variant);
    expect(client.getVariant("checkout")).toBe(a.variant);
    expect(a.payload).toEqual(a.variant === "control" ? { color: "grey" } : { color: "green" });
  });

  it("logs one exposure per (experiment, unit, variant) and none for forced or excluded users", () => {
    const { client } = offlineClient();
    for (let i = 0; i < 3; i++) client.getVariant("checkout", { id: "u-1" });
    expect(client.stats().queued).toBe(1);
    client.getVariant("checkout", { id: "u-2" });
    expect(client.stats().queued).toBe(2);
    expect(client.getAssignment("checkout", { id: "qa-1" })).toMatchObject({
      variant: "treatment",
      reason: "forced",
    });
    expect(client.getAssignment("checkout", { id: "u-3", country: "XX" }).reason).toBe("targeting");
    expect(client.getAssignment("checkout", {}).reason).toBe("no-unit-id");
    expect(client.stats().queued).toBe(2);
  });

  it("the dedupe memory is bounded: a unit evicted by many newer units is logged again", () => {
    const { client } = offlineClient({ dedupeSize: 4, maxQueue: 10_000 });
    client.getVariant("checkout", { id: "a" });
    client.getVariant("checkout", { id: "a" });
    expect(client.stats().queued).toBe(1);
    for (let i = 0; i < 100; i++) client.getVariant("checkout", { id: `other-${i}` });
    expect(client.stats().queued).toBe(101);
    client.getVariant("checkout", { id: "a" }); // forgotten: 4 slots cannot hold 101 units
    expect(client.stats().queued).toBe(102);
  });

  it("bounds the queue: events beyond maxQueue are refused, counted and reported once", () => {
    const { client, errors } = offlineClient({ maxQueue: 5 });
    for (let i = 0; i < 8; i++) client.track("click", {}, { id: `u-${i}` });
    expect(client.stats()).toMatchObject({ queued: 5, dropped: 3 });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/queue is full/);
  });

  it("holds a 100,000-event backlog by default in Node (a batch job's synchronous loop)", () => {
    const { client, errors } = offlineClient({ maxQueue: undefined });
    for (let i = 0; i < 100_000; i++) client.getVariant("checkout", { id: `bulk-${i}` });
    expect(client.stats()).toMatchObject({ queued: 100_000, dropped: 0 });
    client.getVariant("checkout", { id: "one-more" });
    expect(client.stats()).toMatchObject({ queued: 100_000, dropped: 1 });
    expect(errors).toHaveLength(1);
  });

  it("a config whose condition bypassed the server (catastrophic $regex) is reported and matches no one, at once", () => {
    const exp = config.experiments[0]!;
    const unsafe: SdkConfig = {
      ...config,
      experiments: [
        { ...exp, key: "redos", seed: "redos", condition: { name: { $regex: "^(\\w+\\s?)*$" } } },
      ],
    };
    const { client, errors } = offlineClient({ bootstrap: unsafe });
    expect(String(errors[0])).toContain("redos: condition.name.$regex: regex-nested-quantifier");
    // Issue 10: this pattern took 1.65 s per call on this input; here it is never run.
    const user = { id: "u-1", name: "abcdefghijklmnopqrstuvwxyzab!" };
    expect(client.getAssignment("redos", user)).toMatchObject({ variant: "control", reason: "targeting" });
    expect(client.stats().queued).toBe(0);
  });

  it("returns the control (or null for an unknown experiment) and reports instead of throwing", () => {
    const { client, errors } = offlineClient();
    expect(client.getVariant("no-such-experiment", { id: "u" })).toBeNull();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("attribute getter exploded");
        },
      },
    );
    expect(client.getAssignment("checkout", hostile)).toMatchObject({
      variant: "control",
      inExperiment: false,
    });
    expect(errors).toHaveLength(1);
    client.track("purchase", { value: 1 }, hostile);
    expect(errors).toHaveLength(2);
    client.track("purchase", { value: 1 }, {});
    expect(String(errors[2])).toContain("no unit id");
  });

  it("even without options createClient returns a working client instead of throwing", async () => {
    const client = createClient(undefined as unknown as Parameters<typeof createClient>[0]);
    expect(client.getVariant("anything", { id: "u" })).toBeNull();
    await client.close();
  });

  it("a throwing onError does not reach the app", () => {
    const client = createClient({
      apiHost: "",
      sdkKey: "",
      bootstrap: config,
      refreshInterval: 0,
      flushInterval: 0,
      storage: null,
      onError: () => {
        throw new Error("bad handler");
      },
    });
    expect(client.getVariant("checkout", {})).toBe("control");
  });

  it("withdrawing consent clears the queue and the stored config", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    const { client } = offlineClient({ requireConsent: true, storage });
    client.getVariant("checkout", { id: "u-1" });
    client.track("click", {}, { id: "u-1" });
    expect(client.stats().queued).toBe(2);
    expect(store.size).toBe(0); // nothing stored before consent
    client.setConsent(true);
    expect(store.size).toBe(1);
    client.setConsent(false);
    expect(client.stats().queued).toBe(0);
    expect(store.size).toBe(0);
  });

  it("with a bootstrap config, ready() resolves at once and close() with nothing queued returns", async () => {
    const { client, errors } = offlineClient();
    expect(client.getConfig()).toBe(config);
    await client.ready();
    await client.close();
    expect(client.stats().queued).toBe(0);
    expect(errors).toHaveLength(0);
  });
});
