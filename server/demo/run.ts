/**
 * `runDemo`: creates the demo's metrics, an SDK key and a batch of experiments through the
 * public API, starts them backdated to the first simulated day, drives simulated users through
 * the real SDK over HTTP, waits until every report counts what was sent, and summarises them.
 */
import { assignVariant, type Client, createClient } from "@splitlab/sdk";
import type { ExperimentConfig, SdkConfig } from "@splitlab/sdk/types";
import { DEMO_SCENARIO, type DemoExperiment, type Scenario } from "./scenario.js";
import { type DemoUser, type SimulationLog, type SimulationStats, simulate } from "./simulate.js";

const DAY = 86_400_000;
/** SDK instances the simulated users are spread over (by user). */
const CLIENTS = 8;

export interface DemoOptions {
  /** Server base URL, e.g. http://localhost:3000. */
  url: string;
  /** Admin token. */
  token: string;
  seed?: number;
  units?: number;
  days?: number;
  /** Archive the experiments of earlier demo batches first. */
  reset?: boolean;
  scenario?: Scenario;
  /** Simulated "now" (epoch ms); default the wall clock. */
  end?: number;
  log?: SimulationLog;
  /** How long to wait for the reports to count everything (ms). */
  waitTimeoutMs?: number;
  onProgress?: (p: DemoProgress) => void;
  /** Lines for the user (what is being done); default none. */
  say?: (line: string) => void;
}

export interface DemoProgress {
  users: number;
  totalUsers: number;
  sent: number;
  queued: number;
  elapsedMs: number;
}

/** One experiment's report, as the demo reads it. */
export interface DemoReportSummary {
  key: string;
  name: string;
  expected: string;
  resultsUrl: string;
  recommendation: string;
  recommendedVariant: string | null;
  reasons: string[];
  srm: { pValue: number | null; mismatch: boolean; observed: number[] };
  multipleExposures: number;
  units: number;
  /** The first primary metric's comparisons. */
  primary: {
    metric: string;
    comparisons: {
      variant: string;
      relative: number | null;
      ci: [number, number] | null;
      pValue: number | null;
      significant: boolean;
      direction: string;
    }[];
  } | null;
  // biome-ignore lint/suspicious/noExplicitAny: the full report, for callers that look deeper
  report: any;
}

export interface DemoResult {
  /** Server experiment key by scenario key. */
  keys: Record<string, string>;
  stats: SimulationStats;
  startedAt: string;
  simulateMs: number;
  waitedMs: number;
  reports: DemoReportSummary[];
}

class ApiError extends Error {}

function api(url: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
    if (res.status === 401 || res.status === 403) {
      throw new ApiError(
        `${method} ${path}: ${res.status}; is the admin token right? (--token or ADMIN_TOKEN)`,
      );
    }
    return { status: res.status, body: parsed };
  };
}

