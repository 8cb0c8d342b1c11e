/**
 * Gzipped size of what the first page loads: the entry script, the chunks index.html preloads
 * and its stylesheets (lazy pages are not counted), plus every other chunk for reference.
 * Run after a build: `npm run size -w client` (also part of `npm run bench:ui`).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** Sizes in bytes. */
export interface BundleSizes {
  /** Files index.html loads before the first page renders. */
  initial: { file: string; raw: number; gzip: number }[];
  initialGzip: number;
  /** Every other asset (lazy chunks). */
  lazy: { file: string; raw: number; gzip: number }[];
}

/** Measures `distDir` (default client/dist). */
export function measureBundle(distDir = fileURLToPath(new URL("../dist", import.meta.url))): BundleSizes {
  const html = readFileSync(path.join(distDir, "index.html"), "utf8");
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]+rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"/g))
    refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]+href="([^"]+)"[^>]*rel="(?:stylesheet|modulepreload)"/g))
    refs.add(m[1]!);
  const size = (file: string) => {
    const bytes = readFileSync(path.join(distDir, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const initial = [...refs].map((r) => size(r.replace(/^\//, "")));
  const initialFiles = new Set(initial.map((f) => f.file));
  const lazy = readdirSync(path.join(distDir, "assets"))
    .map((f) => `assets/${f}`)
    .filter((f) => !initialFiles.has(f) && /\.(js|css)$/.test(f))
    .map(size);
  return { initial, initialGzip: initial.reduce((s, f) => s + f.gzip, 0), lazy };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = measureBundle();
  for (const f of sizes.initial)
    console.log(`initial  ${f.file.padEnd(44)} ${kb(f.raw).padStart(9)}  gz ${kb(f.gzip)}`);
  console.log(`initial JS+CSS gzipped: ${kb(sizes.initialGzip)} (goal <= 150 kB)`);
  for (const f of sizes.lazy)
    console.log(`lazy     ${f.file.padEnd(44)} ${kb(f.raw).padStart(9)}  gz ${kb(f.gzip)}`);
}
