import type { MetricReport } from "../../api/types.js";
import { CiAxis, CiBar } from "../../ui/ci-bar.js";
import { Explain } from "../../ui/explain.js";
import { formatPValue } from "../../ui/format.js";
import { VerdictBadge } from "../../ui/verdict-badge.js";
import styles from "./results.module.css";
import {
  type AnalysisSettings,
  axisGroups,
  type DiffMode,
  decidingPValues,
  explainAdjusted,
  explainLift,
  explainPValue,
  explainValue,
  explainVerdict,
  formatCounts,
  formatDiff,
  formatDiffInterval,
  formatMetricValue,
  liftOf,
  type ScoreRow,
  scorecardRows,
} from "./scorecard-model.js";

/** Props of {@link Scorecard}. */
export interface ScorecardProps {
  metrics: MetricReport[];
  mode: DiffMode;
  settings: AnalysisSettings;
  /** The table's caption (read by screen readers; shown when `showCaption`). */
  caption: string;
  showCaption?: boolean;
}

const DIRECTION_WORDS = { increase: "higher is better", decrease: "lower is better" } as const;

function groupsOf(rows: ScoreRow[]): ScoreRow[][] {
  const groups: ScoreRow[][] = [];
  for (const r of rows) {
    if (r.first) groups.push([r]);
    else groups[groups.length - 1]?.push(r);
  }
  return groups;
}

/**
 * The scorecard: one group per metric (primary first, then guardrails) with a row per treatment:
 * the control's value (repeated on every row), the variant's value, the lift with its interval as
 * text and as a bar on an axis shared by the metric's rows (relative: the same axis for every
 * metric), the deciding p-value and its adjusted value, and the verdict. Every number explains
 * itself on hover and focus.
 */
export function Scorecard({ metrics, mode, settings, caption, showCaption = false }: ScorecardProps) {
  const rows = scorecardRows(metrics);
  const domains = axisGroups(rows, mode);
  const sequential = settings.sequential;
  if (rows.length === 0) {
    return <p className="muted">This experiment has no metric with a treatment to compare.</p>;
  }
  return (
    <div className={styles.tableWrap}>
      <table className={`table ${styles.scorecard}`}>
        <caption className={showCaption ? styles.caption : "visually-hidden"}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" className="num">
              Baseline
            </th>
            <th scope="col" className="num">
              Variant value
            </th>
            <th scope="col" className="num">
              {mode === "relative" ? "Relative lift" : "Absolute lift"}
            </th>
            <th scope="col">
              Interval
              {sequential && mode === "absolute" && (
                <span className="visually-hidden"> (solid: fixed horizon, dashed: always valid)</span>
              )}
            </th>
            <th scope="col" className="num">
              p-value{sequential && <span className="visually-hidden"> (always valid)</span>}
            </th>
            <th scope="col" className="num">
              Adjusted p
            </th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        {groupsOf(rows).map((group) => {
          const metric = group[0]!.metric;
          const domain = domains.get(group[0]!.id) ?? [-1, 1];
          return (
            <tbody key={metric.metric}>
              <tr className={styles.metricRow}>
                <th scope="colgroup" colSpan={4}>
                  <span className={styles.metricName}>{metric.name}</span>{" "}
                  <span className={styles.metricMeta}>
                    {metric.kind === "primary" ? "Primary" : "Guardrail"} ·{" "}
                    {DIRECTION_WORDS[metric.direction]}
                  </span>
                </th>
                <td>
                  <CiAxis domain={domain} format={(x) => formatDiff(metric.type, mode, x)} />
                </td>
                <td colSpan={3} />
              </tr>
              {group.map((row) => (
                <ScoreRowView key={row.id} row={row} mode={mode} settings={settings} domain={domain} />
              ))}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

function ScoreRowView({
  row,
  mode,
  settings,
  domain,
}: {
  row: ScoreRow;
  mode: DiffMode;
  settings: AnalysisSettings;
  domain: [number, number];
}) {
  const { metric, comparison: c } = row;
  const lift = liftOf(c, mode);
  const { pValue, adjusted } = decidingPValues(c);
  const liftText = formatDiff(metric.type, mode, lift.estimate);
  const ciText = formatDiffInterval(metric.type, mode, lift.ci);
  const seqText = lift.sequentialCi ? formatDiffInterval(metric.type, mode, lift.sequentialCi) : null;
  const explanation = explainLift(row, settings);
  const barLabel =
    `${c.variant} against ${c.control} on ${metric.name}: ${mode} lift ${liftText}, ` +
    `confidence interval ${ciText}${seqText ? `, always-valid interval ${seqText}` : ""}; ${row.verdict.word}.`;
  return (
    <tr data-testid={`score-${row.id}`}>
      <th scope="row" className={styles.variantCell}>
        {c.variant}
        <span className="visually-hidden"> on {metric.name}</span>
      </th>
      <td className="num">
        <Explain explanation={`Baseline. ${explainValue(metric, row.control)}`} className={styles.value}>
          <span>{formatMetricValue(metric.type, row.control?.mean)}</span>
          <span className="visually-hidden">, </span>
          <span className={styles.counts}>{formatCounts(metric.type, row.control)}</span>
        </Explain>
      </td>
      <td className="num">
        <Explain explanation={explainValue(metric, row.treatment)} className={styles.value}>
          <span>{formatMetricValue(metric.type, row.treatment?.mean)}</span>
          <span className="visually-hidden">, </span>
          <span className={styles.counts}>{formatCounts(metric.type, row.treatment)}</span>
        </Explain>
      </td>
      <td className="num">
        <Explain explanation={explanation} className={styles.lift}>
          <span className={styles.liftValue} style={{ color: row.verdict.colorVar }}>
            {liftText}
          </span>
          <span className={styles.liftCi}>{ciText}</span>
        </Explain>
      </td>
      <td className={styles.barCell}>
        <CiBar
          domain={domain}
          estimate={lift.estimate}
          ci={lift.ci}
          sequentialCi={lift.sequentialCi}
          kind={row.verdict.kind}
          label={barLabel}
        />
      </td>
      <td className="num">
        <Explain explanation={explainPValue(row)}>{formatPValue(pValue)}</Explain>
      </td>
      <td className="num">
        <Explain explanation={explainAdjusted(row, settings)}>{formatPValue(adjusted)}</Explain>
      </td>
      <td>
        <VerdictBadge verdict={{ ...row.verdict, sentence: explainVerdict(row, settings) }} />
      </td>
    </tr>
  );
}
