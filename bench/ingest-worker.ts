/** Worker thread that plays the SDK clients, so the server's event loop has its own thread. */
import { parentPort, workerData } from "node:worker_threads";
import { postAll } from "./ingest-client.js";

const { baseUrl, sdkKey, bodies, concurrency } = workerData as {
  baseUrl: string;
  sdkKey: string;
  bodies: Uint8Array[];
  concurrency: number;
};
const totals = await postAll({
  baseUrl,
  sdkKey,
  bodies: bodies.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
  concurrency,
});
parentPort!.postMessage(totals);
