import { type FetchLike, randomId, timeoutSignal, unrefTimer } from "./runtime.js";
import type { IngestEvent, IngestResponse, Json } from "./types.js";

/**
 * A queued event. Its id and ISO timestamp are produced once, when it is first serialised,
 * so the hot path (getVariant) stays cheap and retries resend the same id (idempotent).
 */
export type QueuedEvent =
  | {
      kind: "exposure";
      experiment: string;
      variant: string;
      unitId: string;
      time: number;
      seq: number;
      id?: string;
    }
  | {
      kind: "track";
      name: string;
      unitId: string;
      time: number;
      seq: number;
      value?: number;
      properties?: Record<string, Json>;
      id?: string;
    };

/** Counters of what happened to events (for monitoring and tests). */
export interface DeliveryStats {
  /** Waiting to be sent. */
  queued: number;
  /** Acknowledged by the server (accepted or already stored). */
  sent: number;
  /** Dropped because the queue was full (oldest first). */
  dropped: number;
  /** Rejected by the server (per event, or a whole batch answered with a 4xx). */
  rejected: number;
  /** Handed to `navigator.sendBeacon` (not acknowledged). */
  beaconed: number;
}

export interface DeliveryOptions {
  url: string;
  headers: Record<string, string>;
  fetch: FetchLike | undefined;
  beacon: ((url: string, data: string) => boolean) | null;
  beaconUrl: string;
  batchSize: number;
  maxQueue: number;
  retryBaseMs: number;
  retryMaxMs: number;
  requestTimeoutMs: number;
  canSend: () => boolean;
  report: (error: unknown, context: string) => void;
}

type Outcome = "ok" | "retry" | "drop";

const BEACON_MAX_BYTES = 60_000;

function toWire(e: QueuedEvent): IngestEvent {
  if (e.id === undefined) e.id = randomId();
  const timestamp = new Date(e.time).toISOString();
  if (e.kind === "exposure") {
    return {
      id: e.id,
      type: "exposure",
      experiment: e.experiment,
      variant: e.variant,
      unitId: e.unitId,
      timestamp,
    };
  }
  const wire: IngestEvent = { id: e.id, type: "track", name: e.name, unitId: e.unitId, timestamp };
  if (e.value !== undefined) wire.value = e.value;
  if (e.properties !== undefined) wire.properties = e.properties;
  return wire;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    unrefTimer(setTimeout(resolve, ms));
  });

/** The event queue and its delivery to `POST /api/v1/events`: batching, retry, beacon. */
export class Delivery {
  private queue: QueuedEvent[] = [];
  private seq = 0;
  private inflight: Promise<Outcome> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private draining = false;
  readonly stats: Omit<DeliveryStats, "queued"> = { sent: 0, dropped: 0, rejected: 0, beaconed: 0 };

  constructor(private readonly opts: DeliveryOptions) {}

  get size(): number {
    return this.queue.length;
  }

  /** Enqueue; when over `maxQueue`, the oldest event is dropped and counted. */
  push(event: QueuedEvent): void {
    event.seq = ++this.seq;
    this.queue.push(event);
    if (this.queue.length > this.opts.maxQueue) {
      this.queue.shift();
      this.stats.dropped++;
    }
  }

  /** Forget every queued event (consent withdrawn). */
  clear(): void {
    this.queue = [];
    this.cancelRetry();
  }

  /** One delivery pass: send batches until the queue is empty or an attempt must be retried. */
  flush(): Promise<Outcome> {
    if (!this.inflight) {
      this.inflight = this.pass().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** Deliver until the queue is empty or `deadline` (ms since epoch), retrying with backoff. */
  async drain(deadline: number): Promise<void> {
    this.cancelRetry();
    this.draining = true;
    try {
      while (this.queue.length > 0 && this.opts.canSend() && Date.now() < deadline) {
        // A hanging request must not hold close() past its deadline.
        const outcome = await Promise.race([
          this.flush(),
          sleep(deadline - Date.now()).then(() => "timeout" as const),
        ]);
        if (outcome === "retry") await sleep(Math.min(this.backoff(), Math.max(0, deadline - Date.now())));
      }
    } finally {
      this.draining = false;
    }
  }

  /** Send everything queued with `navigator.sendBeacon` (page is being hidden/unloaded). */
  beaconAll(): void {
    const send = this.opts.beacon;
    if (!send || !this.opts.canSend()) return;
    while (this.queue.length > 0) {
      let count = Math.min(this.queue.length, this.opts.batchSize);
      let body = JSON.stringify({ events: this.queue.slice(0, count).map(toWire) });
      while (body.length > BEACON_MAX_BYTES && count > 1) {
        count = Math.ceil(count / 2);
        body = JSON.stringify({ events: this.queue.slice(0, count).map(toWire) });
      }
      if (!send(this.opts.beaconUrl, body)) return;
      this.queue.splice(0, count);
      this.stats.beaconed += count;
    }
  }

  /** Stop a scheduled retry (close). */
  cancelRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private backoff(): number {
    const ceiling = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return ceiling / 2 + (Math.random() * ceiling) / 2; // "equal jitter"
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.draining) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, this.backoff());
    unrefTimer(this.retryTimer);
  }

  private async pass(): Promise<Outcome> {
    while (this.queue.length > 0 && this.opts.canSend()) {
      const batch = this.queue.slice(0, this.opts.batchSize);
      const outcome = await this.send(batch);
      if (outcome === "retry") {
        this.scheduleRetry();
        return outcome;
      }
      // Remove what was sent; events may have been dropped from the front meanwhile.
      const last = batch[batch.length - 1]!.seq;
      let n = 0;
      while (n < this.queue.length && this.queue[n]!.seq <= last) n++;
      this.queue.splice(0, n);
      this.attempt = 0;
      this.cancelRetry();
    }
    return "ok";
  }

  private async send(batch: QueuedEvent[]): Promise<Outcome> {
    const { fetch, report } = this.opts;
    if (!fetch) {
      report(new Error("no fetch available: pass `fetch` to createClient"), "flush");
      return "retry";
    }
    const events = batch.map(toWire);
    let status = 0;
    try {
      const signal = timeoutSignal(this.opts.requestTimeoutMs);
      const res = await fetch(this.opts.url, {
        method: "POST",
        headers: { ...this.opts.headers, "content-type": "application/json" },
        body: JSON.stringify({ events }),
        signal,
      });
      status = res.status;
      if (res.ok) {
        const body = (await res.json()) as Partial<IngestResponse>;
        const rejected = Array.isArray(body.rejected) ? body.rejected : [];
        for (const r of rejected) {
          report(new Error(`event ${events[r.index]?.id ?? r.index} rejected: ${r.reason}`), "flush");
        }
        this.stats.rejected += rejected.length;
        this.stats.sent += batch.length - rejected.length;
        return "ok";
      }
    } catch (error) {
      report(error, "flush");
      return "retry";
    }
    if (status >= 500 || status === 429 || status === 408) {
      report(new Error(`events POST failed: HTTP ${status}, will retry`), "flush");
      return "retry";
    }
    report(
      new Error(`events POST rejected the batch: HTTP ${status}; ${batch.length} events dropped`),
      "flush",
    );
    this.stats.rejected += batch.length;
    return "drop";
  }
}
