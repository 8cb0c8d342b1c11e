import { createRequire } from "node:module";
import path from "node:path";
import { type RequestHandler, Router } from "express";

const require = createRequire(import.meta.url);
/** The swagger-ui-dist package folder (prebuilt Swagger UI, served from here: no CDN). */
const SWAGGER_UI_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));
/** The only files of the package the page loads. */
const ASSETS = new Set(["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]);

// Everything is a file from this origin, so the app's CSP (script-src 'self', no inline
// script) holds: the page has no inline script or style, the set-up is /api/docs/init.js.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Splitlab API reference</title>
<link rel="icon" href="/api/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<main id="api-reference" aria-label="Splitlab API reference"></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#api-reference",
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`;

const sendAsset: RequestHandler = (req, res, next) => {
  const file = req.params.file;
  if (typeof file !== "string" || !ASSETS.has(file)) {
    next();
    return;
  }
  res.sendFile(path.join(SWAGGER_UI_DIR, file), { maxAge: "1d" });
};

/**
 * The rendered API reference: `GET /api/docs` is Swagger UI (from the swagger-ui-dist package,
 * served by this server) over `/api/openapi.json`.
 */
export function createApiDocsRouter(): Router {
  const router = Router();
  router.get("/api/docs", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(PAGE);
  });
  router.get("/api/docs/init.js", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.type("application/javascript").send(INIT);
  });
  router.get("/api/docs/assets/:file", sendAsset);
  return router;
}
