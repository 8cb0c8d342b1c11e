import { Link } from "react-router";
import { Explain } from "../../ui/explain.js";
import {
  formatCount,
  formatDays,
  formatLift,
  formatLiftInterval,
  formatPValue,
  MISSING,
} from "../../ui/format.js";
import styles from "./experiments-list-page.module.css";
import type { ListRow, SortDir, SortKey } from "./list-model.js";

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: "name", label: "Experiment" },
  { key: "status", label: "Status" },
  { key: "days", label: "Days running", numeric: true },
  { key: "units", label: "Units so far", numeric: true },
  { key: "lift", label: "Primary metric lift", numeric: true },
  { key: "srm", label: "SRM" },
];

const STATUS_WORD = { draft: "Draft", running: "Running", stopped: "Stopped", archived: "Archived" } as const;

/** Props of {@link ExperimentsTable}. */
export interface ExperimentsTableProps {
  rows: ListRow[];
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
}

/** The list table: header buttons sort (aria-sort tells which), every figure explains itself. */
export function ExperimentsTable({ rows, sort, dir, onSort }: ExperimentsTableProps) {
  return (
    <div className={`card ${styles.tableWrap}`}>
      <table className="table">
        <caption className="visually-hidden">
          Experiments, sorted by {COLUMNS.find((c) => c.key === sort)?.label}{" "}
          {dir === "asc" ? "ascending" : "descending"}
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? "num" : undefined}
                aria-sort={c.key === sort ? (dir === "asc" ? "ascending" : "descending") : undefined}
              >
                <button type="button" className={styles.sortButton} onClick={() => onSort(c.key)}>
                  {c.label}
                  <span aria-hidden="true" className={styles.sortMark}>
                    {c.key === sort ? (dir === "asc" ? "▲" : "▼") : "↕"}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Row key={r.key} row={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({ row }: { row: ListRow }) {
  const target = row.status === "draft" ? `/experiments/${row.key}` : `/experiments/${row.key}/results`;
  return (
    <tr>
      <th scope="row" className={styles.nameCell}>
        <Link to={target} className={styles.name}>
          {row.name}
        </Link>
        <span className={styles.key}>{row.key}</span>
      </th>
      <td>
        <span className={`${styles.status} ${styles[`status-${row.status}`] ?? ""}`}>
          {STATUS_WORD[row.status]}
        </span>{" "}
        <Explain explanation={row.detailExplanation} className={styles.detail}>
          {row.detail}
        </Explain>
      </td>
      <td className="num">
        {row.days === null ? (
          <span className="muted">{MISSING}</span>
        ) : (
          <Explain
            explanation={
              row.status === "running"
                ? `Started ${formatDays(row.days)} ago (whole days since the start).`
                : `Ran for ${formatDays(row.days)} before it was stopped.`
            }
          >
            {row.days}
          </Explain>
        )}
      </td>
      <td className="num">
        <UnitsCell row={row} />
      </td>
      <td className="num">
        <LiftCell row={row} />
      </td>
      <td>
        <SrmCell row={row} />
      </td>
    </tr>
  );
}

function Pending({ row }: { row: ListRow }) {
  if (row.report.state === "loading") return <span className="muted">…</span>;
  if (row.report.state === "error")
    return (
      <Explain explanation={`The results could not be read: ${row.report.message}`} className="muted">
        error
      </Explain>
    );
  return <span className="muted">{MISSING}</span>;
}

function UnitsCell({ row }: { row: ListRow }) {
  if (row.units === null) return <Pending row={row} />;
  return (
    <Explain explanation="Units (users) exposed so far in all variants, counted once each; units seen in more than one variant are excluded.">
      {formatCount(row.units)}
    </Explain>
  );
}

function LiftCell({ row }: { row: ListRow }) {
  const lift = row.lift;
  if (!lift) {
    if (row.report.state === "ok")
      return (
        <Explain explanation="This experiment has no primary metric, so there is no lift to show.">
          {MISSING}
        </Explain>
      );
    return <Pending row={row} />;
  }
  const word = lift.verdict === "better" ? "Better" : lift.verdict === "worse" ? "Worse" : "Inconclusive";
  const arrow = (lift.estimate ?? 0) > 0 ? "↑" : (lift.estimate ?? 0) < 0 ? "↓" : "→";
  const test = lift.sequential ? "always-valid (sequential) p-value" : "p-value";
  const explanation = (
    <>
      {lift.metricName}: {lift.variant} vs {lift.control} is {formatLift(lift.estimate)} (relative change; 95
      % interval {formatLiftInterval(lift.ci)}). {word}:{" "}
      {lift.significant
        ? `significant, ${test} ${formatPValue(lift.pValue)} after the multiple-comparison correction.`
        : `not significant (${test} ${formatPValue(lift.pValue)}), the difference may be chance.`}
      {lift.otherVariants > 0 ? ` ${lift.otherVariants} other variant(s) on the results page.` : ""}
    </>
  );
  return (
    <Explain explanation={explanation} className={`verdict verdict-${lift.verdict} ${styles.lift}`}>
      <span aria-hidden="true">{arrow}</span> {formatLift(lift.estimate)}{" "}
      <span className={styles.liftWord}>{word}</span>
    </Explain>
  );
}

function SrmCell({ row }: { row: ListRow }) {
  if (!row.srm) {
    if (row.report.state === "ok")
      return (
        <Explain explanation="No units yet, so the split between variants cannot be checked.">
          {MISSING}
        </Explain>
      );
    return <Pending row={row} />;
  }
  if (row.srm.mismatch)
    return (
      <Explain
        explanation={`Sample ratio mismatch: the units per variant differ from the planned split far more than chance allows (p ${formatPValue(row.srm.pValue)} < 0.001). Assignment or exposure logging is broken; do not trust the metrics.`}
        className={styles.srmBad}
      >
        <span aria-hidden="true">⚠</span> Mismatch
      </Explain>
    );
  return (
    <Explain
      explanation={`The units per variant match the planned split (SRM check p = ${formatPValue(row.srm.pValue)}; a mismatch is flagged below 0.001).`}
      className={styles.srmOk}
    >
      <span aria-hidden="true">✓</span> OK
    </Explain>
  );
}
