/** 2^32: divides a uint32 hash into [0, 1). */
const TWO_POW_32 = 4294967296;

// One encoder and one scratch buffer for the whole module: hashing allocates nothing per call
// for ASCII ids except when an id longer than the buffer arrives (the buffer then grows once).
// The UTF-8 bytes of the last prefix (`key + ":"`) stay at its start, so a repeated seed costs
// one string comparison and no concatenation.
/** The module's one UTF-8 encoder (typed structurally: the package's types need no DOM or Node lib). */
export const encoder: {
  encode(text: string): Uint8Array;
  encodeInto(text: string, into: Uint8Array): { written: number };
} = new TextEncoder();
let scratch = new Uint8Array(256);
let lastKey: string | null = null;
let lastPrefixBytes = 0;

/**
 * Writes the UTF-8 encoding of `text` into `scratch` from `at`; returns the end. ASCII is
 * copied by hand (no call into the engine's encoder, the usual id); anything else goes through
 * `TextEncoder`, which encodes lone surrogates as U+FFFD (EF BF BD). The caller made room for 3
 * bytes per UTF-16 code unit (the most UTF-8 needs).
 */
function encodeAt(text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return at - i + encoder.encodeInto(text, scratch.subarray(at - i)).written;
    scratch[at++] = c;
  }
  return at;
}

function ensureCapacity(codeUnits: number): void {
  if (codeUnits * 3 > scratch.length) {
    scratch = new Uint8Array(codeUnits * 6);
    lastKey = null;
  }
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** One 32-bit block mixed into `h` (MurmurHash3_x86_32: k *= c1; k = rotl(k, 15); k *= c2; h ^= k). */
function mixK(h: number, k: number): number {
  k = Math.imul(k, C1);
  return h ^ Math.imul((k << 15) | (k >>> 17), C2);
}

/**
 * MurmurHash3_x86_32 with seed 0 of `scratch[0 .. length)`: Austin Appleby's algorithm
 * (smhasher, MurmurHash3.cpp) with 32-bit `Math.imul` arithmetic. The vectors in
 * sdk/test/vectors.json come from Python's `mmh3`, and the test checks a second,
 * independently written implementation.
 */
function murmur3(length: number): number {
  const bytes = scratch;
  let h = 0;
  const end = length & ~3;
  for (let i = 0; i < end; i += 4) {
    h = mixK(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = length & 3;
  if (rest > 0) {
    let k = bytes[end]!;
    if (rest > 1) k |= bytes[end + 1]! << 8;
    if (rest > 2) k |= bytes[end + 2]! << 16;
    h = mixK(h, k);
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * MurmurHash3 x86 32-bit of the UTF-8 bytes of `text`, seed 0, as an unsigned 32-bit integer.
 * Lone UTF-16 surrogates are encoded as U+FFFD (EF BF BD), as `TextEncoder` does.
 *
 * Reference: Austin Appleby, MurmurHash3_x86_32 (smhasher), over a reused UTF-8 buffer.
 *
 * @example murmur3Utf8("foo") // 4138058784 (Python mmh3.hash("foo") = -156908512 as signed)
 */
export function murmur3Utf8(text: string): number {
  ensureCapacity(text.length);
  lastKey = null;
  return murmur3(encodeAt(text, 0));
}

/**
 * murmur3_x86_32(UTF-8(key + ":" + text), 0) as a uint32, without building the concatenated
 * string: the prefix bytes stay in the buffer while the same key repeats. Equal to `murmur3Utf8(prefix + text)` because the
 * UTF-8 of a concatenation is the concatenation of the UTF-8 encodings when the prefix ends in
 * a whole code point (":").
 */
export function murmur3Prefixed(key: string, text: string): number {
  ensureCapacity(key.length + 1 + text.length);
  if (key !== lastKey) {
    lastPrefixBytes = encodeAt(`${key}:`, 0);
    lastKey = key;
  }
  return murmur3(encodeAt(text, lastPrefixBytes));
}

/**
 * The unit's position in [0, 1) for an experiment (assignment spec, hashVersion 1):
 * `u = murmur3_x86_32(UTF-8(seed + ":" + unitId), 0) / 2^32`.
 *
 * @example hashToUnit("new-checkout", "user-1") // a number in [0, 1), same on every platform
 */
export function hashToUnit(seed: string, unitId: string): number {
  return murmur3Prefixed(seed, unitId) / TWO_POW_32;
}

/**
 * The unit's position in [0, 1) within a mutual-exclusion layer (hashVersion 1):
 * `u_layer = murmur3_x86_32(UTF-8("layer:" + layerKey + ":" + unitId), 0) / 2^32`.
 *
 * @example hashToLayerUnit("checkout-layer", "user-1") // a number in [0, 1)
 */
export function hashToLayerUnit(layerKey: string, unitId: string): number {
  return murmur3Prefixed(`layer:${layerKey}`, unitId) / TWO_POW_32;
}
