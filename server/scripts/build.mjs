/**
 * Compiles the server to one JavaScript file, server/dist/main.js, with esbuild: the server's
 * own code and the workspace packages it uses (@splitlab/sdk, @splitlab/stats, from their
 * TypeScript source) are bundled; every npm dependency stays an import resolved from
 * node_modules at run time, so the runtime needs production dependencies only and no tsx.
 * Paths the server computes from `import.meta.url` (../../migrations, ../../client/dist) keep
 * working because dist/ sits at the same depth as src/.
 * Run: `node server/scripts/build.mjs` (`npm run build` and `npm start` do).
 */
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const serverDir = fileURLToPath(new URL("..", import.meta.url));

/** Bare imports of npm packages stay external; workspace packages and relative files are bundled. */
const externalDependencies = {
  name: "external-dependencies",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@splitlab/")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const started = performance.now();
rmSync(`${serverDir}/dist`, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${serverDir}/src/main.ts`],
  outfile: `${serverDir}/dist/main.js`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  conditions: ["source"],
  sourcemap: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  plugins: [externalDependencies],
});
// What the bundle imports at run time: a test checks it against the production dependencies.
writeFileSync(`${serverDir}/dist/meta.json`, JSON.stringify(result.metafile));
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(
  `server built: server/dist/main.js (${Math.round(bytes / 1024)} kB with source map) in ${Math.round(performance.now() - started)} ms\n`,
);
