import { useId } from "react";
import type { ResultsReport } from "../../api/types.js";
import { Explain } from "../../ui/explain.js";
import { formatCount, formatDays, formatPercent, formatPValue, formatSigned } from "../../ui/format.js";
import { missingData, SRM_CAUSES, srmRows } from "./health-model.js";
import styles from "./results.module.css";

/** The SRM banner: p-value, the table of actual against expected units, likely causes. */
export function SrmBanner({
  srm,
  title = "Sample ratio mismatch",
  level = 2,
}: {
  srm: Pick<ResultsReport["srm"], "pValue" | "observed" | "expected"> & { variants: string[] };
  title?: string;
  level?: 2 | 3;
}) {
  const rows = srmRows(srm);
  const id = useId();
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section role="alert" aria-labelledby={id} className={`${styles.banner} ${styles.bannerProblem}`}>
      <Heading id={id} className={styles.bannerTitle}>
        <span aria-hidden="true">⚠</span> {title}: do not trust these results
      </Heading>
      <p>
        The units are not split between the variants the way the experiment plans (chi-square test against the
        planned weights, p ={" "}
        <Explain
          explanation={`If assignment and logging worked, a split at least this far from the plan would happen with probability ${formatPValue(srm.pValue)}. Below 0.001 it is treated as broken, not chance.`}
        >
          {formatPValue(srm.pValue)}
        </Explain>
        , flagged below 0.001). Something between assignment and exposure logging treats the variants
        differently, so the metrics below can be biased in any direction.
      </p>
      <table className={`table ${styles.srmTable}`}>
        <caption className="visually-hidden">Actual against expected units per variant</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" className="num">
              Expected units
            </th>
            <th scope="col" className="num">
              Expected %
            </th>
            <th scope="col" className="num">
              Actual units
            </th>
            <th scope="col" className="num">
              Actual %
            </th>
            <th scope="col" className="num">
              Difference
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.variant}>
              <th scope="row">{r.variant}</th>
              <td className="num">{formatCount(r.expectedUnits)}</td>
              <td className="num">{formatPercent(r.expectedShare)}</td>
              <td className="num">{formatCount(r.actualUnits)}</td>
              <td className="num">{formatPercent(r.actualShare)}</td>
              <td className="num">{formatSigned(Math.round(r.difference), 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className={styles.causes}>
        <summary>Likely causes</summary>
        <ul>
          {SRM_CAUSES.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}

const CHECK_NAMES = {
  srm: "Sample ratio",
  "multiple-exposures": "Multiple exposures",
  "sample-size": "Enough data",
} as const;
const STATUS_WORDS = {
  ok: "✓ Passed",
  warning: "… Not yet",
  problem: "⚠ Problem",
  "not-checked": "– Not checked",
} as const;

/** Every health check with its status and sentence, folded into one line. */
export function HealthSummary({ report }: { report: ResultsReport }) {
  const { checks, status } = report.health;
  const problems = checks.filter((c) => c.status === "problem").length;
  const title =
    status === "ok"
      ? `Health: all ${checks.length} checks passed`
      : status === "problem"
        ? `Health: ${problems} ${problems === 1 ? "problem" : "problems"}`
        : "Health: no verdict yet";
  return (
    <details className={styles.healthSummary} data-testid="health">
      <summary>{title}</summary>
      <ul>
        {checks.map((c) => (
          <li key={c.check}>
            <span className={c.status === "problem" ? styles.srmBad : styles.checkStatus}>
              {STATUS_WORDS[c.status]}
            </span>{" "}
            <strong>{CHECK_NAMES[c.check]}</strong>: {c.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The health banners the report calls for (nothing when every check is ok). */
export function HealthBanners({ report }: { report: ResultsReport }) {
  const multi = report.health.checks.find((c) => c.check === "multiple-exposures");
  const missing = missingData(report);
  const exposed = report.units.reduce((a, u) => a + u.units, 0) + report.multipleExposures;
  return (
    <>
      {report.srm.mismatch && <SrmBanner srm={report.srm} />}
      {multi?.status === "problem" && (
        <section aria-labelledby="multi-title" className={`${styles.banner} ${styles.bannerProblem}`}>
          <h2 id="multi-title" className={styles.bannerTitle}>
            <span aria-hidden="true">⚠</span> Units seen in more than one variant
          </h2>
          <p>
            <Explain explanation="Units whose exposures name more than one variant. They are excluded from every metric and from the SRM check.">
              {formatCount(report.multipleExposures)}
            </Explain>{" "}
            of {formatCount(exposed)} exposed units (
            <Explain
              explanation={`The share of exposed units seen in several variants; above ${formatPercent(multi.threshold)} it is a problem, because dropping them can bias the comparison.`}
            >
              {formatPercent(multi.value)}
            </Explain>
            ) saw more than one variant. Unit ids change hands (signed out and signed in, shared devices) or
            assignment is not deterministic; find the cause before shipping.
          </p>
        </section>
      )}
      {missing && (
        <section aria-labelledby="missing-title" className={`${styles.banner} ${styles.bannerWarning}`}>
          <h2 id="missing-title" className={styles.bannerTitle}>
            Not enough data for a verdict yet
          </h2>
          {missing.noUnits ? (
            <p>
              No exposure has arrived yet. Check that the experiment is running and that the SDK calls{" "}
              <code>getVariant("{report.experiment}", user)</code> and flushes its exposures.
            </p>
          ) : (
            <p data-testid="missing">
              {missing.message}
              {missing.unitsMissing > 0 && (
                <>
                  {" "}
                  The smallest variant needs {formatCount(missing.unitsMissing)} more units
                  {missing.days !== null ? `, about ${formatDays(missing.days)} at the current traffic` : ""}.
                </>
              )}
            </p>
          )}
        </section>
      )}
    </>
  );
}
