/**
 * Shared set-up of the component tests that drive a page against a real server process: the
 * server (with one `purchase` metric), the browser URL pointing at it, an admin API helper,
 * clean-up after each test, and form helpers.
 */
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { endSession } from "../src/api/session.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

/** The running server of the test file (set in its `beforeAll`). */
export interface PageServer {
  readonly url: string;
  api(
    path: string,
    init?: { method?: string; body?: unknown },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Keys of the experiments stored on the server. */
  experimentKeys(): Promise<string[]>;
}

/** Registers the hooks of a test file that renders pages against a fresh server with `adminToken`. */
export function startPageServer(adminToken: string): PageServer {
  let server: ServerProcess | undefined;
  const api: PageServer["api"] = async (path, init = {}) => {
    const response = await fetch(`${server!.url}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    server = await startServerProcess(adminToken);
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
  return {
    get url() {
      return server!.url;
    },
    api,
    experimentKeys: async () => {
      const list = await api("/api/v1/experiments");
      return (list.body.experiments as { key: string }[]).map((e) => e.key);
    },
  };
}

/** Replaces a field's text (paste, since `{` is a key descriptor for userEvent.type). */
export async function fill(label: string, text: string): Promise<void> {
  const input = screen.getByLabelText(label);
  await userEvent.clear(input);
  if (text) {
    await userEvent.click(input);
    await userEvent.paste(text);
  }
}

/** The error text linked to a field through `aria-describedby` (ids ending in `-error`). */
export function errorOf(label: string): string {
  const input = screen.getByLabelText(label);
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id.endsWith("-error"));
  return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
}
