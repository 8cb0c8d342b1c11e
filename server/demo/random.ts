/**
 * A seeded pseudo-random source for the simulator: the same seed gives the same users,
 * attributes and behaviour, hence the same reports. mulberry32 (Tommy Ettinger's 32-bit
 * generator, public domain) is small, fast and passes the statistical tests that matter here;
 * normal draws use the Box-Muller transform.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Standard normal. */
  normal(): number;
  /** Log-normal with the given mean and sd of the underlying normal. */
  logNormal(mu: number, sigma: number): number;
  /** One of `items`, by `weights` (need not sum to 1). */
  pick<T>(items: readonly T[], weights: readonly number[]): T;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
}

/** A generator seeded with `seed` (any 32-bit integer; strings hash to one). */
export function createRandom(seed: number | string): Random {
  let state = typeof seed === "number" ? seed >>> 0 : hashString(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = 1 - next(); // (0, 1]
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    chance: (p) => next() < p,
    normal,
    logNormal: (mu, sigma) => Math.exp(mu + sigma * normal()),
    pick(items, weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i]!;
        if (r < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

/** FNV-1a of a string, as a 32-bit seed. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
