import {
  type Assignment,
  assignPrepared,
  notRunning,
  type PreparedExperiment,
  prepareExperiment,
  result,
  type User,
  unitIdOf,
} from "./assign.js";
import { validateCondition } from "./condition.js";
import { createDelivery, type DeliveryStats } from "./delivery.js";
import { createSeenUnits, type SeenUnits } from "./lru.js";
import {
  defaultFetch,
  defaultStorage,
  type FetchLike,
  isBrowser,
  onPageHide,
  type StorageLike,
  timeoutSignal,
  unrefTimer,
} from "./runtime.js";
import type { Json, SdkConfig } from "./types.js";

/** Options of {@link createClient}. Durations are milliseconds. */
export interface ClientOptions {
  /** Base URL of the server, e.g. "https://ab.example.com". */
  apiHost: string;
  /** Public SDK key of one environment. */
  sdkKey: string;
  /**
   * User attributes copied onto every exposure (e.g. `["device", "country"]`), so the report can
   * break results down by them. None by default: only the attributes named here leave the app.
   * Strings, numbers and booleans only.
   */
  exposureAttributes?: string[];
  /** Default user (attributes + unit id) for calls that pass none. */
  user?: User;
  /** Send and store nothing until `setConsent(true)`. Default false. */
  requireConsent?: boolean;
  /** Receives every internal failure; the SDK never throws into the app. */
  onError?: (error: unknown, context: string) => void;
  /** Send queued events this often. Default 5000; 0 sends only on flush()/close()/batch full. */
  flushInterval?: number;
  /**
   * Most events kept while waiting to send. A full queue refuses new events: each is counted in
   * `stats().dropped`, the overflow is reported to `onError`, and a refused exposure is logged
   * again by the next `getVariant` for that unit. Default 100000 in Node (a batch job's
   * synchronous loop cannot send until it yields), 10000 in browsers.
   */
  maxQueue?: number;
  /** Events per POST (server limit 1000). Default 100. */
  batchSize?: number;
  /** Config to start from (server-side rendering, tests); skips the initial fetch. */
  bootstrap?: SdkConfig;
  /** Refetch the config (with ETag) this often. Default 60000; 0 disables. */
  refreshInterval?: number;
  /** Units remembered per experiment to log each (experiment, unit, variant) exposure once. Default 10000. */
  dedupeSize?: number;
  /** First retry delay after a network error/5xx; doubles up to retryMaxMs, with jitter. Default 1000. */
  retryBaseMs?: number;
  /** Default 60000. */
  retryMaxMs?: number;
  /** How long close() keeps retrying to deliver queued events. Default 5000. */
  closeTimeoutMs?: number;
  /** Per-request timeout. Default 10000. */
  requestTimeoutMs?: number;
  /** Custom fetch (defaults to the global one). */
  fetch?: FetchLike;
  /** Where the last good config is kept; defaults to localStorage in browsers, none in Node. */
  storage?: StorageLike | null;
  /**
   * The clock that stamps exposures and events (epoch milliseconds). Default `Date.now`.
   * Simulators and tests pass their own to replay traffic over simulated days; timers,
   * retries and timeouts keep using real time.
   */
  now?: () => number;
}

/** What `track` records besides the event name. */
export interface TrackOptions {
  value?: number;
  properties?: Record<string, Json>;
  /** Attribute that holds the unit id. Default "id". */
  unitAttribute?: string;
}

