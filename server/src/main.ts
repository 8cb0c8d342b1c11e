import { parseConfig } from "./config.js";
import { startServer } from "./server.js";

// The only place that reads the environment.
// `npm start` runs this in server/; npm's INIT_CWD is where the user typed the command, so
// relative paths (DATA_DIR=./data, CLIENT_DIST) resolve from there, e.g. the repository root.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
const config = parseConfig(process.env);
const running = await startServer(config);

let signalled = false;
const shutdown = (signal: string) => {
  if (signalled) return;
  signalled = true;
  process.stdout.write(`${signal}: shutting down (finishing in-flight requests)\n`);
  // Force exit if something hangs.
  setTimeout(() => process.exit(1), 15_000).unref();
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`shutdown failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