const ok = <T>(r: { status: number; body: T }, what: string): T => {
  if (r.status >= 300) throw new ApiError(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** Runs the whole demo against a server; see the module comment. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const scenario = options.scenario ?? DEMO_SCENARIO;
  const seed = options.seed ?? 1;
  const units = options.units ?? 60_000;
  const days = options.days ?? 14;
  const end = options.end ?? Date.now();
  const say = options.say ?? (() => {});
  const call = api(options.url, options.token);

  // Metrics: created once, reused by later batches (same definition).
  for (const m of scenario.metrics) {
    const created = await call("POST", "/api/v1/metrics", {
      key: m.key,
      name: m.name,
      description: m.description,
      eventName: m.eventName,
      type: m.type,
      windowHours: m.windowHours,
      direction: m.direction,
      ...(m.cap === undefined ? {} : { cap: m.cap }),
    });
    if (created.status !== 201 && created.status !== 409) ok(created, `metric ${m.key}`);
  }

  const existing = ok(
    await call<{ experiments: { key: string; status: string }[] }>("GET", "/api/v1/experiments"),
    "list experiments",
  ).experiments;
  const taken = new Set(existing.map((e) => e.key));
  if (options.reset) {
    const old = existing.filter((e) => scenario.experiments.some((d) => isBatchOf(e.key, d.key)));
    for (const e of old) {
      if (e.status === "running") {
        await call("POST", `/api/v1/experiments/${e.key}/stop`, {
          decision: "inconclusive",
          note: "demo reset",
        });
      }
      if (e.status !== "archived") await call("POST", `/api/v1/experiments/${e.key}/archive`);
    }
    if (old.length > 0) say(`archived ${old.length} experiments of earlier demo runs`);
  }
  // A new batch: the plain keys the first time, then -2, -3, ...
  let batch = 1;
  const keyIn = (b: number, key: string) => (b === 1 ? key : `${key}-${b}`);
  while (scenario.experiments.some((e) => taken.has(keyIn(batch, e.key)))) batch++;
  const keys = Object.fromEntries(scenario.experiments.map((e) => [e.key, keyIn(batch, e.key)]));

  const startedAt = new Date(end - days * DAY).toISOString();
  for (const e of scenario.experiments) {
    const key = keys[e.key]!;
    ok(
      await call("POST", "/api/v1/experiments", {
        key,
        name: batch === 1 ? e.name : `${e.name} (${batch})`,
        hypothesis: e.hypothesis,
        variants: e.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })),
        primaryMetrics: e.primaryMetrics,
        guardrailMetrics: e.guardrailMetrics,
        analysis: { alpha: 0.05, sequential: e.sequential, correction: "holm" },
      }),
      `create ${key}`,
    );
    ok(await call("POST", `/api/v1/experiments/${key}/start`, { startedAt }), `start ${key}`);
  }
  say(
    `created and started ${scenario.experiments.length} experiments (batch ${batch}), backdated to ${startedAt}`,
  );

  const sdkKey = ok(
    await call<{ token: string }>("POST", "/api/v1/keys", {
      name: `demo batch ${batch}`,
      kind: "sdk",
      environment: "production",
    }),
    "create SDK key",
  ).token;

  let clock = end;
  const errors: string[] = [];
  const onError = (error: unknown, context: string) => {
    if (errors.length < 20) {
      errors.push(`${context}: ${String(error)}`);
      if (errors.length <= 3) say(`SDK: ${context}: ${String(error)}`);
    }
  };
  // Several SDK instances, like several app servers: their requests are in flight together,
  // which the server's group commit turns into fewer, larger transactions.
  const clientOptions = {
    apiHost: options.url,
    sdkKey,
    now: () => clock,
    exposureAttributes: ["device", "country", "source"],
    batchSize: 1000,
    flushInterval: 250,
    refreshInterval: 0,
    closeTimeoutMs: 300_000,
    requestTimeoutMs: 60_000,
    onError,
  };
  const first = createClient(clientOptions);
  await first.ready();
  const config = first.getConfig();
  if (!config)
    throw new ApiError(`the SDK could not load its config from ${options.url}: ${errors.join("; ")}`);
  const clients: Client[] = [first];
  for (let i = 1; i < CLIENTS; i++) clients.push(createClient({ ...clientOptions, bootstrap: config }));
  const byKey = new Map(config.experiments.map((e) => [e.key, e] as const));
  const legacy = createLegacyClient(options.url, sdkKey, config, () => clock, onError);

  let client = first;
  const sdk = {
    setTime: (ms: number) => {
      clock = ms;
    },
    onUser: (index: number) => {
      client = clients[index % CLIENTS]!;
    },
    getVariant: (key: string, user: DemoUser) => client.getVariant(key, user),
    peekVariant: (key: string, user: DemoUser) => assignVariant(byKey.get(key), user).variant,
    legacyVariant: (key: string, user: DemoUser) => legacy.getVariant(key, user),
    track: (name: string, value: number | undefined, user: DemoUser) =>
      client.track(name, value === undefined ? {} : { value }, user),
  };

  const t0 = performance.now();
  const all = [...clients, legacy];
  const total = (field: "sent" | "queued" | "dropped" | "rejected") =>
    all.reduce((sum, c) => sum + c.stats()[field], 0);
  const progress = (users: number) =>
    options.onProgress?.({
      users,
      totalUsers: units,
      sent: total("sent"),
      queued: total("queued"),
      elapsedMs: performance.now() - t0,
    });
  const stats = await simulate(scenario, sdk, {
    units,
    days,
    seed,
    end,
    keys,
    ...(options.log ? { log: options.log } : {}),
    paceEvery: 100,
    // Back-pressure: let the SDK send while the queue is long, so memory stays flat.
    pace: async () => {
      await new Promise((r) => setImmediate(r));
      while (total("queued") > 40_000) await new Promise((r) => setTimeout(r, 5));
    },
    onProgress: progress,
  });
  await Promise.all(all.map((c) => c.close()));
  progress(units);
  const simulateMs = performance.now() - t0;
  // Timeouts and retries along the way are reported to onError but lose nothing; an event
  // dropped, rejected or still queued after close() is a real loss.
  const lost = total("dropped") + total("rejected") + total("queued");
  if (lost > 0) {
    throw new ApiError(`the SDK could not deliver ${lost} events: ${errors.join("; ")}`);
  }

  // The reports count a unit once the refresh worker has seen it: wait until they count all.
  const w0 = performance.now();
  const timeout = options.waitTimeoutMs ?? 120_000;
  const reports: DemoReportSummary[] = [];
  let waitedSaid = false;
  for (const e of scenario.experiments) {
    const key = keys[e.key]!;
    for (;;) {
      const report = ok(
        await call<ReportShape>("GET", `/api/v1/experiments/${key}/results`),
        `results ${key}`,
      );
      const counted = report.units.reduce((s, u) => s + u.units, 0) + report.multipleExposures;
      if (counted >= stats.exposedUnits[key]!) {
        reports.push(summarise(options.url, e, key, report));
        break;
      }
      if (performance.now() - w0 > timeout) {
        throw new ApiError(
          `${key}: the report counts ${counted} of ${stats.exposedUnits[key]} units after ${Math.round(timeout / 1000)} s`,
        );
      }
      if (!waitedSaid) {
        say(
          "waiting for the results refresh to count every unit sent (the report shows data about a second old)...",
        );
        waitedSaid = true;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { keys, stats, startedAt, simulateMs, waitedMs: performance.now() - w0, reports };
}

/** A key of `base` itself or of a later batch (`base-2`, `base-3`, ...). */
function isBatchOf(key: string, base: string): boolean {
  return key === base || new RegExp(`^${base}-\\d+$`).test(key);
}

/**
 * A second SDK instance standing for a legacy app build that hashes with an old seed: the
 * same unit can get another variant from it, as happens when a bug or an old client mixes
 * assignments. Its config is the real one with the seeds changed, and it never refetches.
 */
function createLegacyClient(
  url: string,
  sdkKey: string,
  config: SdkConfig,
  now: () => number,
  onError: (error: unknown, context: string) => void,
): Client {
  const experiments: ExperimentConfig[] = config.experiments.map((e) => ({ ...e, seed: `${e.seed}-legacy` }));
  return createClient({
    apiHost: url,
    sdkKey,
    now,
    bootstrap: { ...config, experiments, version: `${config.version}-legacy` },
    refreshInterval: 0,
    exposureAttributes: ["device", "country", "source"],
    batchSize: 1000,
    flushInterval: 250,
    closeTimeoutMs: 300_000,
    requestTimeoutMs: 60_000,
    onError,
  });
}

interface ReportShape {
  units: { variant: string; units: number }[];
  multipleExposures: number;
  srm: { pValue: number | null; mismatch: boolean; observed: number[] } | null;
  decision: { recommendation: string; variant?: string | null; reasons: string[] };
  metrics: {
    metric: string;
    kind: string;
    comparisons: {
      variant: string;
      relative: { estimate: number; ci: [number, number] } | null;
      pValue: number | null;
      significant: boolean;
      direction: string;
      sequential?: { ci: [number, number]; pValue: number } | null;
    }[];
  }[];
}

function summarise(url: string, e: DemoExperiment, key: string, report: ReportShape): DemoReportSummary {
  const primary = report.metrics.find((m) => m.kind === "primary") ?? null;
  return {
    key,
    name: e.name,
    expected: e.expected,
    resultsUrl: `${url}/experiments/${key}/results`,
    recommendation: report.decision.recommendation,
    recommendedVariant: report.decision.variant ?? null,
    reasons: report.decision.reasons,
    srm: {
      pValue: report.srm?.pValue ?? null,
      mismatch: report.srm?.mismatch ?? false,
      observed: report.srm?.observed ?? [],
    },
    multipleExposures: report.multipleExposures,
    units: report.units.reduce((s, u) => s + u.units, 0),
    primary: primary && {
      metric: primary.metric,
      comparisons: primary.comparisons.map((c) => ({
        variant: c.variant,
        relative: c.relative?.estimate ?? null,
        ci: c.relative?.ci ?? null,
        // The p-value of the test that decides: the always-valid one when sequential is on.
        pValue: e.sequential && c.sequential ? c.sequential.pValue : c.pValue,
        significant: c.significant,
        direction: c.direction,
      })),
    },
    report,
  };
}
