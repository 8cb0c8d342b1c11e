/**
 * Synthetic SDK traffic for the ingestion benchmark: request bodies as the SDK would post
 * them, and the same rows in COPY text format for the baseline.
 */
import { randomUUID } from "node:crypto";

export const BENCH_EXPERIMENT = "bench-checkout";
export const BENCH_VARIANTS = ["control", "treatment"] as const;
const NAMES = ["page_view", "add_to_cart", "purchase", "signup"] as const;

/** Generated traffic: HTTP bodies plus COPY text of exactly the same rows. */
export interface BenchTraffic {
  bodies: Buffer[];
  events: number;
  exposureCopy: string[];
  eventCopy: string[];
}

/**
 * Builds `requests` bodies of `batchSize` events each: one exposure in five (with a small
 * attributes object), the rest track events (half with a value, one in four with properties).
 * Timestamps are recent and increasing, unit ids repeat across 100,000 users.
 */
export function generateTraffic(options: { requests: number; batchSize: number }): BenchTraffic {
  const { requests, batchSize } = options;
  const bodies: Buffer[] = [];
  const exposureCopy: string[] = [];
  const eventCopy: string[] = [];
  const total = requests * batchSize;
  const start = Date.now() - total;
  let n = 0;
  for (let r = 0; r < requests; r++) {
    const events: unknown[] = [];
    const exposureLines: string[] = [];
    const eventLines: string[] = [];
    for (let i = 0; i < batchSize; i++, n++) {
      const id = randomUUID();
      const unitId = `user-${(n * 7919) % 100_000}`;
      const timestamp = new Date(start + n).toISOString();
      if (n % 5 === 0) {
        const variant = BENCH_VARIANTS[n % 2]!;
        const attributes = { country: n % 3 === 0 ? "US" : "DE", plan: "pro" };
        events.push({
          id,
          type: "exposure",
          experiment: BENCH_EXPERIMENT,
          variant,
          unitId,
          timestamp,
          attributes,
        });
        exposureLines.push(
          `${id}\t${BENCH_EXPERIMENT}\t${variant}\t${unitId}\t${timestamp}\t${JSON.stringify(attributes)}\n`,
        );
      } else {
        const name = NAMES[n % NAMES.length]!;
        const value = n % 2 === 0 ? Math.round(n % 10_000) / 100 : undefined;
        const properties = n % 4 === 1 ? { path: "/checkout", step: n % 3 } : undefined;
        events.push({ id, type: "track", name, unitId, timestamp, value, properties });
        eventLines.push(
          `${id}\t${name}\t${unitId}\t${timestamp}\t${value ?? "\\N"}\t${properties ? JSON.stringify(properties) : "\\N"}\n`,
        );
      }
    }
    bodies.push(Buffer.from(JSON.stringify({ events })));
    exposureCopy.push(exposureLines.join(""));
    eventCopy.push(eventLines.join(""));
  }
  return { bodies, events: total, exposureCopy, eventCopy };
}
