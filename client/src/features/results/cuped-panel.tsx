import type { CupedComparison, MetricReport, ResultsReport } from "../../api/types.js";
import { Explain } from "../../ui/explain.js";
import { formatDateTime, formatNumber, formatPercent, formatPValue } from "../../ui/format.js";
import styles from "./results.module.css";
import { formatDiff, formatDiffInterval } from "./scorecard-model.js";

/**
 * CUPED (Deng et al. 2013), informative: for each metric the server adjusted, each treatment's
 * absolute difference unadjusted and adjusted by the same metric before exposure, with the
 * variance it removed. The verdicts above use the unadjusted tests. Nothing when the report has
 * no CUPED results.
 */
export function CupedPanel({ report }: { report: ResultsReport }) {
  const cuped = report.cuped;
  const rows: { metric: MetricReport; c: CupedComparison }[] = [];
  for (const m of cuped?.metrics ?? []) {
    const metric = report.metrics.find((x) => x.metric === m.metric);
    if (metric) for (const c of m.comparisons) rows.push({ metric, c });
  }
  if (!cuped || rows.length === 0) return null;
  if (rows.every((r) => r.c.status !== "ok")) {
    const reasons = [...new Set(rows.map((r) => r.c.reason ?? "not enough data"))];
    return (
      <p className={`muted ${styles.note}`} data-testid="cuped-none">
        Variance reduction (CUPED) is not computed for any metric yet: {reasons.join("; ")}.
      </p>
    );
  }
  const interval = (metric: MetricReport, ci: [number, number] | null) =>
    formatDiffInterval(metric.type, "absolute", ci);
  return (
    <section aria-labelledby="cuped-title" className={`card ${styles.section}`}>
      <h2 id="cuped-title" className={styles.sectionTitle}>
        Variance reduction (CUPED)
      </h2>
      <p className={styles.lead}>
        Each difference adjusted by the same metric over {lookbackText(cuped.metrics)} before each unit's
        first exposure, which removes noise that was there before the test (through{" "}
        {formatDateTime(cuped.through)}). For reference only: the verdicts above use the unadjusted tests;
        fixed-horizon intervals, not adjusted for multiple comparisons.
      </p>
      <div className={styles.tableWrap}>
        <table className="table">
          <caption className="visually-hidden">CUPED-adjusted differences per metric and treatment</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Variant</th>
              <th scope="col" className="num">
                Unadjusted
              </th>
              <th scope="col" className="num">
                CUPED-adjusted
              </th>
              <th scope="col" className="num">
                Variance removed
              </th>
              <th scope="col" className="num">
                Adjusted p
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ metric, c }) => (
              <tr key={`${metric.metric}:${c.variant}`} data-testid={`cuped-${metric.metric}:${c.variant}`}>
                <th scope="row">{metric.name}</th>
                <td>{c.variant}</td>
                {c.status !== "ok" ? (
                  <td colSpan={4} className="muted">
                    Not computed: {c.reason ?? "not enough data"}.
                  </td>
                ) : (
                  <>
                    <td className="num">
                      <Explain
                        explanation={`${c.variant} − control without adjustment (Welch's t-test): ${formatDiff(metric.type, "absolute", c.unadjusted.estimate)}, interval ${interval(metric, c.unadjusted.ci)}, p = ${formatPValue(c.unadjusted.pValue)}.`}
                      >
                        {formatDiff(metric.type, "absolute", c.unadjusted.estimate)}{" "}
                        <span className={styles.liftCi}>{interval(metric, c.unadjusted.ci)}</span>
                      </Explain>
                    </td>
                    <td className="num">
                      <Explain
                        explanation={`${c.variant} − control after subtracting θ = ${formatNumber(c.theta, 3)} × (the unit's pre-exposure value − its mean): ${formatDiff(metric.type, "absolute", c.adjusted.estimate)}, interval ${interval(metric, c.adjusted.ci)}. Same target, usually a narrower interval.`}
                      >
                        {formatDiff(metric.type, "absolute", c.adjusted.estimate)}{" "}
                        <span className={styles.liftCi}>{interval(metric, c.adjusted.ci)}</span>
                      </Explain>
                    </td>
                    <td className="num">
                      <Explain
                        explanation={`The adjusted difference's variance is ${formatPercent(c.varianceReduction)} smaller than the unadjusted one's: like having about ${formatPercent(c.varianceReduction !== null && c.varianceReduction < 1 ? 1 / (1 - c.varianceReduction) - 1 : null, 0)} more units.`}
                      >
                        {formatPercent(c.varianceReduction)}
                      </Explain>
                    </td>
                    <td className="num">
                      <Explain
                        explanation={`If the variants truly performed the same, a CUPED-adjusted difference at least this large would be this surprising (Welch's t-test, fixed horizon, not corrected for multiple comparisons).`}
                      >
                        {formatPValue(c.adjusted.pValue)}
                      </Explain>
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** "the 14 days" when every metric uses the same lookback, else each metric's own. */
function lookbackText(metrics: { metric: string; lookbackDays: number }[]): string {
  const days = [...new Set(metrics.map((m) => m.lookbackDays))];
  if (days.length === 1) return `the ${days[0]} days`;
  return `its own lookback (${metrics.map((m) => `${m.metric}: ${m.lookbackDays} days`).join(", ")})`;
}
