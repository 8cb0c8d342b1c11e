import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type AppInstance, createApp } from "../src/app.js";
import type { Db } from "../src/db.js";
import { experiments } from "../src/features/experiments/experiments.table.js";
import { createTestDb } from "./test-db.js";

/** A running app (createApp on loopback port 0) over an isolated test database. */
export interface EventsHarness {
  db: Db;
  app: AppInstance;
  baseUrl: string;
  sdkKey: string;
  adminToken: string;
  close: () => Promise<void>;
}

/**
 * Starts the real app on a fresh test database (PGlite, or PostgreSQL with DATABASE_URL),
 * creates an SDK key through the API and three experiments: "checkout" (running),
 * "draft-exp" (draft) and "stopped-exp" (stopped), each with variants control/treatment.
 */
export async function startEventsHarness(): Promise<EventsHarness> {
  const database = await createTestDb();
  const db = database.db;
  const variants = [
    { key: "control", name: "Control", weight: 0.5 },
    { key: "treatment", name: "Treatment", weight: 0.5 },
  ];
  const analysis = { alpha: 0.05, sequential: false, correction: "none" } as const;
  const seeded = [
    ["checkout", "running"],
    ["draft-exp", "draft"],
    ["stopped-exp", "stopped"],
  ] as const;
  await db
    .insert(experiments)
    .values(seeded.map(([key, status]) => ({ key, name: key, seed: key, status, variants, analysis })));
  const adminToken = `adm_${randomUUID()}`;
  const app = createApp({ db, adminToken, clientDist: null, checkContract: true });
  const server = app.app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const res = await fetch(`${baseUrl}/api/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "sdk", name: "events test", environment: "test" }),
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`creating an SDK key: ${res.status} ${await res.text()}`);
  const { token: sdkKey } = (await res.json()) as { token: string };
  return {
    db,
    app,
    baseUrl,
    sdkKey,
    adminToken,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.drain();
      await database.cleanup();
      if (app.contractViolations.length > 0) {
        throw new Error(`API contract violations:\n${app.contractViolations.join("\n")}`);
      }
    },
  };
}
