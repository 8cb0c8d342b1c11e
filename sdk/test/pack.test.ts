// The packed tarballs as a user installs them: npm pack (prepack builds), npm install into a
// project outside the repository (with the peers an app brings: React, the OpenFeature web SDK,
// from the npm registry or its cache), then ESM import, CommonJS require, TypeScript type-checks
// (module node16 in a CommonJS package, and moduleResolution bundler), a Vite React app built
// with the repository's Vite, and the core + client bundle size, all against the installed files.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_GOAL_BYTES, gzippedBundle } from "./bundle-size.js";

const repo = resolve(import.meta.dirname, "../..");
const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let app = "";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const source = `import { createClient, hashToUnit } from "@splitlab/sdk";
import { validateCondition } from "@splitlab/sdk/targeting";
import type { SdkConfig } from "@splitlab/sdk/types";
import { AbTestWebProvider } from "@splitlab/sdk/openfeature/web";
import { adjustPValues } from "@splitlab/stats";
import { OpenFeature } from "@openfeature/web-sdk";
const config: SdkConfig = { experiments: [] } as unknown as SdkConfig;
const client = createClient({ apiHost: "http://127.0.0.1:1", sdkKey: "sdk_x", bootstrap: config });
const variant: string | null = client.getVariant("x");
const unit: number = hashToUnit("seed", "user");
OpenFeature.setProvider(new AbTestWebProvider(client));
export const out = [variant, unit, validateCondition, adjustPValues([0.01, 0.04], "holm")];
`;

// A tiny React app: the provider and a hook of @splitlab/sdk/react, a bootstrapped client.
const html = `<!doctype html><html><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>`;
const main = `import React from "react";
import { createRoot } from "react-dom/client";
import { createClient } from "@splitlab/sdk";
import { ExperimentProvider, useVariant } from "@splitlab/sdk/react";
const client = createClient({ apiHost: "https://ab.example.com", sdkKey: "sdk_x", user: { id: "u-1" } });
function Banner() {
  return <p>{useVariant("banner") ?? "control"}</p>;
}
createRoot(document.getElementById("root")!).render(
  <ExperimentProvider client={client}>
    <Banner />
  </ExperimentProvider>,
);
`;

// Each entry as Node loads it: the web provider resolves through @openfeature/web-sdk.
const probe = (
  load: (name: string) => string,
) => `${load("@splitlab/sdk")} ${load("@splitlab/sdk/openfeature/web")} ${load("@splitlab/stats")}
  const client = createClient({ apiHost: "http://127.0.0.1:1", sdkKey: "k", bootstrap: { version: "v", generatedAt: "", experiments: [] } });
  const missing = new AbTestWebProvider(client).resolveStringEvaluation("x", "d", { targetingKey: "u" }).errorCode;
  console.log(JSON.stringify([typeof createClient, hashToUnit("s", "u"), adjustPValues([0.01, 0.04], "holm"), missing]));
  client.close();`;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "splitlab-pack-"));
  for (const pkg of ["stats", "sdk"]) run(npm, ["pack", "--pack-destination", app], join(repo, pkg));
  const tarballs = readdirSync(app).filter((f) => f.endsWith(".tgz"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "commonjs" }));
  const peers = ["@openfeature/web-sdk@^1.10.0", "@openfeature/core@^1.12.0", "react@^19", "react-dom@^19"];
  run(
    npm,
    ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs.map((t) => `./${t}`), ...peers],
    app,
  );
}, 120_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe("packed @splitlab/sdk and @splitlab/stats", () => {
  it("ship built ESM, CommonJS, declarations, README and LICENSE for every entry", () => {
    const listing = run("tar", ["-tzf", readdirSync(app).find((f) => f.startsWith("splitlab-sdk"))!], app);
    for (const entry of [
      "index",
      "react/index",
      "openfeature/index",
      "openfeature/web/index",
      "targeting/index",
      "types",
    ]) {
      for (const file of [`${entry}.js`, `${entry}.d.ts`, `cjs/${entry}.js`, `cjs/${entry}.d.ts`]) {
        expect(listing).toContain(`package/dist/${file}`);
      }
    }
    expect(listing).toContain("package/README.md");
    expect(listing).toContain("package/LICENSE");
    expect(listing).not.toContain("package/src/");
  });

  it("import from ESM and require from CommonJS", () => {
    const names: Record<string, string> = {
      "@splitlab/sdk": "hashToUnit, createClient",
      "@splitlab/sdk/openfeature/web": "AbTestWebProvider",
      "@splitlab/stats": "adjustPValues",
    };
    const esm = probe((name) => `import { ${names[name]} } from "${name}";`);
    const cjs = probe((name) => `const { ${names[name]} } = require("${name}");`);
    const fromEsm = JSON.parse(run(process.execPath, ["--input-type=module", "-e", esm], app));
    const fromCjs = JSON.parse(run(process.execPath, ["-e", cjs], app));
    expect(fromEsm[0]).toBe("function");
    expect(fromCjs).toEqual(fromEsm);
    // Holm on (0.01, 0.04): (min(1, 2*0.01), max(0.02, 0.04)) = (0.02, 0.04), R: p.adjust(c(.01,.04), "holm")
    expect(fromCjs[2]).toEqual([0.02, 0.04]);
    expect(fromCjs[3]).toBe("FLAG_NOT_FOUND");
  });

  it("build a Vite React app against the installed package", () => {
    writeFileSync(join(app, "index.html"), html);
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "src", "main.tsx"), main);
    run(process.execPath, [vite, "build", "--logLevel", "error"], app);
    const assets = readdirSync(join(app, "dist", "assets")).filter((f) => f.endsWith(".js"));
    expect(assets).toHaveLength(1);
    const bundle = readFileSync(join(app, "dist", "assets", assets[0]!), "utf8");
    expect(bundle).toContain("/api/v1/sdk/config"); // the SDK client is in the app
    expect(bundle).not.toContain("@splitlab/sdk"); // resolved and bundled, not left as an import
  });

  it(`keeps core + client at most ${BUNDLE_GOAL_BYTES} bytes gzipped, measured as bench:sdk measures it`, async () => {
    const bytes = await gzippedBundle(`export * from "@splitlab/sdk";`, app);
    expect(bytes).toBeGreaterThan(1000); // it measured the SDK, not an empty module
    expect(bytes).toBeLessThanOrEqual(BUNDLE_GOAL_BYTES);
  });

  it.each([
    ["node16 (CommonJS package)", { module: "node16", moduleResolution: "node16" }],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }],
  ])("type-check an app with module %s", (_name, options) => {
    writeFileSync(join(app, "index.ts"), source);
    const tsconfig = {
      compilerOptions: { ...options, strict: true, noEmit: true, types: [] },
      files: ["index.ts"],
    };
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(tsconfig));
    expect(() => run(process.execPath, [tsc, "-p", "tsconfig.json"], app)).not.toThrow();
  });
});
