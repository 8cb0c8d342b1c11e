import { Explain } from "../../ui/explain.js";
import { formatCount, formatDays, formatNumber, formatPercent, formatWeeks } from "../../ui/format.js";
import type { Plan, PlanInput } from "./plan.js";
import { PLANNER_TUNING } from "./plan.js";
import styles from "./planner.module.css";

/** The sentence people act on: "Run at least N days", with the full-weeks advice. */
export function runSentence(plan: Plan): { headline: string; advice: string } {
  const days = plan.chosen.days;
  const headline = `Run at least ${formatDays(days)}.`;
  const fullWeeks = plan.weeks * 7;
  const advice =
    days % 7 === 0
      ? `That is ${formatWeeks(plan.weeks)}: whole weeks, so every weekday counts equally.`
      : `Round up to ${formatWeeks(plan.weeks)} (${formatDays(fullWeeks)}) so every weekday counts equally; behaviour on weekends often differs.`;
  return { headline, advice };
}

/** Effect to detect, in words. */
export function effectWords(input: PlanInput, plan: Plan): string {
  if (input.kind === "rate") {
    const p2 = input.baseline + plan.absoluteEffect;
    return `from ${formatPercent(input.baseline)} to ${formatPercent(p2)} (${formatPercent(plan.relativeEffect, 1)} relative, ${formatNumber(plan.absoluteEffect * 100, 2)} percentage points)`;
  }
  return `a change of ${formatNumber(plan.absoluteEffect, 4)} in the mean${plan.relativeEffect !== null ? ` (${formatPercent(plan.relativeEffect, 1)} of ${formatNumber(input.baseline, 4)})` : ""}`;
}

/** Headline figures of a plan, each explained. */
export function PlanSummary({ input, plan }: { input: PlanInput; plan: Plan }) {
  const { headline, advice } = runSentence(plan);
  const chosen = plan.chosen;
  const test = plan.sequential ? "the always-valid (sequential) test" : "the fixed-horizon test";
  const alphaWords =
    plan.comparisons > 1
      ? `alpha ${formatPercent(input.alpha)} shared by ${plan.comparisons} comparisons (Holm), so each is held to ${formatPercent(plan.comparisonAlpha, 2)}`
      : `alpha ${formatPercent(input.alpha)}`;
  return (
    <div className={styles.summary}>
      <p className={styles.headline} aria-live="polite">
        <strong data-testid="run-sentence">{headline}</strong> <span className={styles.advice}>{advice}</span>
      </p>
      <dl className={styles.figures}>
        <div>
          <dt>Units per variant</dt>
          <dd data-testid="per-variant">
            <Explain
              explanation={`Units each variant needs so that ${test} detects ${effectWords(input, plan)} with ${formatPercent(input.power, 0)} power at ${alphaWords}.`}
            >
              {formatCount(chosen.perVariant)}
            </Explain>
          </dd>
        </div>
        <div>
          <dt>Total units</dt>
          <dd data-testid="total">
            <Explain
              explanation={`${formatCount(chosen.perVariant)} units × ${input.variants} variants (equal split).`}
            >
              {formatCount(chosen.total)}
            </Explain>
          </dd>
        </div>
        <div>
          <dt>Days needed</dt>
          <dd data-testid="days">
            <Explain
              explanation={`${formatCount(chosen.total)} units at ${formatCount(plan.unitsPerDay)} units a day in the experiment (${formatCount(input.dailyUnits)} a day × ${formatPercent(input.coverage, 0)} coverage), rounded up to whole days.`}
            >
              {formatCount(chosen.days)}
            </Explain>
          </dd>
        </div>
      </dl>
      {plan.sequential && (
        <p className={styles.cost} data-testid="sequential-cost">
          Looking any day costs{" "}
          <Explain
            explanation={`The always-valid confidence sequence (Waudby-Smith et al. 2023, tuned like the report for N* = ${formatCount(PLANNER_TUNING)} units) is wider than a one-look interval, so it needs ${formatNumber(plan.sequential.inflation, 2)} times the units for the same power. In exchange you may read the results every day and stop as soon as they are significant, without inflating false positives.`}
          >
            ×{formatNumber(plan.sequential.inflation, 2)} the units
          </Explain>
          : {formatCount(plan.sequential.perVariant)} instead of {formatCount(plan.fixed.perVariant)} per
          variant, {formatDays(plan.sequential.days)} instead of {formatDays(plan.fixed.days)}.
        </p>
      )}
      {!plan.sequential && (
        <p className={styles.cost}>
          Fixed horizon: read the result once, after {formatDays(plan.fixed.days)}. Reading it every day and
          stopping when it looks significant inflates false positives; turn on sequential to plan for that.
        </p>
      )}
    </div>
  );
}
