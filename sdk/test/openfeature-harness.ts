/**
 * The real server for the OpenFeature provider tests (server and web): startTestApp (PGlite, or
 * PostgreSQL when DATABASE_URL is set) with an SDK key and running experiments, SDK clients
 * against it over HTTP, and what the server stored for a unit.
 *
 * Experiments: "of-flag" (control / treatment, no payloads) and one per payload type:
 * "of-bool" (false / true), "of-price" (10 / 8), "of-layout" ({ columns: 1 } / { columns: 2 }).
 */
import { startTestApp, type TestApp } from "../../server/test/test-app.js";
import { type Client, type ClientOptions, createClient } from "../src/client.js";
import type { Json } from "../src/types.js";

export interface OpenFeatureServer {
  t: TestApp;
  sdkKey: string;
  /** An SDK client of this server with no timers and no storage (options override). */
  client(options?: Partial<ClientOptions>): Client;
  /** Exposures and track events the server stored for a unit. */
  stored(unitId: string): Promise<{
    exposures: { experiment: string; variant: string }[];
    events: { name: string; value: number | null; properties: unknown }[];
  }>;
  close(): Promise<void>;
}

const PAYLOADS: Record<string, [Json, Json]> = {
  "of-bool": [false, true],
  "of-price": [10, 8],
  "of-layout": [{ columns: 1 }, { columns: 2 }],
};

export async function startOpenFeatureServer(): Promise<OpenFeatureServer> {
  const t = await startTestApp();
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "openfeature", environment: "test" },
  });
  const experiments: [string, [Json, Json] | null][] = [["of-flag", null], ...Object.entries(PAYLOADS)];
  for (const [experiment, payloads] of experiments) {
    const variants = ["control", "treatment"].map((variant, i) =>
      payloads ? { key: variant, payload: payloads[i] } : { key: variant },
    );
    const created = await t.request("POST", "/api/v1/experiments", {
      body: { key: experiment, name: experiment, variants },
    });
    if (created.status !== 201) throw new Error(`create ${experiment}: ${JSON.stringify(created.body)}`);
    await t.request("POST", `/api/v1/experiments/${experiment}/start`);
  }
  const clients: Client[] = [];
  return {
    t,
    sdkKey: key.body.token,
    client(options = {}) {
      const c = createClient({
        apiHost: t.url,
        sdkKey: key.body.token,
        refreshInterval: 0,
        flushInterval: 0,
        storage: null,
        ...options,
      });
      clients.push(c);
      return c;
    },
    async stored(unitId) {
      const unit = `'${unitId.replaceAll("'", "''")}'`; // a test's own ids, quoted as SQL literals
      const exposures = await t.db.execute(
        `select experiment_key as experiment, variant_key as variant from exposures where unit_id = ${unit} order by experiment_key`,
      );
      const events = await t.db.execute(
        `select name, value, properties from events where unit_id = ${unit} order by name`,
      );
      return { exposures: exposures.rows, events: events.rows } as never;
    },
    async close() {
      for (const c of clients) await c.close();
      await t.close();
    },
  };
}
