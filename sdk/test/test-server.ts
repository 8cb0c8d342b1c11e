/**
 * A real server process for the browser-environment tests (happy-dom replaces Node globals,
 * so the server runs outside the test's environment): createApp on a fresh createTestDb
 * database, an SDK key and one running experiment "banner". Prints one JSON line
 * `{ url, sdkKey }`, then answers stdin lines `count <unit-prefix>` with
 * `{ exposures, events }` for units whose id starts with the prefix. Exits when stdin closes.
 *
 * Run: node --conditions=source --import tsx sdk/test/test-server.ts
 */
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { createApp } from "../../server/src/app.js";
import { createTestDb } from "../../server/test/test-db.js";

const ADMIN = "sdk-browser-test-admin-token-0123456789";
const testDb = await createTestDb();
const instance = createApp({ db: testDb.db, adminToken: ADMIN, clientDist: null });
const server = instance.app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function admin(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const { token } = (await admin("/api/v1/keys", {
  kind: "sdk",
  name: "browser tests",
  environment: "test",
})) as {
  token: string;
};
await admin("/api/v1/experiments", {
  key: "banner",
  name: "Banner",
  variants: [
    { key: "control", weight: 0.5 },
    { key: "treatment", weight: 0.5 },
  ],
});
await admin("/api/v1/experiments/banner/start");
process.stdout.write(`${JSON.stringify({ url, sdkKey: token })}\n`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, prefix = ""] = line.split(" ");
  if (command !== "count") continue;
  const like = `'${prefix.replaceAll("'", "''")}%'`;
  const result = await testDb.db.execute(
    `select (select count(*) from exposures where unit_id like ${like})::int as exposures,
            (select count(*) from events where unit_id like ${like})::int as events`,
  );
  const row = result.rows[0] as { exposures: number; events: number };
  process.stdout.write(
    `${JSON.stringify({ exposures: Number(row.exposures), events: Number(row.events) })}\n`,
  );
}
server.closeAllConnections();
server.close();
await instance.drain();
await testDb.cleanup();
