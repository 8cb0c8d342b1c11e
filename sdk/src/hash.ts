import murmurhash from "murmurhash";

/** 2^32: divides a uint32 hash into [0, 1). */
const TWO_POW_32 = 4294967296;

// One encoder and one scratch buffer for the whole module: hashing allocates nothing per call
// except when an id longer than the buffer arrives (the buffer then grows once).
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);
// views[n] is scratch.subarray(0, n) and tails[n] is scratch.subarray(n), each created once and
// reused: the murmurhash package reads `key.length`, so it needs a view of exactly the bytes.
let views: Uint8Array[] = [];
let tails: Uint8Array[] = [];
// The UTF-8 bytes of the last prefix stay at the start of `scratch`. The prefix is
// `key + ":"` (experiment seed) or `"layer:" + key + ":"`; it is identified by (layer, key) so a
// repeated seed costs one string comparison and no concatenation.
let lastKey: string | null = null;
let lastIsLayer = false;
let lastPrefixBytes = 0;

function ensureCapacity(codeUnits: number): void {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  const needed = codeUnits * 3;
  if (needed <= scratch.length) return;
  let size = scratch.length;
  while (size < needed) size *= 2;
  scratch = new Uint8Array(size);
  views = [];
  tails = [];
  lastKey = null;
}

function viewOf(length: number): Uint8Array {
  let view = views[length];
  if (view === undefined) {
    view = scratch.subarray(0, length);
    views[length] = view;
  }
  return view;
}

function tailFrom(offset: number): Uint8Array {
  let tail = tails[offset];
  if (tail === undefined) {
    tail = scratch.subarray(offset);
    tails[offset] = tail;
  }
  return tail;
}

/**
 * MurmurHash3 x86 32-bit of the UTF-8 bytes of `text`, seed 0, as an unsigned 32-bit integer.
 * Lone UTF-16 surrogates are encoded as U+FFFD (EF BF BD), as `TextEncoder` does.
 *
 * Reference: Austin Appleby, MurmurHash3_x86_32 (smhasher); computed by the `murmurhash`
 * package's `v3` over a reused UTF-8 buffer.
 *
 * @example murmur3Utf8("foo") // 4138058784 (Python mmh3.hash("foo") = -156908512 as signed)
 */
export function murmur3Utf8(text: string): number {
  ensureCapacity(text.length);
  lastKey = null;
  const { written } = encoder.encodeInto(text, scratch);
  return murmurhash.v3(viewOf(written), 0);
}

/**
 * murmur3_x86_32(UTF-8(prefix + text), 0) with prefix `key + ":"` (or `"layer:" + key + ":"`),
 * without building the concatenated string: the prefix bytes stay in the buffer while the
 * same key repeats. Equal to `murmur3Utf8(prefix + text)` because the UTF-8 of a concatenation
 * is the concatenation of the UTF-8 encodings when the prefix ends in a whole code point (":").
 */
function murmur3Prefixed(layer: boolean, key: string, text: string): number {
  ensureCapacity(key.length + 7 + text.length);
  if (key !== lastKey || layer !== lastIsLayer) {
    lastPrefixBytes = encoder.encodeInto(layer ? `layer:${key}:` : `${key}:`, scratch).written;
    lastKey = key;
    lastIsLayer = layer;
  }
  const { written } = encoder.encodeInto(text, tailFrom(lastPrefixBytes));
  return murmurhash.v3(viewOf(lastPrefixBytes + written), 0);
}

/**
 * The unit's position in [0, 1) for an experiment (assignment spec, hashVersion 1):
 * `u = murmur3_x86_32(UTF-8(seed + ":" + unitId), 0) / 2^32`.
 *
 * @example hashToUnit("new-checkout", "user-1") // a number in [0, 1), same on every platform
 */
export function hashToUnit(seed: string, unitId: string): number {
  return murmur3Prefixed(false, seed, unitId) / TWO_POW_32;
}

/**
 * The unit's position in [0, 1) within a mutual-exclusion layer (hashVersion 1):
 * `u_layer = murmur3_x86_32(UTF-8("layer:" + layerKey + ":" + unitId), 0) / 2^32`.
 *
 * @example hashToLayerUnit("checkout-layer", "user-1") // a number in [0, 1)
 */
export function hashToLayerUnit(layerKey: string, unitId: string): number {
  return murmur3Prefixed(true, layerKey, unitId) / TWO_POW_32;
}
