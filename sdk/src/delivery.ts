import { encoder } from "./hash.js";
import { beaconSender, type FetchLike, isBrowser, randomId, timeoutSignal, unrefTimer } from "./runtime.js";
import type { ExposureEvent, IngestEvent, IngestResponse, TrackEvent } from "./types.js";

/**
 * A queued event: the wire event (see types.ts) with the time it happened instead of its ISO
 * timestamp, and its place in the queue. Its id and timestamp are produced once, when it is
 * first serialised, so the hot path (getVariant) stays cheap and retries resend the same id.
 */
export type QueuedEvent = (Omit<ExposureEvent, "id" | "timestamp"> | Omit<TrackEvent, "id" | "timestamp">) & {
  id?: string;
  time: number;
  seq: number;
};

/** An event as handed to {@link Delivery.push}, which numbers it. */
export type NewEvent = QueuedEvent extends infer E ? (E extends unknown ? Omit<E, "seq"> : never) : never;

/** Counters of what happened to events (for monitoring and tests). */
export interface DeliveryStats {
  /** Waiting to be sent. */
  queued: number;
  /** Acknowledged by the server (accepted or already stored). */
  sent: number;
  /** Not queued because the queue was full (`maxQueue`); reported through `onError`. */
  dropped: number;
  /**
   * Refused, each with its reason reported through `onError`: by the server (per event, or
   * alone after a batch refused as a whole was split down to it) or by `track` (not JSON).
   */
  rejected: number;
  /** Handed to `navigator.sendBeacon` (not acknowledged). */
  beaconed: number;
}

export interface DeliveryOptions {
  /** Server base URL (no trailing slash). */
  base: string;
  sdkKey: string;
  headers: Record<string, string>;
  fetch: FetchLike;
  batchSize: number;
  requestTimeoutMs: number;
  /** The client's `maxQueue`, `retryBaseMs`, `retryMaxMs` (defaults are applied here). */
  limits: { maxQueue?: number; retryBaseMs?: number; retryMaxMs?: number };
  consent: () => boolean;
  report: (error: unknown, context: string) => void;
}

type Outcome = "ok" | "retry";

/** Largest beacon body in UTF-8 bytes (browsers allow 64 KiB in flight per page). */
const BEACON_MAX_BYTES = 60_000;

function toWire(e: QueuedEvent): IngestEvent {
  e.id ??= randomId();
  const { time, seq, ...wire } = e;
  return { ...wire, timestamp: new Date(time).toISOString() } as IngestEvent;
}

const body = (events: QueuedEvent[]) => JSON.stringify({ events: events.map(toWire) });

// close() is awaited by the app, so its waits hold the event loop (`hold`): a Node script that
// ends with `await client.close()` would otherwise exit mid-retry with its events unsent.
const sleep = (ms: number, hold?: boolean) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    if (!hold) unrefTimer(t);
  });

/** The event queue of one client and its delivery; see {@link createDelivery}. */
export interface Delivery {
  /** Events waiting to be sent. */
  readonly size: number;
  /** Counters (mutable by the client for events it refuses itself). */
  readonly stats: Omit<DeliveryStats, "queued">;
  /**
   * True when the queue already holds `maxQueue` events: the event the caller has is not
   * queued, it is counted in `dropped`, and the first drop of an overflow is reported.
   */
  refuse(): boolean;
  /** Enqueue; false (and {@link refuse}'s accounting) when the queue is full. */
  push(event: NewEvent): boolean;
  /** Forget every queued event (consent withdrawn). */
  clear(): void;
  /** One delivery pass: send batches until the queue is empty or an attempt must be retried. */
  flush(): Promise<Outcome>;
  /** Deliver until the queue is empty or `deadline` (ms since epoch), retrying with backoff; then no retry stays scheduled. */
  drain(deadline: number): Promise<void>;
  /** Send everything queued with `navigator.sendBeacon` (page is being hidden/unloaded). */
  beacon(): void;
}

/**
 * The event queue and its delivery to `POST /api/v1/events`: batching, retry, beacon.
 * Nothing is lost without a report: a full queue refuses new events (counted, reported once
 * per overflow), a batch the server refuses as a whole (400, 413, 422) is split until the
 * events at fault are alone and dropped with the server's reason, everything else is retried.
 */
