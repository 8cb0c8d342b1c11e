import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler, Router } from "express";
import { STATIC_ROUTE_LABEL } from "./observability.js";

/** Default location of the built UI: `client/dist` in the repository. */
export const DEFAULT_CLIENT_DIST = fileURLToPath(new URL("../../client/dist", import.meta.url));

/** Vite writes content-hashed files here (`assets/index-3fA9c1.js`): they never change. */
const HASHED_ASSETS_DIR = "assets";
/** A year, the longest max-age caches honour: hashed names change whenever the content does. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Unhashed public files (favicon): cached for a day. */
const SHORT = "public, max-age=86400";
/** index.html must be revalidated every time, so a new build is picked up at once. */
const REVALIDATE = "no-cache";

/**
 * Content-Security-Policy of the app. Replaces helmet's default, whose
 * `upgrade-insecure-requests` makes a browser fetch the scripts over HTTPS when the page is
 * reached over plain HTTP under a host name other than localhost (the page stays blank).
 * Everything the UI loads comes from this origin; style attributes set by React/Radix for
 * positioning are allowed (`style-src-attr`), no inline or foreign script ever is.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    "default-src": ["'self'"],
    "base-uri": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
  },
} as const;

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Splitlab</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto">
<h1>Splitlab</h1>
<p>The API is running. The UI has not been built: run <code>npm run build</code>.</p>
<p>API description: <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`;

/** Paths the server answers itself (never the SPA). */
const isServerPath = (p: string) =>
  p === "/api" || p.startsWith("/api/") || p === "/healthz" || p === "/metrics";

/**
 * Serves the built UI from `distDir`, or a placeholder page when it is not built.
 *
 * - `assets/*` (content-hashed by Vite): `Cache-Control: public, max-age=31536000, immutable`;
 * - `index.html`, also answered for every client route (SPA fallback: a GET without a file
 *   extension, or a browser navigation, that is not an API path, e.g. `/experiments/x/results`):
 *   `no-cache`;
 * - other files (favicon.ico): a day. A missing file (a path with an extension, not a
 *   navigation) is a 404, never the page.
 */
export function serveClient(distDir: string | null): Router {
  const router = Router();
  const index = distDir ? path.join(distDir, "index.html") : null;
  const built = distDir !== null && index !== null && existsSync(index);
  // UI files and pages are counted in /metrics under one route label.
  router.use((req, res, next) => {
    if ((req.method === "GET" || req.method === "HEAD") && !isServerPath(req.path)) {
      res.locals.metricsRoute = STATIC_ROUTE_LABEL;
    }
    next();
  });
  if (built) {
    router.use(
      express.static(distDir, {
        index: false,
        setHeaders: (res, file) => {
          const relative = path.relative(distDir, file).split(path.sep);
          if (relative[0] === HASHED_ASSETS_DIR) res.setHeader("Cache-Control", IMMUTABLE);
          else if (relative.join("/") === "index.html") res.setHeader("Cache-Control", REVALIDATE);
          else res.setHeader("Cache-Control", SHORT);
        },
      }),
    );
  }
  const fallback: RequestHandler = (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (isServerPath(req.path)) return next();
    const navigation = (req.headers.accept ?? "").includes("text/html");
    if (path.posix.extname(req.path) !== "" && !navigation) {
      res.status(404).type("text/plain").send(`not found: ${req.path}`);
      return;
    }
    res.setHeader("Cache-Control", REVALIDATE);
    if (built) res.sendFile(index!);
    else res.type("html").send(PLACEHOLDER);
  };
  router.use(fallback);
  return router;
}