/** The SDK client: assignment, exposure logging, event tracking, config refresh. */
export interface Client {
  /** Resolves once the first config load finished (success or not). Never rejects. */
  ready(): Promise<void>;
  /** The variant key; the control when not in the experiment or on failure; null if the experiment is unknown. */
  getVariant(experimentKey: string, user?: User): string | null;
  /** The full assignment (variant, payload, reason); logs one exposure when `reason` is "assigned". */
  getAssignment(experimentKey: string, user?: User): Assignment;
  /** Enqueue a behavioral event for the user's unit id. */
  track(eventName: string, options?: TrackOptions, user?: User): void;
  /** Replace the default user. */
  setUser(user: User): void;
  /** Grant (flushes what waited) or withdraw consent (clears the queue and stored config). */
  setConsent(granted: boolean): void;
  /** Send queued events now (one pass; failures are retried later in the background). */
  flush(): Promise<void>;
  /** Fetch the config now (conditional on the ETag). */
  refresh(): Promise<void>;
  /** The config in use, or null before the first load. */
  getConfig(): SdkConfig | null;
  /** Called after each config change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Delivery counters. */
  stats(): DeliveryStats;
  /** Stop timers and listeners and deliver what is queued (retrying until closeTimeoutMs). */
  close(): Promise<void>;
}

function isSdkConfig(value: unknown): value is SdkConfig {
  const v = value as SdkConfig | null | undefined;
  return typeof v?.version === "string" && Array.isArray(v.experiments);
}

/**
 * Create an SDK client. Never throws: invalid options and runtime failures are reported to
 * `onError` and the client falls back to the control experience.
 *
 * @example
 * const client = createClient({ apiHost: "https://ab.example.com", sdkKey: "sdk_live_...", user: { id: "u-1" } });
 * await client.ready();
 * if (client.getVariant("new-checkout") === "treatment") showNewCheckout();
 * client.track("purchase", { value: 42.5 });
 */
