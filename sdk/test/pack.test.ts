// The packed tarballs as a user installs them: npm pack (prepack builds), npm install into a
// project outside the repository, then ESM import, CommonJS require and TypeScript type-checks
// (module node16 in a CommonJS package, and moduleResolution bundler) against the installed files.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let app = "";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const source = `import { createClient, hashToUnit } from "@splitlab/sdk";
import { validateCondition } from "@splitlab/sdk/targeting";
import type { SdkConfig } from "@splitlab/sdk/types";
import { adjustPValues } from "@splitlab/stats";
const config: SdkConfig = { experiments: [] } as unknown as SdkConfig;
const client = createClient({ apiHost: "http://127.0.0.1:1", sdkKey: "sdk_x", bootstrap: config });
const variant: string | null = client.getVariant("x");
const unit: number = hashToUnit("seed", "user");
export const out = [variant, unit, validateCondition, adjustPValues([0.01, 0.04], "holm")];
`;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "splitlab-pack-"));
  for (const pkg of ["stats", "sdk"]) run(npm, ["pack", "--pack-destination", app], join(repo, pkg));
  const tarballs = readdirSync(app).filter((f) => f.endsWith(".tgz"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "commonjs" }));
  run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs.map((t) => `./${t}`)], app);
}, 120_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe("packed @splitlab/sdk and @splitlab/stats", () => {
  it("ship built ESM, CommonJS, declarations, README and LICENSE for every entry", () => {
    const listing = run("tar", ["-tzf", readdirSync(app).find((f) => f.startsWith("splitlab-sdk"))!], app);
    for (const entry of ["index", "react/index", "openfeature/index", "targeting/index", "types"]) {
      for (const file of [`${entry}.js`, `${entry}.d.ts`, `cjs/${entry}.js`, `cjs/${entry}.d.ts`]) {
        expect(listing).toContain(`package/dist/${file}`);
      }
    }
    expect(listing).toContain("package/README.md");
    expect(listing).toContain("package/LICENSE");
    expect(listing).not.toContain("package/src/");
  });

  it("import from ESM and require from CommonJS", () => {
    const esm = `import { hashToUnit, createClient } from "@splitlab/sdk"; import { adjustPValues } from "@splitlab/stats";
      console.log(JSON.stringify([typeof createClient, hashToUnit("s", "u"), adjustPValues([0.01, 0.04], "holm")]));`;
    const cjs = `const { hashToUnit, createClient } = require("@splitlab/sdk"); const { adjustPValues } = require("@splitlab/stats");
      console.log(JSON.stringify([typeof createClient, hashToUnit("s", "u"), adjustPValues([0.01, 0.04], "holm")]));`;
    const fromEsm = JSON.parse(run(process.execPath, ["--input-type=module", "-e", esm], app));
    const fromCjs = JSON.parse(run(process.execPath, ["-e", cjs], app));
    expect(fromEsm[0]).toBe("function");
    expect(fromCjs).toEqual(fromEsm);
    // Holm on (0.01, 0.04): (min(1, 2*0.01), max(0.02, 0.04)) = (0.02, 0.04), R: p.adjust(c(.01,.04), "holm")
    expect(fromCjs[2]).toEqual([0.02, 0.04]);
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
