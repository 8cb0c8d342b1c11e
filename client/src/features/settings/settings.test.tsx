// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderApp } from "../../../test/render.js";
import { type ServerProcess, startServerProcess } from "../../../test/server-process.js";
import { endSession, startSession } from "../../api/session.js";

const ADMIN_TOKEN = "ui-settings-admin-token-0123456789";
let server: ServerProcess;

async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  server = await startServerProcess(ADMIN_TOKEN);
  (window as unknown as { happyDOM: { setURL: (url: string) => void } }).happyDOM.setURL(`${server.url}/`);
  const metric = await api("/api/v1/metrics", {
    method: "POST",
    body: { key: "purchase", name: "Purchase", eventName: "purchase", type: "binomial" },
  });
  expect(metric.status).toBe(201);
}, 90_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  cleanup();
  endSession("signed-out");
  sessionStorage.clear();
});

/** Replaces a field's text (paste, since `{` is a key descriptor for userEvent.type). */
async function fill(label: string, text: string) {
  const input = screen.getByLabelText(label);
  await userEvent.clear(input);
  if (text) {
    await userEvent.click(input);
    await userEvent.paste(text);
  }
}

function errorOf(label: string): string {
  const input = screen.getByLabelText(label);
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id.endsWith("-error"));
  return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
}

async function experimentKeys(): Promise<string[]> {
  const list = await api("/api/v1/experiments");
  return (list.body.experiments as { key: string }[]).map((e) => e.key);
}

describe("settings: keys", () => {
  it("creates an SDK key (token shown once) and revokes it after confirming", async () => {
    startSession(ADMIN_TOKEN);
    renderApp("/settings");
    await screen.findByRole("heading", { name: "Settings" }, { timeout: 15_000 });
    await fill("Key name", "web shop");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    const token = (await screen.findByTestId("new-token", {}, { timeout: 10_000 })).textContent ?? "";
    expect(token).toMatch(/^sdk_/);
    // The token works against the SDK endpoint.
    const config = await fetch(`${server.url}/api/v1/sdk/config`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(config.status).toBe(200);

    await userEvent.click(await screen.findByRole("button", { name: "Revoke web shop" }));
    await userEvent.click(await screen.findByRole("button", { name: "Revoke key" }));
    expect(await screen.findByText(/^revoked /, {}, { timeout: 10_000 })).toBeDefined();
    const keys = (await api("/api/v1/keys")).body.keys as { name: string; revokedAt: string | null }[];
    expect(keys.find((k) => k.name === "web shop")?.revokedAt).not.toBeNull();
  }, 30_000);
});
