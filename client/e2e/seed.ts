/**
 * Demo-like data for the end-to-end tests: a running experiment that wins, a running one with a
 * skewed split (SRM), a draft and a stopped one. Units and events are inserted with SQL and
 * "received" an hour ago, like results.test.ts does; the results worker is stepped once at the end
 * (the report serves the worker's latest refreshed state).
 * The SQL is built from this file's own constants only (numbers and fixed keys), never from input.
 */
import { expect } from "vitest";
import type { TestApp } from "../../server/test/test-app.js";

async function ok(t: TestApp, method: string, path: string, body?: unknown): Promise<void> {
  const res = await t.request(method, path, body === undefined ? {} : { body });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
}

/**
 * `units` units split between control and treatment (`treatmentShare`), converting at
 * `rates[0]` / `rates[1]` (deterministic: unit i converts when (i·7919 mod 1000) < rate·1000).
 */
async function traffic(
  t: TestApp,
  options: {
    experiment: string;
    units: number;
    treatmentShare: number;
    rates: [number, number];
    days: number;
  },
): Promise<void> {
  const { experiment, units, treatmentShare, rates, days } = options;
  if (!/^[a-z0-9-]+$/.test(experiment)) throw new Error(`bad experiment key ${experiment}`);
  const e = `'${experiment}'`;
  const share = Math.round(treatmentShare * 1000);
  await t.db.execute(`
    insert into exposures (id, experiment_key, variant_key, unit_id, ts, received_at)
    select gen_random_uuid(), ${e},
      case when (i % 1000) < ${share} then 'treatment' else 'control' end,
      ${e} || '-u' || i,
      now() - interval '1 hour' - (i % ${days * 24}) * interval '1 hour',
      now() - interval '1 hour'
    from generate_series(1, ${units}) as i`);
  await t.db.execute(`
    insert into events (id, name, unit_id, ts, value, received_at)
    select gen_random_uuid(), 'purchase', ${e} || '-u' || i,
      now() - interval '1 hour' - (i % ${days * 24}) * interval '1 hour' + interval '10 minutes',
      null, now() - interval '1 hour'
    from generate_series(1, ${units}) as i
    where (i * 7919 % 1000) < case when (i % 1000) < ${share}
      then ${Math.round(rates[1] * 1000)} else ${Math.round(rates[0] * 1000)} end`);
  await t.db.execute(
    `update experiments set started_at = now() - ${days} * interval '1 day' where key = ${e}`,
  );
}

/** Creates the metric and four experiments in every status with traffic for the running ones. */
export async function seedExperiments(t: TestApp): Promise<void> {
  await ok(t, "POST", "/api/v1/metrics", {
    key: "purchased",
    name: "Purchased",
    eventName: "purchase",
    type: "binomial",
    windowHours: 72,
  });
  const experiment = (key: string, name: string) => ({
    key,
    name,
    hypothesis: "",
    variants: [{ key: "control" }, { key: "treatment" }],
    primaryMetrics: ["purchased"],
  });
  await ok(t, "POST", "/api/v1/experiments", experiment("new-checkout", "New checkout flow"));
  await ok(t, "POST", "/api/v1/experiments/new-checkout/start");
  await traffic(t, {
    experiment: "new-checkout",
    units: 8000,
    treatmentShare: 0.5,
    rates: [0.1, 0.13],
    days: 12,
  });

  await ok(t, "POST", "/api/v1/experiments", experiment("homepage-banner", "Homepage banner"));
  await ok(t, "POST", "/api/v1/experiments/homepage-banner/start");
  await traffic(t, {
    experiment: "homepage-banner",
    units: 6000,
    treatmentShare: 0.58,
    rates: [0.1, 0.1],
    days: 5,
  });

  await ok(t, "POST", "/api/v1/experiments", experiment("pricing-page", "Pricing page copy"));

  await ok(t, "POST", "/api/v1/experiments", experiment("search-ranking", "Search ranking v2"));
  await ok(t, "POST", "/api/v1/experiments/search-ranking/start");
  await ok(t, "POST", "/api/v1/experiments/search-ranking/stop", {
    decision: "ship",
    variant: "treatment",
    note: "Clear win on purchases.",
  });
  await t.instance.refresher.tick();
}