export function createClient(clientOptions: ClientOptions): Client {
  const options: Partial<ClientOptions> = clientOptions ?? {};
  const onError = options.onError;
  const report = (error: unknown, context: string) => {
    try {
      onError?.(error, context);
    } catch {
      // a throwing onError must not break the host app either
    }
  };
  const fail = (message: string, context: string) => report(new Error(message), context);
  const base = String(options.apiHost ?? "").replace(/\/+$/, "");
  const sdkKey = String(options.sdkKey ?? "");
  const fetchImpl: FetchLike =
    options.fetch ?? defaultFetch() ?? (() => Promise.reject(new Error("no fetch")));
  const storage = options.storage === undefined ? defaultStorage() : options.storage;
  const storageKey = `abtest:config:${sdkKey}`;
  const headers = { authorization: `Bearer ${sdkKey}` };
  const refreshInterval = options.refreshInterval ?? 60_000;
  const flushInterval = options.flushInterval ?? 5_000;
  const batchSize = Math.max(1, Math.min(1000, options.batchSize ?? 100));
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  const now = typeof options.now === "function" ? options.now : cachedClock();
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  let user: User = options.user ?? {};
  let consent = !options.requireConsent;
  let closed = false;
  let config: SdkConfig | null = null;
  let etag: string | null = null;
  let experiments = new Map<string, PreparedExperiment>();
  // The last experiment asked for, prepared, and its exposure memory.
  let lastKey: string | null = null;
  let lastPrepared: PreparedExperiment | undefined;
  let lastUnits: SeenUnits | undefined;
  const listeners = new Set<() => void>();
  const dedupeSize = options.dedupeSize ?? 10_000;
  const exposureAttributes = options.exposureAttributes;
  const seen = new Map<string, SeenUnits>(); // per experiment
  const timers: ReturnType<typeof setInterval>[] = [];
  let flushSoon = false;

  const delivery = createDelivery({
    base,
    sdkKey,
    headers,
    fetch: fetchImpl,
    batchSize,
    requestTimeoutMs,
    limits: options,
    consent: () => consent,
    report,
  });

  function persist(): void {
    if (!storage || !consent || !config) return;
    try {
      storage.setItem(storageKey, JSON.stringify({ etag, config }));
    } catch (error) {
      report(error, "storage");
    }
  }

  function setConfig(next: SdkConfig, nextEtag: string | null): void {
    config = next;
    etag = nextEtag;
    const map = new Map<string, PreparedExperiment>();
    for (const e of next.experiments) {
      map.set(e.key, prepareExperiment(e));
      // An invalid condition matches no one (evaluateCondition fails closed): say why, once.
      const issue = e.condition && validateCondition(e.condition)[0];
      if (issue) fail(`${e.key}: condition.${issue.path.join(".")}: ${issue.code}`, "config");
    }
    experiments = map;
    lastKey = null;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        report(error, "subscribe");
      }
    }
  }

  function loadStored(): void {
    try {
      const parsed = JSON.parse(storage?.getItem(storageKey) || "{}") as {
        etag?: string | null;
        config?: unknown;
      };
      if (isSdkConfig(parsed.config)) setConfig(parsed.config, parsed.etag ?? null);
    } catch (error) {
      report(error, "storage");
    }
  }

  // Browsers GET the key-in-path URL with no header of ours: a simple request (no CORS
  // preflight) that the browser's HTTP cache revalidates by ETag itself and a CDN can cache.
  // Elsewhere the key goes in the Authorization header, with If-None-Match.
  const browser = isBrowser();
  async function refresh(): Promise<void> {
    try {
      const res = await fetchImpl(
        `${base}/api/v1/sdk/config${browser ? `/${encodeURIComponent(sdkKey)}` : ""}`,
        {
          signal: timeoutSignal(requestTimeoutMs),
          headers: browser ? undefined : etag ? { ...headers, "if-none-match": etag } : headers,
        },
      );
      if (res.status === 304) return;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json();
      if (!isSdkConfig(body)) throw new Error("bad config");
      // A browser's cache answers an unchanged config with 200 and the same body.
      if (body.version === config?.version) return;
      setConfig(body, res.headers.get("etag") ?? `"${body.version}"`);
      persist();
    } catch (error) {
      report(error, "config"); // keep the last good config
    }
  }

  // A full batch is sent as soon as the caller's synchronous code returns (a microtask), so
  // an async loop sends while it runs instead of waiting for the flush interval.
  function scheduleFlushSoon(): void {
    if (flushSoon || closed) return;
    flushSoon = true;
    queueMicrotask(() => {
      flushSoon = false;
      void delivery.flush();
    });
  }

  function enqueueSize(): void {
    if (delivery.size >= batchSize && consent) scheduleFlushSoon();
  }

  let readyPromise = Promise.resolve();
  try {
    if (!base) fail("no apiHost", "options");
    if (isSdkConfig(options.bootstrap)) {
      setConfig(options.bootstrap, `"${options.bootstrap.version}"`);
    } else {
      loadStored();
      readyPromise = refresh();
    }
    if (refreshInterval > 0) {
      const t = setInterval(() => void refresh(), refreshInterval);
      unrefTimer(t);
      timers.push(t);
    }
    if (flushInterval > 0) {
      const t = setInterval(() => void delivery.flush(), flushInterval);
      unrefTimer(t);
      timers.push(t);
    }
  } catch (error) {
    report(error, "createClient");
  }
  const removePageHide = onPageHide(() => {
    try {
      delivery.beacon();
    } catch (error) {
      report(error, "beacon");
    }
  });

  // getVariant only needs the key: it assigns into this one reused object (no allocation).
  const scratch = notRunning();

  function assign(experimentKey: string, who: User | undefined, out: Assignment): Assignment {
    // The same experiment is asked for again and again: one string comparison, no map lookup.
    if (experimentKey !== lastKey) {
      lastKey = experimentKey;
      lastPrepared = experiments.get(experimentKey);
      lastUnits = seen.get(experimentKey);
    }
    const prepared = lastPrepared;
    try {
      const result = assignPrepared(out, prepared, who ?? user);
      if (result.reason === "assigned" && !closed) {
        const variant = result.variant!;
        const unitId = result.unitId!;
        const hash = prepared!.hash;
        if (!lastUnits) {
          lastUnits = createSeenUnits(dedupeSize);
          seen.set(experimentKey, lastUnits);
        }
        const units = lastUnits;
        if (units.add(unitId, variant, hash)) {
          // Not queued (queue full): not remembered either, so the next call logs it.
          const queued =
            !delivery.refuse() &&
            delivery.push({
              type: "exposure",
              experiment: experimentKey,
              variant,
              unitId,
              time: now(),
              attributes: exposureAttributes && pickAttributes(who ?? user, exposureAttributes),
            });
          if (queued) enqueueSize();
          else units.forget(unitId, hash);
        }
      }
      return result;
    } catch (error) {
      report(error, "getAssignment");
      try {
        return result(notRunning(), prepared?.config, 0, false, "not-running", null);
      } catch {
        return notRunning();
      }
    }
  }

  return {
    ready: () => readyPromise,
    getAssignment: (experimentKey, who) => assign(experimentKey, who, notRunning()),
    getVariant: (experimentKey, who) => assign(experimentKey, who, scratch).variant,
    track(eventName, trackOptions = {}, who) {
      try {
        if (closed) return;
        const unitId = unitIdOf(who ?? user, trackOptions.unitAttribute);
        if (unitId === null) {
          fail(`track("${eventName}"): no unit id`, "track");
          return;
        }
        let properties = trackOptions.properties;
        try {
          // A copy as of this call, and a check that it can be sent at all (no cycles, BigInt).
          if (properties !== undefined) properties = JSON.parse(JSON.stringify(properties));
        } catch (error) {
          delivery.stats.rejected++;
          fail(`track("${eventName}"): properties are not JSON (${error})`, "track");
          return;
        }
        if (
          delivery.push({
            type: "track",
            name: String(eventName),
            unitId,
            time: now(),
            value: trackOptions.value,
            properties,
          })
        )
          enqueueSize();
      } catch (error) {
        report(error, "track");
      }
    },
    setUser(next) {
      user = next ?? {};
    },
    setConsent(granted) {
      try {
        consent = Boolean(granted);
        if (consent) {
          persist();
          if (delivery.size > 0) scheduleFlushSoon();
        } else {
          delivery.clear();
          for (const units of seen.values()) units.clear();
          storage?.removeItem(storageKey);
        }
      } catch (error) {
        report(error, "setConsent");
      }
    },
    async flush() {
      try {
        await delivery.flush();
      } catch (error) {
        report(error, "flush");
      }
    },
    refresh,
    getConfig: () => config,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    stats: () => ({ ...delivery.stats, queued: delivery.size }),
    async close() {
      try {
        if (closed) return;
        closed = true;
        for (const t of timers) clearInterval(t);
        removePageHide();
        await delivery.drain(Date.now() + closeTimeoutMs);
        if (delivery.size > 0 && consent) {
          fail(`${delivery.size} event(s) not delivered`, "close");
        }
      } catch (error) {
        report(error, "close");
      }
    },
  };
}

/**
 * `Date.now` read at most once per 64 stamps within one synchronous run of code: a stamp is
 * reused until 64 more were taken or the current task's microtasks run, whichever is first, so
 * a loop of `getVariant` calls does not pay for a clock read each (the error is bounded by
 * that one synchronous run). Stamps never go back in time unless the system clock does.
 */
function cachedClock(): () => number {
  let time = 0;
  let uses = 0;
  const expire = () => {
    uses = 0;
  };
  return () => {
    if (uses === 0) {
      time = Date.now();
      queueMicrotask(expire);
    }
    uses = (uses + 1) & 63;
    return time;
  };
}

/** The named scalar attributes of a user, or undefined when it has none of them. */
function pickAttributes(who: User, names: string[]): Record<string, string | number | boolean> | undefined {
  let picked: Record<string, string | number | boolean> | undefined;
  for (const name of names) {
    const value = who[name];
    if (typeof value === "string" || typeof value === "boolean" || Number.isFinite(value)) {
      picked ??= {};
      picked[name] = value as string | number | boolean;
    }
  }
  return picked;
}
