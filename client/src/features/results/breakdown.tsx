import type { ResultsReport } from "../../api/types.js";
import { Explain } from "../../ui/explain.js";
import { formatCount, formatPValue } from "../../ui/format.js";
import { SrmBanner } from "./health-banners.js";
import styles from "./results.module.css";
import { DIMENSIONS } from "./results-url.js";
import { Scorecard } from "./scorecard.js";
import { type AnalysisSettings, type DiffMode, scorecardRows } from "./scorecard-model.js";

/** Props of {@link Breakdown}. */
export interface BreakdownProps {
  report: ResultsReport;
  dimension: string | undefined;
  loading: boolean;
  mode: DiffMode;
  settings: AnalysisSettings;
  onDimension: (dimension: string | null) => void;
}

/**
 * The breakdown by one exposure attribute: a choice of attribute (kept in the URL), then one
 * collapsible section per segment with its units, its own SRM check and the same scorecard.
 */
export function Breakdown({ report, dimension, loading, mode, settings, onDimension }: BreakdownProps) {
  const breakdown = report.breakdown?.dimension === dimension ? report.breakdown : undefined;
  const variants = report.units.map((u) => u.variant);
  return (
    <section aria-labelledby="breakdown-title" className={`card ${styles.section}`}>
      <div className={styles.sectionHead}>
        <h2 id="breakdown-title" className={styles.sectionTitle}>
          Breakdown
        </h2>
        <label className={styles.inlineField}>
          <span>By exposure attribute</span>
          <select
            className="input"
            value={dimension ?? ""}
            onChange={(e) => onDimension(e.target.value === "" ? null : e.target.value)}
          >
            <option value="">None</option>
            {[...new Set([...DIMENSIONS, ...(dimension ? [dimension] : [])])].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {dimension === undefined && (
        <p className="muted">
          Choose an attribute to see every metric per segment (the attribute the SDK sent with each unit's
          first exposure), each with its own sample ratio check.
        </p>
      )}
      {dimension !== undefined && loading && !breakdown && (
        <p role="status">Reading the breakdown by {dimension}…</p>
      )}
      {breakdown && breakdown.segments.length === 0 && (
        <p className="muted">No unit has a {dimension} attribute yet.</p>
      )}
      {breakdown && breakdown.segments.length > 0 && (
        <div className={styles.segments}>
          <p className="muted">
            Segment p-values are not adjusted for the number of segments and do not drive the recommendation;
            read them as leads, not findings.
          </p>
          {breakdown.segments.map((s) => {
            const total = s.units.reduce((a, u) => a + u.units, 0);
            const srm = s.srm ?? { pValue: null, mismatch: false, observed: [], expected: [] };
            const primary = scorecardRows(s.metrics).find((r) => r.metric.kind === "primary");
            return (
              <details
                key={s.segment}
                className={`card ${styles.segment}`}
                data-testid={`segment-${s.segment}`}
              >
                <summary>
                  <span className={styles.segmentName}>
                    {breakdown.dimension} = {s.segment}
                  </span>
                  <span>{formatCount(total)} units</span>
                  <span className={srm.mismatch ? styles.srmBad : styles.srmOk}>
                    {srm.mismatch
                      ? "⚠ Sample ratio mismatch"
                      : srm.pValue === null
                        ? "Split not checked"
                        : "✓ Split as planned"}
                  </span>
                  {primary && (
                    <span>
                      {primary.metric.name}: {primary.verdict.arrow} {primary.verdict.word}
                    </span>
                  )}
                </summary>
                <div className={styles.segmentBody}>
                  <p>
                    Units:{" "}
                    {s.units.map((u, i) => (
                      <span key={u.variant}>
                        {i > 0 && ", "}
                        {u.variant}{" "}
                        <Explain
                          explanation={`Units of ${u.variant} whose first exposure had ${breakdown.dimension} = ${s.segment}; expected ${formatCount(srm.expected[i])} from the planned weights.`}
                        >
                          {formatCount(u.units)}
                        </Explain>
                      </span>
                    ))}
                    . Sample ratio check p = {formatPValue(srm.pValue)}.
                  </p>
                  {srm.mismatch && (
                    <SrmBanner
                      srm={{ ...srm, variants }}
                      title={`Sample ratio mismatch in ${breakdown.dimension} = ${s.segment}`}
                      level={3}
                    />
                  )}
                  <Scorecard
                    metrics={s.metrics}
                    mode={mode}
                    settings={settings}
                    caption={`Scorecard for ${breakdown.dimension} = ${s.segment}`}
                  />
                </div>
              </details>
            );
          })}
        </div>
      )}
    </section>
  );
}
