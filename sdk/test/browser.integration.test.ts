// @vitest-environment happy-dom
/**
 * The client in a browser environment (happy-dom: window, document, localStorage, fetch,
 * navigator.sendBeacon) against the real server in a child process over HTTP: CORS config
 * fetch from the key-in-path URL without headers, React re-render when the config arrives, localStorage persistence, and the
 * pagehide/visibilitychange beacon flush.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { act, cleanup, render, screen } from "@testing-library/react";
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignVariant } from "../src/assign.js";
import { createClient } from "../src/client.js";
import { ExperimentProvider, useVariant } from "../src/react/index.js";
import type { SdkConfig } from "../src/types.js";

let child: ChildProcessWithoutNullStreams;
let lines: Interface;
let nextLine: () => Promise<string>;
let url = "";
let fetchedConfig: SdkConfig | null = null;
let sdkKey = "";

beforeAll(async () => {
  child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "sdk/test/test-server.ts"], {
    cwd: resolve(import.meta.dirname, "../.."),
    env: process.env,
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  nextLine = async () => {
    const { value, done } = await iterator.next();
    if (done) throw new Error(`test server exited: ${stderr}`);
    return value as string;
  };
  ({ url, sdkKey } = JSON.parse(await nextLine()) as { url: string; sdkKey: string });
}, 60_000);

afterAll(async () => {
  child.stdin.end(); // the server shuts down and drops its database
  await new Promise((resolve) => child.once("exit", resolve));
});

async function counts(prefix: string): Promise<{ exposures: number; events: number }> {
  child.stdin.write(`count ${prefix}\n`);
  return JSON.parse(await nextLine()) as { exposures: number; events: number };
}

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ShowVariant() {
  return createElement("p", { "data-testid": "v" }, useVariant("banner") ?? "loading");
}

describe("browser client against the real server", () => {
  it("fetches the config cross-origin, re-renders React when it arrives, and persists it in localStorage", async () => {
    localStorage.clear();
    const errors: unknown[] = [];
    // The page's own fetch, watched: the config request must be a simple GET (no header of ours,
    // so no CORS preflight) of the cacheable key-in-path URL.
    const requests: { url: string; headers: unknown }[] = [];
    const client = createClient({
      apiHost: url,
      sdkKey,
      user: { id: "browser-1" },
      flushInterval: 0,
      refreshInterval: 0,
      onError: (e) => errors.push(e),
      fetch: (target, init) => {
        requests.push({ url: target, headers: init?.headers });
        return fetch(target, init);
      },
    });
    render(createElement(ExperimentProvider, { client }, createElement(ShowVariant)));
    expect(screen.getByTestId("v").textContent).toBe("loading");
    await act(() => client.ready());
    expect(errors).toEqual([]);
    expect(requests).toEqual([
      { url: `${url}/api/v1/sdk/config/${encodeURIComponent(sdkKey)}`, headers: undefined },
    ]);
    const exp = client.getConfig()!.experiments.find((e) => e.key === "banner")!;
    expect(screen.getByTestId("v").textContent).toBe(assignVariant(exp, { id: "browser-1" }).variant);
    expect(localStorage.getItem(`abtest:config:${sdkKey}`)).toContain('"banner"');
    fetchedConfig = client.getConfig();
    cleanup();

    // A reload with the server unreachable still assigns from the stored config.
    const offline = createClient({
      apiHost: "http://127.0.0.1:9",
      sdkKey,
      user: { id: "browser-1" },
      flushInterval: 0,
      refreshInterval: 0,
      closeTimeoutMs: 100, // its exposure cannot be delivered; do not retry for long
      onError: () => {},
    });
    expect(offline.getVariant("banner")).toBe(assignVariant(exp, { id: "browser-1" }).variant);
    await client.close();
    await offline.close();
  });

  it("sends the queue with sendBeacon when the page is hidden", async () => {
    // Bootstrapped from the config fetched above: happy-dom's own HTTP cache mishandles a
    // second conditional GET of the same URL ("ResponseCache: Cached response not found").
    const client = createClient({
      apiHost: url,
      sdkKey,
      flushInterval: 0,
      refreshInterval: 0,
      bootstrap: fetchedConfig!,
    });
    for (let i = 0; i < 5; i++) client.getVariant("banner", { id: `beacon-${i}` });
    client.track("scroll", { value: 3 }, { id: "beacon-0" });
    expect(client.stats().queued).toBe(6);
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    expect(client.stats()).toMatchObject({ queued: 0, beaconed: 6 });
    const stored = await waitFor(
      () => counts("beacon-"),
      (c) => c.exposures === 5 && c.events === 1,
    );
    expect(stored).toEqual({ exposures: 5, events: 1 });
    await client.close();
  });

  it("sizes beacons in UTF-8 bytes: non-ASCII text is split into beacons under the limit, all stored", async () => {
    // Watch (not replace) the real sendBeacon: record each body's UTF-8 size, then send it.
    const original = navigator.sendBeacon.bind(navigator);
    const sizes: number[] = [];
    Object.defineProperty(navigator, "sendBeacon", {
      configurable: true,
      value: (target: string, data: string) => {
        sizes.push(new TextEncoder().encode(data).length);
        return original(target, data);
      },
    });
    try {
      const client = createClient({
        apiHost: url,
        sdkKey,
        flushInterval: 0,
        refreshInterval: 0,
        bootstrap: fetchedConfig!,
      });
      // 200 UTF-16 units but 600 UTF-8 bytes of text per event: 100 events are about 33,000
      // UTF-16 units (under the 60,000 limit) yet about 73,000 bytes (over it).
      const text = "東京".repeat(100);
      for (let i = 0; i < 100; i++) client.track("read", { properties: { text } }, { id: `utf8-${i}` });
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
      expect(client.stats()).toMatchObject({ queued: 0, beaconed: 100 });
      expect(sizes.length).toBeGreaterThan(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(60_000);
      const stored = await waitFor(
        () => counts("utf8-"),
        (c) => c.events === 100,
      );
      expect(stored).toEqual({ exposures: 0, events: 100 });
      await client.close();
    } finally {
      Reflect.deleteProperty(navigator, "sendBeacon");
    }
  });
});
