/**
 * How the SDK's browser bundle is measured, by `bench:sdk` (from the sources) and by the pack
 * test (from the installed tarball): esbuild bundles `contents` for the browser, minified,
 * ESM, and the output is gzipped at level 9. "Core + client" is `export * from` the package's
 * main entry: every export an app could use, none tree-shaken away.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The goal for core + client, gzipped bytes (issue 12). */
export const BUNDLE_GOAL_BYTES = 6000;

/** Gzipped (level 9) bytes of the minified browser bundle of `contents`, resolved from `resolveDir`. */
export async function gzippedBundle(
  contents: string,
  resolveDir: string,
  conditions: string[] = [],
): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    conditions,
    write: false,
    logLevel: "error",
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}