export function createDelivery(opts: DeliveryOptions): Delivery {
  const { report, batchSize, consent, limits } = opts;
  const url = `${opts.base}/api/v1/events`;
  const sendBeacon = beaconSender();
  const maxQueue = Math.max(1, limits.maxQueue ?? (isBrowser() ? 10_000 : 100_000));
  let queue: QueuedEvent[] = [];
  let seq = 0;
  let inflight: Promise<Outcome> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let draining = false;
  let overflow = 0; // events refused since the queue last had room
  const stats = { sent: 0, dropped: 0, rejected: 0, beaconed: 0 };

  function reject(id: unknown, reason: string): void {
    stats.rejected++;
    report(new Error(`event ${id} rejected: ${reason}`), "flush");
  }

  function refuse(): boolean {
    if (queue.length < maxQueue) {
      overflow = 0;
      return false;
    }
    stats.dropped++;
    if (overflow++ === 0) {
      report(new Error(`queue is full (maxQueue ${maxQueue})`), "queue");
    }
    return true;
  }

  function cancelRetry(): void {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  }

  function backoff(): number {
    const ceiling = Math.min(limits.retryMaxMs ?? 60_000, (limits.retryBaseMs ?? 1000) * 2 ** attempt);
    attempt = Math.min(attempt + 1, 30);
    return ceiling / 2 + (Math.random() * ceiling) / 2; // "equal jitter"
  }

  function flush(): Promise<Outcome> {
    inflight ??= pass().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function pass(): Promise<Outcome> {
    while (queue.length > 0 && consent()) {
      if ((await deliver(queue.slice(0, batchSize))) === "retry") {
        if (retryTimer === null && !draining) {
          retryTimer = setTimeout(() => {
            retryTimer = null;
            void flush();
          }, backoff());
          unrefTimer(retryTimer);
        }
        return "retry";
      }
      attempt = 0;
      cancelRetry();
    }
    return "ok";
  }

  /** Removes the events up to the batch's last from the head of the queue (they are done). */
  function settle(batch: QueuedEvent[]): void {
    const last = batch[batch.length - 1]!.seq;
    const n = queue.findIndex((e) => e.seq > last);
    queue.splice(0, n < 0 ? queue.length : n);
  }

  /** Sends a batch; one refused as a whole is split in halves until each part is taken or alone. */
  async function deliver(batch: QueuedEvent[]): Promise<Outcome> {
    const outcome = await send(batch);
    if (typeof outcome === "string") return outcome;
    if (batch.length > 1) {
      const half = batch.length >> 1;
      return (await deliver(batch.slice(0, half))) === "retry" ? "retry" : deliver(batch.slice(half));
    }
    reject(batch[0]!.id, outcome.refused);
    settle(batch);
    return "ok";
  }

  async function send(batch: QueuedEvent[]): Promise<Outcome | { refused: string }> {
    let status: number;
    try {
      const res = await opts.fetch(url, {
        method: "POST",
        headers: { ...opts.headers, "content-type": "application/json" },
        body: body(batch),
        signal: timeoutSignal(opts.requestTimeoutMs),
      });
      status = res.status;
      if (res.ok) {
        const answer = (await res.json()) as Partial<IngestResponse>;
        const rejected = Array.isArray(answer.rejected) ? answer.rejected : [];
        for (const r of rejected) reject(batch[r.index]?.id ?? r.index, r.reason);
        stats.sent += batch.length - rejected.length;
        settle(batch);
        return "ok";
      }
      // The request as a whole was refused: split it to find the events at fault.
      if (status === 400 || status === 413 || status === 422) {
        const answer = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        return { refused: `HTTP ${status}: ${answer?.error?.message ?? ""}` };
      }
    } catch (error) {
      report(error, "flush");
      return "retry";
    }
    // 5xx, 408, 429, and 401/403/404 (a key or URL problem, not the events' fault): kept, retried.
    report(new Error(`HTTP ${status}`), "flush");
    return "retry";
  }

  return {
    get size() {
      return queue.length;
    },
    stats,
    refuse,
    push(event) {
      if (refuse()) return false;
      (event as QueuedEvent).seq = ++seq;
      queue.push(event as QueuedEvent);
      return true;
    },
    clear() {
      queue = [];
      cancelRetry();
    },
    flush,
    async drain(deadline) {
      cancelRetry();
      draining = true;
      try {
        while (queue.length > 0 && consent() && Date.now() < deadline) {
          // A hanging request must not hold close() past its deadline.
          const outcome = await Promise.race([flush(), sleep(deadline - Date.now())]);
          if (outcome === "retry") await sleep(Math.min(backoff(), Math.max(0, deadline - Date.now())), true);
        }
      } finally {
        draining = false;
        cancelRetry(); // a pass that ended during the drain may have scheduled one
      }
    },
    beacon() {
      if (!sendBeacon || !consent()) return;
      while (queue.length > 0) {
        let count = Math.min(queue.length, batchSize);
        let data = body(queue.slice(0, count));
        // Browsers limit beacons in bytes: measure the UTF-8 encoding, not UTF-16 units.
        while (encoder.encode(data).length > BEACON_MAX_BYTES && count > 1) {
          count = Math.ceil(count / 2);
          data = body(queue.slice(0, count));
        }
        if (!sendBeacon(`${url}?key=${encodeURIComponent(opts.sdkKey)}`, data)) {
          report(new Error("sendBeacon refused"), "beacon");
          return;
        }
        queue.splice(0, count);
        stats.beaconed += count;
      }
    },
  };
}
