import type { Server, ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { pino } from "pino";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { type Listener, openDatabase } from "./db.js";
import { KEYS_CHANGED_CHANNEL } from "./features/keys/keys.repo.js";
import { ensureAdminToken } from "./features/keys/keys.service.js";
import { createMetrics } from "./observability.js";
import { startRetentionJob } from "./use-cases/unit-data.js";

/** A started server and how to stop it. */
export interface RunningServer {
  url: string;
  server: Server;
  /** The token generated on first start (printed once), if any. */
  generatedAdminToken: string | undefined;
  /**
   * Graceful stop: stop accepting connections, answer in-flight requests (with
   * `Connection: close`), close each keep-alive connection once idle, finish ingestion, close
   * the db. Connections still busy after SHUTDOWN_GRACE_MS are closed.
   */
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
    config.DATABASE_URL
      ? {
          databaseUrl: config.DATABASE_URL,
          connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
        }
      : { dataDir },
  );
  const generatedAdminToken = await ensureAdminToken(database.db, config.ADMIN_TOKEN);
  let keysListener: Listener | undefined;
  const instance = createApp({
    db: database.db,
    adminToken: config.ADMIN_TOKEN,
    logger,
    metrics: createMetrics(),
    ...(config.CLIENT_DIST ? { clientDist: path.resolve(config.CLIENT_DIST) } : {}),
    rateLimits: {
      ipPerSecond: config.RATE_LIMIT_IP_PER_SECOND,
      keyPerSecond: config.RATE_LIMIT_KEY_PER_SECOND,
      authFailuresPerMinute: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    },
    healthTimeoutMs: config.HEALTH_TIMEOUT_MS,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    // Another process may revoke a key: cached look-ups are used only while its NOTIFY reaches us.
    authCache: {
      ttlMs: config.AUTH_CACHE_TTL_MS,
      negativeMs: config.AUTH_NEGATIVE_CACHE_MS,
      trusted: () => keysListener?.listening() ?? false,
    },
    trustProxy: config.TRUST_PROXY,
  });
  keysListener = await database.listen(KEYS_CHANGED_CHANNEL, {
    onNotify: () => instance.auth.invalidate(),
    onReset: () => instance.auth.invalidate(),
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

  const drainer = trackConnections(server);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await drainer.drain(config.SHUTDOWN_GRACE_MS);
      await keysListener?.close();
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

/** How long a keep-alive connection idle at (or since) shutdown may stay open for one more request. */
const IDLE_CLOSE_MS = 500;

/**
 * Graceful HTTP drain for keep-alive load. `drain()` stops accepting connections; every
 * response from then on (and every in-flight one not yet started) carries `Connection: close`,
 * so a busy connection ends right after its current request instead of taking the next one;
 * a connection with no request in flight is closed once idle for {@link IDLE_CLOSE_MS} (a
 * client that had just received its answer may still send, and is answered); whatever is
 * still open after `graceMs` is closed. Resolves once every connection has ended.
 */
function trackConnections(server: Server): { drain: (graceMs: number) => Promise<void> } {
  const sockets = new Map<net.Socket, { active: number; idleSince: number }>();
  const inFlight = new Set<ServerResponse>();
  let stoppingAt = 0;
  server.on("connection", (socket: net.Socket) => {
    sockets.set(socket, { active: 0, idleSince: Date.now() });
    socket.on("close", () => sockets.delete(socket));
  });
  // Prepended: runs before express, so the header is set before any handler can answer.
  server.prependListener("request", (req, res) => {
    const state = sockets.get(req.socket);
    if (state) state.active++;
    if (stoppingAt) res.setHeader("Connection", "close");
    inFlight.add(res);
    res.on("close", () => {
      inFlight.delete(res);
      if (!state) return;
      state.active--;
      state.idleSince = Date.now();
    });
  });
  const closeIdle = () => {
    const now = Date.now();
    for (const [socket, state] of sockets) {
      if (state.active === 0 && now - Math.max(state.idleSince, stoppingAt) >= IDLE_CLOSE_MS)
        socket.destroy();
    }
  };
  return {
    drain: async (graceMs) => {
      stoppingAt = Date.now();
      for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
      // net.Server#close: stop listening without http's immediate closeIdleConnections().
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      const sweep = setInterval(closeIdle, 50);
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
        clearTimeout(force);
      }
    },
  };
}
