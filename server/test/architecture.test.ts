import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// One owner per table (issue 11): each feature owns its tables and others go through its
// public API (`features/<name>/index.ts`); cross-feature use cases live in `src/use-cases/`.
// These checks read the source, so a new shortcut fails here instead of in review.

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const FEATURES = join(SRC, "features");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return d.name.endsWith(".ts") && !d.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Module specifiers of every import/export ... from "..." in a file. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)].map((m) => m[1]!);
}

const featureOf = (path: string): string | null => {
  const rel = relative(FEATURES, path);
  return rel.startsWith("..") ? null : rel.split("/")[0]!;
};

/** Who may write each table (insert, update or delete in SQL). */
const TABLE_OWNERS: Record<string, string> = {
  exposures: "events",
  events: "events",
  results_units: "results",
  results_state: "results",
  experiments: "experiments",
  metrics: "metrics",
  layers: "layers",
  api_keys: "keys",
  audit_log: "audit",
};

describe("architecture: one owner per table", () => {
  const files = [...sourceFiles(FEATURES), ...sourceFiles(join(SRC, "use-cases"))];

  it("features and use cases reach another feature only through its index.ts (tables may reference tables for foreign keys)", () => {
    const offenders: string[] = [];
    for (const file of files) {
      const own = featureOf(file);
      for (const spec of importsOf(file)) {
        const target = own
          ? /^\.\.\/([a-z-]+)\/([^/]+)$/.exec(spec)
          : /^\.\.\/features\/([a-z-]+)\/([^/]+)$/.exec(spec);
        if (!target) continue;
        const [, feature, module] = target;
        if (feature === own) continue;
        const foreignKey = file.endsWith(".table.ts") && module === `${feature}.table.js`;
        if (module !== "index.js" && !foreignKey) offenders.push(`${relative(SRC, file)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the features depend on each other without cycles", () => {
    const graph = new Map<string, Set<string>>();
    for (const file of sourceFiles(FEATURES)) {
      const own = featureOf(file)!;
      const deps = graph.get(own) ?? new Set<string>();
      graph.set(own, deps);
      for (const spec of importsOf(file)) {
        const m = /^\.\.\/([a-z-]+)\//.exec(spec);
        if (m && m[1] !== own) deps.add(m[1]!);
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(" -> "));
        return;
      }
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
    // The check sees the real graph: results reads experiments and metrics through them.
    expect([...(graph.get("results") ?? [])].sort()).toEqual(
      expect.arrayContaining(["experiments", "metrics"]),
    );
  });

  it("only a table's owner writes it in SQL", () => {
    const offenders: string[] = [];
    const write = /\b(insert\s+into|update|delete\s+from)\s+"?([a-z_]+)"?/gi;
    for (const file of files) {
      const own = featureOf(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(write)) {
        const table = m[2]!.toLowerCase();
        const owner = TABLE_OWNERS[table];
        if (owner && owner !== own) offenders.push(`${relative(SRC, file)} writes ${table}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
