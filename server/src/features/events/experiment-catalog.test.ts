/**
 * The catalog must never install a map that was loaded before an invalidation: an experiment
 * started while a reload was in flight would otherwise be "unknown" (its exposures rejected)
 * until the stale map expires.
 */
import { describe, expect, it } from "vitest";
import { ExperimentCatalog, type ExperimentVariants } from "./experiment-catalog.js";

/** A loader whose answers the test releases by hand, in any order. */
function manualLoader() {
  const pending: { resolve: (map: ExperimentVariants) => void }[] = [];
  const load = () => new Promise<ExperimentVariants>((resolve) => pending.push({ resolve }));
  return { load, pending };
}

const before: ExperimentVariants = new Map([["old", new Set(["a", "b"])]]);
const after: ExperimentVariants = new Map([
  ["old", new Set(["a", "b"])],
  ["just-started", new Set(["a", "b"])],
]);

describe("ExperimentCatalog", () => {
  it("a reload in flight when invalidate() is called does not install its stale map", async () => {
    let clock = 0;
    const loader = manualLoader();
    const catalog = new ExperimentCatalog({ load: loader.load, now: () => clock });
    const first = catalog.snapshot(["old"]); // load 1 starts (reads the old state)
    catalog.invalidate(); // the experiment is started meanwhile
    const second = catalog.snapshot(["just-started"]); // must not share load 1
    expect(loader.pending).toHaveLength(2);
    loader.pending[1]!.resolve(after);
    loader.pending[0]!.resolve(before); // the stale answer arrives last
    expect(await first).toBe(before);
    expect((await second).has("just-started")).toBe(true);
    clock += 100; // well inside the TTL: the cached map is used, no new load
    expect((await catalog.snapshot(["just-started"])).has("just-started")).toBe(true);
    expect(loader.pending).toHaveLength(2);
  });

  it("concurrent snapshots share one load; a miss reloads at most once per missReloadMs", async () => {
    let clock = 0;
    const loader = manualLoader();
    const catalog = new ExperimentCatalog({ load: loader.load, now: () => clock, missReloadMs: 1000 });
    const a = catalog.snapshot(["old"]);
    const b = catalog.snapshot(["old"]);
    expect(loader.pending).toHaveLength(1);
    loader.pending[0]!.resolve(before);
    expect(await a).toBe(await b);
    clock = 500;
    expect(await catalog.snapshot(["missing"])).toBe(before); // too soon to reload
    clock = 1500;
    const reloaded = catalog.snapshot(["missing"]);
    expect(loader.pending).toHaveLength(2);
    loader.pending[1]!.resolve(after);
    expect(await reloaded).toBe(after);
  });
});
