import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pino } from "pino";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { openDatabase } from "./db.js";
import { startRetentionJob } from "./features/events/events.retention.js";
import { ensureAdminToken } from "./features/keys/keys.service.js";
import { createMetrics } from "./observability.js";

/** A started server and how to stop it. */
export interface RunningServer {
  url: string;
  server: Server;
  /** The token generated on first start (printed once), if any. */
  generatedAdminToken: string | undefined;
  /** Graceful stop: stop accepting, finish in-flight requests and ingestion, close the db. */
  stop: () => Promise<void>;
}

/**
 * Opens the database (PGlite in DATA_DIR, or DATABASE_URL), applies migrations,
 * creates the first admin token if needed and listens on PORT. The URL is logged as a
 * structured line and a generated token (first start only) goes to stderr (see
 * `adminTokenNotice`); tests pass `print` to receive both as plain lines instead.
 */
export async function startServer(config: Config, print?: (line: string) => void): Promise<RunningServer> {
  const logger = pino({ level: config.LOG_LEVEL });
  const dataDir = path.resolve(config.DATA_DIR);
  const database = await openDatabase(
    config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir },
  );
  const generatedAdminToken = await ensureAdminToken(database.db, config.ADMIN_TOKEN);
  const instance = createApp({
    db: database.db,
    adminToken: config.ADMIN_TOKEN,
    logger,
    metrics: createMetrics(),
    ...(config.CLIENT_DIST ? { clientDist: path.resolve(config.CLIENT_DIST) } : {}),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = instance.app.listen(config.PORT, config.HOST ?? "0.0.0.0", (error?: Error) =>
      error ? reject(error) : resolve(s),
    );
  });
  const retention = config.RETENTION_DAYS
    ? startRetentionJob({
        db: database.db,
        days: config.RETENTION_DAYS,
        onResult: (r) => logger.info(r, `retention: deleted rows older than ${config.RETENTION_DAYS} days`),
        onError: (err) => logger.error({ err }, "retention purge failed"),
      })
    : undefined;
  instance.refresher.start();
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  const where = database.kind === "pglite" ? `embedded database in ${dataDir}` : "PostgreSQL";
  if (print) {
    print(`Splitlab listening on ${url} (${where})`);
    if (generatedAdminToken)
      print(`Generated admin token (shown once, store it now): ${generatedAdminToken}`);
  } else {
    // Always printed, whatever LOG_LEVEL: it is the "ready" line scripts and people wait for.
    const banner = {
      level: 30,
      time: Date.now(),
      pid: process.pid,
      msg: `Splitlab listening on ${url} (${where})`,
    };
    const details = { url, database: database.kind, ...(database.kind === "pglite" ? { dataDir } : {}) };
    process.stdout.write(`${JSON.stringify({ ...banner, ...details })}\n`);
    if (generatedAdminToken)
      process.stderr.write(adminTokenNotice(generatedAdminToken, process.stderr.isTTY));
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await retention?.stop();
      await instance.refresher.stop();
      await instance.drain();
      await database.close();
      logger.flush?.();
    })();
    return stopping;
  };
  return { url, server, generatedAdminToken, stop };
}

/**
 * How a generated admin token is shown: on a terminal, a framed block that stands out from the
 * log; otherwise (docker logs, a log shipper) one JSON line, so the stream stays parseable and
 * `grep adminToken` finds it.
 */
export function adminTokenNotice(token: string, tty: boolean | undefined): string {
  if (!tty) {
    return `${JSON.stringify({ level: 40, time: Date.now(), msg: "generated admin token (shown once, store it now)", adminToken: token })}\n`;
  }
  const lines = [
    "Generated admin token (shown once, store it now):",
    "",
    `  ${token}`,
    "",
    "Sign in to the UI with it, or set ADMIN_TOKEN yourself.",
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = "─".repeat(width + 2);
  return `\n┌${bar}┐\n${lines.map((l) => `│ ${l.padEnd(width)} │`).join("\n")}\n└${bar}┘\n\n`;
}
