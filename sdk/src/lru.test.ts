import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { murmur3Utf8 } from "./hash.js";
import { createSeenUnits } from "./lru.js";

/** The memory keyed as the client keys it: by the murmur3 of the unit id. */
function units(capacity: number) {
  const seen = createSeenUnits(capacity);
  return {
    add: (unitId: string, variant: string) => seen.add(unitId, variant, murmur3Utf8(unitId)),
    forget: (unitId: string) => seen.forget(unitId, murmur3Utf8(unitId)),
    clear: () => seen.clear(),
  };
}

describe("SeenUnits", () => {
  it("remembers a (unit, variant) pair and reports a changed variant as new", () => {
    const seen = units(16);
    expect(seen.add("u1", "control")).toBe(true);
    expect(seen.add("u1", "control")).toBe(false);
    expect(seen.add("u1", "treatment")).toBe(true);
    expect(seen.add("u1", "treatment")).toBe(false);
    seen.clear();
    expect(seen.add("u1", "treatment")).toBe(true);
  });

  it("forget() drops one unit (front or back slot) and leaves the other", () => {
    const seen = units(2); // one set of two slots
    seen.add("a", "v");
    seen.add("b", "v"); // b front, a back
    seen.forget("a");
    expect(seen.add("b", "v")).toBe(false);
    expect(seen.add("a", "v")).toBe(true);
    seen.forget("a"); // now the front slot
    seen.forget("not-there");
    expect(seen.add("b", "v")).toBe(false);
    expect(seen.add("a", "v")).toBe(true);
  });

  it("never forgets the most recent unit of each set; alternating two units stays deduped", () => {
    const seen = units(2); // one set of two slots
    expect(seen.add("a", "v")).toBe(true);
    expect(seen.add("b", "v")).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect(seen.add("a", "v")).toBe(false);
      expect(seen.add("b", "v")).toBe(false);
    }
    expect(seen.add("c", "v")).toBe(true); // evicts the least recent (a)
    expect(seen.add("b", "v")).toBe(false);
    expect(seen.add("a", "v")).toBe(true);
  });

  it("matches an exact LRU model when everything fits in one set (fast-check, fixed seed)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 60 }), (ids) => {
        const seen = units(2);
        const model: string[] = []; // most recent first, at most 2
        for (const id of ids) {
          const expected = !model.includes(id);
          expect(seen.add(id, "v")).toBe(expected);
          model.splice(model.indexOf(id) >>> 0, model.includes(id) ? 1 : 0);
          model.unshift(id);
          model.length = Math.min(model.length, 2);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
