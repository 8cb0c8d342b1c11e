import type { Experiment, ResultsReport } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { Explain } from "../../ui/explain.js";
import { formatDateTime } from "../../ui/format.js";
import { RECOMMENDATIONS } from "../../ui/verdict.js";
import styles from "./results.module.css";

/** Props of {@link DecisionBanner}. */
export interface DecisionBannerProps {
  report: ResultsReport;
  /** The decision recorded when the experiment was stopped, if any. */
  recorded?: Experiment["decision"];
  /** When the browser received this report (ms since epoch). */
  fetchedAt: number;
  refreshing: boolean;
  onRefresh: () => void;
}

const TONE = {
  ship: styles.toneBetter,
  "roll-back": styles.toneWorse,
  investigate: styles.toneWorse,
  "keep-running": styles.toneNeutral,
  inconclusive: styles.toneNeutral,
  "not-enough-data": styles.toneNeutral,
} as const;

const MARK = {
  ship: "✓",
  "roll-back": "↩",
  investigate: "!",
  "keep-running": "…",
  inconclusive: "=",
  "not-enough-data": "…",
} as const;

const OUTCOMES = {
  ship: "Shipped",
  rollback: "Rolled back",
  inconclusive: "Stopped as inconclusive",
} as const;

/** The recommendation, its reasons (and the decision recorded at the stop), how fresh the data is, and the refresh button. */
export function DecisionBanner({ report, recorded, fetchedAt, refreshing, onRefresh }: DecisionBannerProps) {
  const { decision } = report;
  const rec = RECOMMENDATIONS[decision.recommendation];
  const title =
    decision.recommendation === "ship" && decision.variant ? `${rec.label} ${decision.variant}` : rec.label;
  return (
    <section
      aria-labelledby="decision-title"
      className={`card ${styles.decision} ${TONE[decision.recommendation]}`}
    >
      <div className={styles.decisionMain}>
        <p className={styles.eyebrow}>Recommendation</p>
        <h2 id="decision-title" className={styles.decisionTitle} data-testid="recommendation">
          <span aria-hidden="true" className={styles.decisionMark}>
            {MARK[decision.recommendation]}
          </span>{" "}
          {title}
        </h2>
        <p className={styles.decisionMeaning}>{rec.meaning}</p>
        {decision.reasons.length > 0 && (
          <ul className={styles.reasons}>
            {decision.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
        {recorded && (
          <p className={styles.recorded} data-testid="recorded-decision">
            <strong>
              Decision recorded: {OUTCOMES[recorded.outcome]}
              {recorded.outcome === "ship" && recorded.variant ? ` ${recorded.variant}` : ""}
            </strong>
            {recorded.note ? ` — ${recorded.note}` : ""}
          </p>
        )}
      </div>
      <div className={styles.freshness}>
        <p>
          Data through{" "}
          <Explain
            explanation={`Every exposure and event the server received up to ${formatDateTime(report.dataThrough)} is included; newer rows (the last 30 seconds) wait for the next refresh.`}
          >
            {formatDateTime(report.dataThrough)}
          </Explain>
        </p>
        <p className="muted">
          Last updated{" "}
          <time dateTime={new Date(fetchedAt).toISOString()}>
            {formatDateTime(new Date(fetchedAt).toISOString())}
          </time>
        </p>
        <Button onClick={onRefresh} disabled={refreshing}>
          {refreshing ? "Refreshing…" : "Refresh"}
        </Button>
        <p role="status" className="visually-hidden">
          {refreshing ? "Refreshing the results" : ""}
        </p>
      </div>
    </section>
  );
}
