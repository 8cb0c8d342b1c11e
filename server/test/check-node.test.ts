import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const script = resolve(import.meta.dirname, "../scripts/check-node.mjs");
const check = (version: string) => spawnSync(process.execPath, [script, version], { encoding: "utf8" });

describe("npm start's Node version check", () => {
  it.each(["18.20.4", "20.18.1", "21.7.3", "22.11.0"])("refuses Node %s with a clear message", (version) => {
    const result = check(version);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`needs Node.js ^20.19 or >=22.12`);
    expect(result.stderr).toContain(`this is Node ${version}`);
  });

  it.each(["20.19.0", "20.20.2", "22.12.0", "24.1.0", "v23.0.0"])("accepts Node %s silently", (version) => {
    const result = check(version);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
  });
});
