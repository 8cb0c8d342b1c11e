import { scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { formatDays } from "../../ui/format.js";
import type { CurvePoint } from "./plan.js";
import styles from "./planner.module.css";

/** Props of {@link DaysChart}. */
export interface DaysChartProps {
  curve: CurvePoint[];
  /** The plan's MDE (marked on the chart). */
  mde: number;
  /** Formats an MDE for axis ticks and labels ("5.0%", "1.20 pp", "0.25"). */
  formatMde: (mde: number) => string;
  /** Whether the sequential line is drawn. */
  sequential: boolean;
}

const WIDTH = 640;
const HEIGHT = 280;
const M = { top: 16, right: 20, bottom: 44, left: 56 };

/**
 * Days needed against the minimum detectable effect, as SVG: the fixed-horizon line, the
 * always-valid line when sequential is on, and the plan's MDE marked. Screen readers get an
 * aria-label with the key numbers and a visually hidden table with every point.
 */
export function DaysChart({ curve, mde, formatMde, sequential }: DaysChartProps) {
  const points = curve.filter((p) => p.fixedDays !== null);
  if (points.length < 2) return <p className="muted">Not enough valid effects to draw the chart.</p>;
  const maxDays = Math.max(
    ...points.map((p) => Math.max(p.fixedDays ?? 0, sequential ? (p.sequentialDays ?? 0) : 0)),
  );
  const x = scaleLinear()
    .domain([points[0]!.mde, points[points.length - 1]!.mde])
    .range([M.left, WIDTH - M.right]);
  const y = scaleLinear()
    .domain([0, maxDays])
    .nice()
    .range([HEIGHT - M.bottom, M.top]);
  const fixedPath = line<CurvePoint>()
    .defined((p) => p.fixedDays !== null)
    .x((p) => x(p.mde))
    .y((p) => y(p.fixedDays ?? 0))(points);
  const sequentialPath = sequential
    ? line<CurvePoint>()
        .defined((p) => p.sequentialDays !== null)
        .x((p) => x(p.mde))
        .y((p) => y(p.sequentialDays ?? 0))(points)
    : null;
  const planned = curve.reduce(
    (best, p) => (Math.abs(p.mde - mde) < Math.abs(best.mde - mde) ? p : best),
    points[0]!,
  );
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const label =
    `Days needed against the minimum detectable effect (fixed horizon${sequential ? " and sequential" : ""}): ` +
    `${formatMde(first.mde)} needs ${formatDays(first.fixedDays)}, ${formatMde(planned.mde)} needs ${formatDays(planned.fixedDays)}` +
    `${sequential && planned.sequentialDays !== null ? ` (${formatDays(planned.sequentialDays)} sequential)` : ""}, ` +
    `${formatMde(last.mde)} needs ${formatDays(last.fixedDays)}. Smaller effects need longer tests.`;
  const xTicks = x.ticks(6);
  const yTicks = y.ticks(5);

  return (
    <figure className={styles.figure}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className={styles.chart}>
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} className={styles.grid} />
            <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end" className={styles.tick}>
              {t}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={`x${t}`} x={x(t)} y={HEIGHT - M.bottom + 18} textAnchor="middle" className={styles.tick}>
            {formatMde(t)}
          </text>
        ))}
        <line x1={M.left} x2={WIDTH - M.right} y1={y(0)} y2={y(0)} className={styles.axis} />
        <text
          x={(M.left + WIDTH - M.right) / 2}
          y={HEIGHT - 6}
          textAnchor="middle"
          className={styles.axisLabel}
        >
          Minimum detectable effect
        </text>
        <text
          transform={`translate(14 ${(M.top + HEIGHT - M.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
          className={styles.axisLabel}
        >
          Days needed
        </text>
        <line
          x1={x(planned.mde)}
          x2={x(planned.mde)}
          y1={M.top}
          y2={HEIGHT - M.bottom}
          className={styles.marker}
        />
        {fixedPath && <path d={fixedPath} className={styles.fixedLine} />}
        {sequentialPath && <path d={sequentialPath} className={styles.sequentialLine} />}
        {planned.fixedDays !== null && (
          <circle cx={x(planned.mde)} cy={y(planned.fixedDays)} r={5} className={styles.fixedDot} />
        )}
        {sequential && planned.sequentialDays !== null && (
          <rect
            x={x(planned.mde) - 4.5}
            y={y(planned.sequentialDays) - 4.5}
            width={9}
            height={9}
            className={styles.sequentialDot}
          />
        )}
      </svg>
      <figcaption className={styles.legend}>
        <span>
          <span className={styles.swatchFixed} aria-hidden="true" /> Fixed horizon (look once at the end)
        </span>
        {sequential && (
          <span>
            <span className={styles.swatchSequential} aria-hidden="true" /> Sequential (look any day)
          </span>
        )}
        <span>
          <span className={styles.swatchMarker} aria-hidden="true" /> Your MDE
        </span>
      </figcaption>
      <table className="visually-hidden">
        <caption>Days needed for each minimum detectable effect</caption>
        <thead>
          <tr>
            <th scope="col">Minimum detectable effect</th>
            <th scope="col">Days, fixed horizon</th>
            {sequential && <th scope="col">Days, sequential</th>}
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.mde}>
              <th scope="row">{formatMde(p.mde)}</th>
              <td>{formatDays(p.fixedDays)}</td>
              {sequential && <td>{formatDays(p.sequentialDays)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
