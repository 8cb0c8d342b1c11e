import { parseConfig } from "./config.js";
import { startServer } from "./server.js";

// The only place that reads the environment.
// `npm start` runs this in server/; npm's INIT_CWD is where the user typed the command, so
// relative paths (DATA_DIR=./data, CLIENT_DIST) resolve from there, e.g. the repository root.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
const config = parseConfig(process.env);
// Handlers first: a SIGTERM that arrives while the server is still starting (right after the
// "listening" line) waits for the start, then shuts down cleanly.
const running = startServer(config);

/** Lifecycle lines in the same JSON shape as the pino log, so stdout stays one record per line. */
const logLine = (level: number, msg: string) =>
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, msg })}\n`);

let signalled = false;
const shutdown = (signal: string) => {
  if (signalled) return;
  signalled = true;
  logLine(30, `${signal}: shutting down (finishing in-flight requests)`);
  // Busy connections are closed at SHUTDOWN_GRACE_MS; force exit if something still hangs.
  setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 2000).unref();
  running
    .then((server) => server.stop())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        logLine(50, `shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
await running;
