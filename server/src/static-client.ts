import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler, Router } from "express";

/** Default location of the built UI: `client/dist` in the repository. */
export const DEFAULT_CLIENT_DIST = fileURLToPath(new URL("../../client/dist", import.meta.url));

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Splitlab</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto">
<h1>Splitlab</h1>
<p>The API is running. The UI has not been built: run <code>npm run build</code>.</p>
<p>API description: <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`;

/**
 * Serves the built UI from `distDir` with an SPA fallback (any GET that is not an API
 * path and not a file answers index.html), or a placeholder page when it is not built.
 */
export function serveClient(distDir: string | null): Router {
  const router = Router();
  const index = distDir ? path.join(distDir, "index.html") : null;
  const built = index !== null && existsSync(index);
  if (built) router.use(express.static(distDir!, { index: false, maxAge: "1h" }));
  const fallback: RequestHandler = (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (req.path.startsWith("/api/") || req.path === "/healthz" || req.path === "/metrics") return next();
    if (built) res.sendFile(index!);
    else res.type("html").send(PLACEHOLDER);
  };
  router.use(fallback);
  return router;
}
