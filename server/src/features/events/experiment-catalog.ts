/** experiment key -> its variant keys, for experiments that may receive exposures. */
export type ExperimentVariants = Map<string, ReadonlySet<string>>;

/** Options of {@link ExperimentCatalog}. */
export interface ExperimentCatalogOptions {
  /** Loads running and stopped experiments with their variant keys. */
  load: () => Promise<ExperimentVariants>;
  /** How long a loaded map is trusted, in ms (default 5000). */
  ttlMs?: number;
  /** An unknown key triggers a reload at most this often, in ms (default 1000). */
  missReloadMs?: number;
  now?: () => number;
}

/**
 * Cached lookup of experiment keys -> variant keys used to validate exposures without a
 * query per event. A key that is not in the cache reloads it (at most once per
 * `missReloadMs`), so an experiment started a moment ago is accepted right away;
 * concurrent reloads share one query. A load that was in flight when {@link invalidate} was
 * called is stale: it never installs its map, and later callers wait for a fresh load.
 */
export class ExperimentCatalog {
  readonly #load: () => Promise<ExperimentVariants>;
  readonly #ttlMs: number;
  readonly #missReloadMs: number;
  readonly #now: () => number;
  #map: ExperimentVariants | null = null;
  #loadedAt = 0;
  #loading: Promise<ExperimentVariants> | null = null;
  /** Bumped by {@link invalidate}: a load started before it must not install its map. */
  #generation = 0;

  constructor(options: ExperimentCatalogOptions) {
    this.#load = options.load;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#missReloadMs = options.missReloadMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Returns the map to validate one request against. Keys missing from the cached map
   * cause one reload (rate-limited) before they are declared unknown.
   */
  async snapshot(keys: Iterable<string>): Promise<ExperimentVariants> {
    let map = this.#map;
    const age = this.#now() - this.#loadedAt;
    if (!map || age > this.#ttlMs) map = await this.#reload();
    else if (age > this.#missReloadMs) {
      for (const key of keys) {
        if (!map.has(key)) {
          map = await this.#reload();
          break;
        }
      }
    }
    return map;
  }

  /** Forgets the cached map (call after an experiment changes state). */
  invalidate(): void {
    this.#generation++;
    this.#map = null;
    this.#loading = null;
  }

  #reload(): Promise<ExperimentVariants> {
    if (!this.#loading) {
      const generation = this.#generation;
      const loading = this.#load()
        .then((map) => {
          if (generation === this.#generation) {
            this.#map = map;
            this.#loadedAt = this.#now();
          }
          return map;
        })
        .finally(() => {
          if (this.#loading === loading) this.#loading = null;
        });
      this.#loading = loading;
    }
    return this.#loading;
  }
}
