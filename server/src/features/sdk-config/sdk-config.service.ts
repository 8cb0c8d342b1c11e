import { createHash } from "node:crypto";
import type { ExperimentConfig, SdkConfig } from "@splitlab/sdk/types";
import type { Db } from "../../db.js";
import type { ExperimentRow } from "../experiments/index.js";
import { listRunningExperiments } from "../experiments/index.js";

/** Maps a running experiment row to the SDK's `ExperimentConfig` (hashVersion 1). */
export function toExperimentConfig(row: ExperimentRow): ExperimentConfig {
  return {
    key: row.key,
    seed: row.seed,
    hashVersion: 1,
    unitAttribute: row.unitAttribute,
    variants: row.variants.map((v) =>
      v.payload === undefined
        ? { key: v.key, weight: v.weight }
        : { key: v.key, weight: v.weight, payload: v.payload },
    ),
    coverage: row.coverage,
    condition: row.condition ?? null,
    layer: row.layerKey ? { key: row.layerKey, range: [row.layerLo ?? 0, row.layerHi ?? 0] } : null,
    forced: row.forced,
  } satisfies ExperimentConfig;
}

/** A rendered config: the exact body bytes and their strong ETag. */
export interface RenderedConfig {
  body: string;
  /** Quoted strong ETag, e.g. `"3q2-..."`. */
  etag: string;
  version: string;
}

/** Options of {@link SdkConfigCache}. */
export interface SdkConfigCacheOptions {
  db: Db;
  /** Rebuild at least this often even without local changes (other processes may write), ms. Default 5000. */
  ttlMs?: number;
  now?: () => number;
}

/** The cached config of one environment. */
interface EnvironmentEntry {
  current: RenderedConfig | null;
  builtAt: number;
  builtGeneration: number;
  building: { generation: number; promise: Promise<RenderedConfig> } | null;
}

/**
 * In-process cache of the SDK config, one per environment: an SDK key receives the running
 * experiments enabled in its environment. `invalidate()` after experiment changes; the ETag
 * is the sha-256 of the environment and its experiments' JSON, and the body is kept
 * byte-identical (same `generatedAt`) while the content does not change, so the ETag is strong.
 */
export class SdkConfigCache {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, EnvironmentEntry>();
  /** Bumped by invalidate(); a build only counts for the generation it started in. */
  #generation = 0;

  constructor(options: SdkConfigCacheOptions) {
    this.#db = options.db;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  /** Marks every cached config stale (the next `get()` rebuilds, even if a build is in flight). */
  invalidate(): void {
    this.#generation++;
  }

  /** The current config of `environment`, rebuilt when invalidated or older than the TTL. */
  async get(environment: string): Promise<RenderedConfig> {
    let entry = this.#entries.get(environment);
    if (!entry) {
      // Environments are the few known to the project (key environments), so this stays small.
      if (this.#entries.size >= 1000) this.#entries.clear();
      entry = { current: null, builtAt: 0, builtGeneration: -1, building: null };
      this.#entries.set(environment, entry);
    }
    const e = entry;
    const generation = this.#generation;
    if (e.current && e.builtGeneration === generation && this.#now() - e.builtAt < this.#ttlMs) {
      return e.current;
    }
    if (e.building?.generation === generation) return e.building.promise;
    const previous = e.building?.promise.catch(() => undefined) ?? Promise.resolve();
    const promise = previous.then(() => this.#build(e, environment, generation));
    const building = { generation, promise };
    e.building = building;
    const clear = () => {
      if (e.building === building) e.building = null;
    };
    promise.then(clear, clear);
    return promise;
  }

  async #build(e: EnvironmentEntry, environment: string, generation: number): Promise<RenderedConfig> {
    const startedAt = this.#now();
    const experiments = (await listRunningExperiments(this.#db, environment)).map(toExperimentConfig);
    const contentJson = JSON.stringify([environment, experiments]);
    const version = createHash("sha256").update(contentJson).digest("base64url").slice(0, 32);
    if (e.current?.version !== version) {
      const payload: SdkConfig = { version, generatedAt: new Date(startedAt).toISOString(), experiments };
      e.current = { body: JSON.stringify(payload), etag: `"${version}"`, version };
    }
    e.builtAt = startedAt;
    e.builtGeneration = generation;
    return e.current;
  }
}

/** True when an If-None-Match header matches `etag` (weak comparison, `*` matches). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .includes(etag);
}
