// Builds a publishable workspace package (run from the package directory, e.g. by `prepack`):
//   dist/**/*.js        ES modules (esbuild, one file per source file, imports kept)
//   dist/cjs/**/*.js    CommonJS (dist/cjs/package.json says "type": "commonjs")
//   dist/**/*.d.ts      declarations (tsc), copied into dist/cjs so `require` gets CJS types
// Node < 20.19 and TypeScript `module: node16` CommonJS apps resolve the `require` condition.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

const sources = walk("src").filter((file) => /\.tsx?$/.test(file) && !/\.(test|d)\.tsx?$/.test(file));
rmSync("dist", { recursive: true, force: true });

const common = {
  entryPoints: sources,
  bundle: false,
  platform: "neutral",
  target: "es2022",
  logLevel: "warning",
};
await build({ ...common, format: "esm", outdir: "dist" });
await build({ ...common, format: "cjs", outdir: "dist/cjs" });
writeFileSync("dist/cjs/package.json", `${JSON.stringify({ type: "commonjs" })}\n`);

const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--emitDeclarationOnly"], {
  stdio: "inherit",
});

for (const file of walk("dist").filter((f) => f.endsWith(".d.ts") && !f.startsWith(join("dist", "cjs")))) {
  const target = join("dist", "cjs", relative("dist", file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
console.log(`built ${sources.length} modules (ESM + CJS + .d.ts) in ${process.cwd()}/dist`);
