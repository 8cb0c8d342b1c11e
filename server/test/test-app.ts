import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AppDeps, type AppInstance, createApp } from "../src/app.js";
import type { Db } from "../src/db.js";
import { createTestDb, type TestDb } from "./test-db.js";

/** The ADMIN_TOKEN the test apps accept. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

/** Response of {@link TestApp.request}: status, headers and parsed JSON (or text). */
export interface TestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A real app over real HTTP on a fresh test database. Every answer is checked against the
 * API contract (`checkContract`): `close()` fails the file when one broke it.
 */
export interface TestApp {
  url: string;
  db: Db;
  testDb: TestDb;
  instance: AppInstance;
  /**
   * Sends a request; `token` defaults to the admin token (pass null for none), objects
   * are sent as JSON, strings as-is.
   */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on them
  request: <T = any>(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ) => Promise<TestResponse<T>>;
  close: () => Promise<void>;
}

/** Starts `createApp` on port 0 over a fresh migrated database (PGlite, or PostgreSQL with DATABASE_URL). */
export async function startTestApp(deps: Partial<AppDeps> = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const instance = createApp({
    db: testDb.db,
    adminToken: TEST_ADMIN_TOKEN,
    clientDist: null,
    checkContract: true,
    ...deps,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = instance.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  // Tests pause between requests for long synchronous work (PGlite runs in this process), and a
  // server closing an idle keep-alive socket (5 s by default) while the client reuses it resets
  // the next request (ECONNRESET). The client (undici, 4 s) closes idle sockets first this way.
  server.keepAliveTimeout = 65_000;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    db: testDb.db,
    testDb,
    instance,
    request: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? TEST_ADMIN_TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (typeof options.body === "string") body = options.body;
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      let parsed: unknown = text;
      if (res.headers.get("content-type")?.includes("json") && text) parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed as never };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await instance.drain();
      await testDb.cleanup();
      if (instance.contractViolations.length > 0) {
        throw new Error(`API contract violations:\n${instance.contractViolations.join("\n")}`);
      }
    },
  };
}
