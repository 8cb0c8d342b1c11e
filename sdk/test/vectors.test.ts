import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assignVariant } from "../src/assign.js";
import { bucketRanges, chooseBucket, chooseVariantIndex } from "../src/bucket.js";
import { evaluateCondition } from "../src/condition.js";
import { hashToLayerUnit, hashToUnit, murmur3Utf8 } from "../src/hash.js";
import type { Attributes, Condition, ExperimentConfig } from "../src/types.js";

interface Vectors {
  specVersion: number;
  hashVersion: number;
  hash: { name: string; input: string; utf8Hex: string; expected: number }[];
  hashToUnit: { name: string; seed: string; unitId: string; expected: number }[];
  layerHash: { name: string; layerKey: string; unitId: string; expected: number }[];
  bucketRanges: { name: string; weights: number[]; coverage: number; expected: [number, number][] }[];
  conditions: { name: string; condition: Condition; attributes: Attributes; expected: boolean }[];
  assignments: { name: string; experiment: ExperimentConfig | null; user: Attributes; expected: unknown }[];
}

// Read with JSON.parse (as a port in another language would): the file holds a lone-surrogate
// escape that some bundler JSON loaders refuse.
const vectors = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf8")) as Vectors;

/**
 * A third, independent MurmurHash3_x86_32 written in the test from Appleby's published
 * algorithm (smhasher MurmurHash3.cpp) with Math.imul, fed by a fresh TextEncoder.
 */
function referenceMurmur3(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h1 = seed | 0;
  const blocks = bytes.length >> 2;
  for (let b = 0; b < blocks; b++) {
    const i = b * 4;
    let k1 = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  let k1 = 0;
  const rest = bytes.length & 3;
  if (rest === 3) k1 ^= bytes[tail + 2]! << 16;
  if (rest >= 2) k1 ^= bytes[tail + 1]! << 8;
  if (rest >= 1) {
    k1 ^= bytes[tail]!;
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
  }
  h1 ^= bytes.length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("vectors.json", () => {
  it("declares its spec and hash version", () => {
    expect(vectors.specVersion).toBe(1);
    expect(vectors.hashVersion).toBe(1);
  });

  it("published murmur3_x86_32 values (seed 0) agree with the vectors", () => {
    // "": 0 (smhasher verification); "foo": Python `mmh3.hash("foo")` = -156908512 (mmh3 README),
    // i.e. 4138058784 unsigned; "hello": 0x248bfa47 = 613153351 (widely published test value).
    const byName = new Map(vectors.hash.map((v) => [v.input, v.expected]));
    expect(byName.get("")).toBe(0);
    expect(byName.get("foo")).toBe(4138058784);
    expect(byName.get("hello")).toBe(613153351);
  });

  for (const v of vectors.hash) {
    it(`hash: ${v.name}`, () => {
      const bytes = new TextEncoder().encode(v.input);
      expect(hex(bytes)).toBe(v.utf8Hex);
      expect(referenceMurmur3(bytes)).toBe(v.expected);
      expect(murmur3Utf8(v.input)).toBe(v.expected);
    });
  }

  it("hash: the reused buffer gives the same answer in any call order", () => {
    const reversed = [...vectors.hash].reverse();
    for (const v of [...reversed, ...vectors.hash]) expect(murmur3Utf8(v.input)).toBe(v.expected);
  });

  for (const v of vectors.hashToUnit) {
    it(`hashToUnit: ${v.name}`, () => {
      const u = hashToUnit(v.seed, v.unitId);
      expect(u).toBe(v.expected);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    });
  }

  for (const v of vectors.layerHash) {
    it(`layer hash: ${v.name}`, () => {
      expect(hashToLayerUnit(v.layerKey, v.unitId)).toBe(v.expected);
    });
  }

  for (const v of vectors.bucketRanges) {
    it(`bucketRanges: ${v.name}`, () => {
      const ranges = bucketRanges(v.weights, v.coverage);
      expect(ranges).toEqual(v.expected);
      // The allocation-free hot path uses the same arithmetic as the ranges.
      for (const u of [0, 0.05, 0.1, 0.25, 0.3333333333333333, 0.5, 0.6, 0.75, 0.999999]) {
        expect(
          chooseVariantIndex(
            u,
            v.weights.map((weight) => ({ weight })),
            v.coverage,
          ),
        ).toBe(chooseBucket(u, ranges));
      }
    });
  }

  for (const v of vectors.conditions) {
    it(`condition: ${v.name}`, () => {
      expect(evaluateCondition(v.condition, v.attributes)).toBe(v.expected);
    });
  }

  for (const v of vectors.assignments) {
    it(`assignment: ${v.name}`, () => {
      const result = assignVariant(v.experiment, v.user);
      expect(result).toEqual(v.expected);
    });
  }
});
