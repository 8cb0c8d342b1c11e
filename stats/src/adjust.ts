/**
 * Multiple-comparison adjustments of p-values, identical to R `p.adjust`.
 */

/** Adjustment method: family-wise error (Holm, Bonferroni) or false discovery rate (Benjamini-Hochberg). */
export type AdjustMethod = "holm" | "bonferroni" | "benjamini-hochberg";

/**
 * Adjusts a family of p-values; the result has the input order.
 *
 * - bonferroni: p̃_i = min(1, m·p_i) (Bonferroni 1936).
 * - holm: with p_(1) ≤ … ≤ p_(m), p̃_(i) = min(1, max_{j≤i} (m − j + 1)·p_(j)) (Holm 1979).
 * - benjamini-hochberg: p̃_(i) = min(1, min_{j≥i} m·p_(j)/j) (Benjamini & Hochberg 1995), controls the FDR.
 * Matches R `p.adjust(p, method = "holm" | "bonferroni" | "BH")`. Each p must be in [0, 1].
 *
 * @example adjustPValues([0.01, 0.04, 0.03], "holm") // [0.03, 0.06, 0.06]
 */
export function adjustPValues(pValues: number[], method: AdjustMethod): number[] {
  if (!Array.isArray(pValues)) throw new RangeError("pValues must be an array");
  for (const [i, p] of pValues.entries()) {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`pValues[${i}] must be in [0, 1], got ${String(p)}`);
    }
  }
  const m = pValues.length;
  if (m === 0) return [];
  if (method === "bonferroni") return pValues.map((p) => Math.min(1, m * p));
  const order = pValues.map((_, i) => i);
  const out = new Array<number>(m);
  if (method === "holm") {
    order.sort((a, b) => pValues[a]! - pValues[b]! || a - b);
    let running = 0;
    for (const [rank, idx] of order.entries()) {
      running = Math.max(running, (m - rank) * pValues[idx]!);
      out[idx] = Math.min(1, running);
    }
    return out;
  }
  if (method === "benjamini-hochberg") {
    order.sort((a, b) => pValues[b]! - pValues[a]! || b - a);
    let running = Number.POSITIVE_INFINITY;
    for (const [k, idx] of order.entries()) {
      const rank = m - k; // rank in ascending order, 1-based
      running = Math.min(running, (m / rank) * pValues[idx]!);
      out[idx] = Math.min(1, running);
    }
    return out;
  }
  throw new RangeError(`method must be "holm", "bonferroni" or "benjamini-hochberg", got ${String(method)}`);
}
