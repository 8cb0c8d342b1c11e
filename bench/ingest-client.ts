/** Load driver for the ingestion benchmark: keep-alive HTTP posts with N requests in flight. */
import http from "node:http";

/** Totals reported by the server over all requests. */
export interface PostTotals {
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
}

function post(agent: http.Agent, url: URL, key: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: "/api/v1/events",
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "content-length": body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`HTTP ${res.statusCode}: ${text}`));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Posts every body to `POST /api/v1/events` with `concurrency` requests in flight over
 * keep-alive connections and sums the acknowledgements.
 */
export async function postAll(options: {
  baseUrl: string;
  sdkKey: string;
  bodies: Buffer[];
  concurrency: number;
}): Promise<PostTotals> {
  const url = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.bodies.length) {
        const body = options.bodies[next++]!;
        const answer = JSON.parse(await post(agent, url, options.sdkKey, body)) as {
          accepted: number;
          duplicates: number;
          rejected: unknown[];
        };
        totals.accepted += answer.accepted;
        totals.duplicates += answer.duplicates;
        totals.rejected += answer.rejected.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { ...totals, seconds };
}
