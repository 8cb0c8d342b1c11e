// Runs drizzle-kit so it finds the drizzle-orm installed under server/node_modules
// (npm keeps it nested there, while drizzle-kit is hoisted to the root and resolves
// `drizzle-orm` from its own location). Usage: node scripts/drizzle-kit.mjs generate
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const serverRequire = createRequire(new URL("../package.json", import.meta.url));
register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      try { return await next(specifier, context); }
      catch (error) {
        if (!specifier.startsWith("drizzle-orm")) throw error;
        return next(specifier, { ...context, parentURL: ${JSON.stringify(new URL("../package.json", import.meta.url).href)} });
      }
    }`)}`,
);
process.env.NODE_PATH = new URL("../node_modules", import.meta.url).pathname;
serverRequire("node:module").Module._initPaths();
process.argv.splice(1, 1, "drizzle-kit");
const kitDir = createRequire(import.meta.url)
  .resolve("drizzle-kit")
  .replace(/[^/]+$/, "");
const kitBin = `${kitDir}bin.cjs`;
await import(pathToFileURL(kitBin).href);
