/** A half-open interval `[start, end)` of the unit line [0, 1). */
export type BucketRange = [start: number, end: number];

/**
 * Bucket ranges for variants in order (assignment spec, hashVersion 1): variant i owns
 * `[c_i, c_i + coverage * w_i)` where `c_i = w_0 + ... + w_(i-1)`, summed left to right.
 * Because `c_i` does not depend on coverage, raising coverage only widens ranges and never
 * moves a unit that was already in. Coverage is clamped to [0, 1]; negative or non-finite
 * weights count as 0.
 *
 * @example bucketRanges([0.5, 0.5], 0.5) // [[0, 0.25], [0.5, 0.75]]
 */
export function bucketRanges(weights: readonly number[], coverage: number): BucketRange[] {
  const cov = coverage > 0 ? Math.min(coverage, 1) : 0;
  const ranges: BucketRange[] = [];
  let start = 0;
  for (const raw of weights) {
    const w = Number.isFinite(raw) && raw > 0 ? raw : 0;
    ranges.push([start, start + cov * w]);
    start += w;
  }
  return ranges;
}

/**
 * Index of the range that contains `u` (`start <= u < end`), or -1 when `u` falls in none
 * (the unit is outside coverage).
 *
 * @example chooseBucket(0.3, [[0, 0.25], [0.5, 0.75]]) // -1
 */
export function chooseBucket(u: number, ranges: readonly BucketRange[]): number {
  return ranges.findIndex((range) => inRange(u, range));
}

/**
 * Whether `u` lies in the half-open slice `[lo, hi)`.
 *
 * @example inRange(0.2, [0, 0.5]) // true
 */
export function inRange(u: number, range: readonly [number, number]): boolean {
  return u >= range[0] && u < range[1];
}

/**
 * Index of the variant whose range (as built by {@link bucketRanges}, same arithmetic) contains
 * `u`, or -1 outside coverage.
 *
 * @example chooseVariantIndex(0.6, [{ weight: 0.5 }, { weight: 0.5 }], 0.5) // 1
 */
export function chooseVariantIndex(
  u: number,
  variants: readonly { weight: number }[],
  coverage: number,
): number {
  return chooseBucket(
    u,
    bucketRanges(
      variants.map((v) => v.weight),
      coverage,
    ),
  );
}
