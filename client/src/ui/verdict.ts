/**
 * Verdict wording and colours. Colour follows the metric's good direction, never the sign of the
 * change (a significant drop of a "decrease is good" metric is Better, in blue), and never stands
 * alone: every verdict has an arrow for the sign and a word.
 */

/** Okabe-Ito blue: the variant is better. */
export const BETTER_COLOR = "#0072B2";
/** Okabe-Ito vermillion: the variant is worse. */
export const WORSE_COLOR = "#D55E00";

/** The three verdicts of a comparison. */
export type VerdictKind = "better" | "worse" | "inconclusive";

/** Which way a metric should move. */
export type GoodDirection = "increase" | "decrease";

/** Everything a verdict renders with. */
export interface Verdict {
  kind: VerdictKind;
  /** "Better" / "Worse" / "Inconclusive". */
  word: string;
  /** ↑ the variant's value is higher, ↓ lower, → no measurable change (or not significant and ~0). */
  arrow: "↑" | "↓" | "→";
  /** CSS variable holding the colour (themes may lighten it for dark backgrounds). */
  colorVar: "var(--better)" | "var(--worse)" | "var(--inconclusive)";
  /** One sentence for people. */
  sentence: string;
}

const WORDS: Record<VerdictKind, string> = { better: "Better", worse: "Worse", inconclusive: "Inconclusive" };
const COLORS: Record<VerdictKind, Verdict["colorVar"]> = {
  better: "var(--better)",
  worse: "var(--worse)",
  inconclusive: "var(--inconclusive)",
};

/** Inputs of {@link verdictOf}. */
export interface VerdictInput {
  /** Treatment − control (absolute or relative: only the sign is used). */
  estimate: number | null;
  /** Whether the deciding test is significant at the experiment's alpha. */
  significant: boolean;
  /** The metric's good direction. */
  goodDirection: GoodDirection;
}

/**
 * The verdict of one comparison: significant and moving the good way → Better; significant and
 * moving the bad way → Worse; otherwise Inconclusive. The arrow shows the sign of the estimate.
 *
 * @example verdictOf({ estimate: -0.03, significant: true, goodDirection: "decrease" }) // Better, ↓
 */
export function verdictOf(input: VerdictInput): Verdict {
  const { estimate, significant, goodDirection } = input;
  const sign = estimate === null || estimate === 0 ? 0 : Math.sign(estimate);
  const arrow = sign > 0 ? "↑" : sign < 0 ? "↓" : "→";
  let kind: VerdictKind = "inconclusive";
  if (significant && sign !== 0) {
    const good = goodDirection === "increase" ? sign > 0 : sign < 0;
    kind = good ? "better" : "worse";
  }
  const moved = sign > 0 ? "higher" : sign < 0 ? "lower" : "unchanged";
  const wanted = goodDirection === "increase" ? "higher is better" : "lower is better";
  const sentence =
    kind === "inconclusive"
      ? `Inconclusive: the difference is not statistically significant (${wanted} for this metric).`
      : `${WORDS[kind]}: the variant is significantly ${moved} and ${wanted} for this metric.`;
  return { kind, word: WORDS[kind], arrow, colorVar: COLORS[kind], sentence };
}

/** The server's `direction` of a comparison ("better" / "worse" / "flat") as a verdict kind. */
export function verdictKindOf(direction: "better" | "worse" | "flat"): VerdictKind {
  return direction === "flat" ? "inconclusive" : direction;
}

/** Recommendations of the results report. */
export type RecommendationKind =
  | "ship"
  | "roll-back"
  | "keep-running"
  | "inconclusive"
  | "not-enough-data"
  | "investigate";

/** Short label and one-sentence meaning of each recommendation. */
export const RECOMMENDATIONS: Record<RecommendationKind, { label: string; meaning: string }> = {
  ship: {
    label: "Ship",
    meaning: "A variant is significantly better on a primary metric and harms no guardrail.",
  },
  "roll-back": {
    label: "Roll back",
    meaning: "A variant is significantly worse on a primary metric or a guardrail, and nothing is better.",
  },
  "keep-running": {
    label: "Keep running",
    meaning: "No significant difference yet and the test does not have enough power: collect more data.",
  },
  inconclusive: {
    label: "Inconclusive",
    meaning: "No variant wins without a significant harm, or there is no difference despite enough power.",
  },
  "not-enough-data": {
    label: "Not enough data",
    meaning: "Too few units or conversions in some variant to say anything yet.",
  },
  investigate: {
    label: "Investigate",
    meaning: "The data fails a health check (such as a sample ratio mismatch): do not trust the metrics.",
  },
};
