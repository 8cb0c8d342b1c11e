import { scaleLinear } from "d3-scale";
import { area, line } from "d3-shape";
import { useId } from "react";
import type { MetricReport, SeriesPoint } from "../../api/types.js";
import styles from "./results.module.css";
import { formatDiff, formatDiffInterval } from "./scorecard-model.js";
import { type LiftPoint, liftSeries } from "./series-model.js";

const WIDTH = 640;
const HEIGHT = 240;
const M = { top: 14, right: 20, bottom: 36, left: 70 };

const FILL = {
  better: "var(--better)",
  worse: "var(--worse-fill)",
  inconclusive: "var(--inconclusive-fill)",
} as const;

/** Props of {@link LiftCharts}. */
export interface LiftChartsProps {
  series: SeriesPoint[];
  metric: MetricReport;
  startedAt: string | null;
}

/**
 * For each treatment of `metric`: the cumulative absolute lift over time with its band (the
 * always-valid confidence sequence when sequential is on, else the fixed-horizon interval),
 * coloured only on the days the band excludes zero (blue better, vermillion worse by the metric's
 * direction), and a thick zero line. SVG with an aria-label stating the numbers and a hidden table.
 */
export function LiftCharts({ series, metric, startedAt }: LiftChartsProps) {
  const all = liftSeries(series, metric, startedAt);
  if (series.length === 0 || all.length === 0) return <p className="muted">No data over time yet.</p>;
  return (
    <div className={styles.smallMultiples}>
      {all.map((s) => (
        <LiftChart key={s.variant} lift={s} metric={metric} />
      ))}
    </div>
  );
}

function LiftChart({ lift, metric }: { lift: ReturnType<typeof liftSeries>[number]; metric: MetricReport }) {
  const pts = lift.points;
  const fmt = (x: number | null) => formatDiff(metric.type, "absolute", x);
  const bandName = lift.alwaysValid ? "always-valid interval" : "confidence interval (fixed horizon)";
  const clipId = useId();
  // The first days' bands are very wide; the scale follows the estimates and the latest band
  // (× 1.6), and anything wider is clipped at the plot's edge.
  const latestBand = [...pts].reverse().find((p) => p.band !== null)?.band ?? null;
  const core = [...pts.map((p) => p.estimate), latestBand?.[0], latestBand?.[1]].filter(
    (v): v is number => typeof v === "number" && Number.isFinite(v),
  );
  const extent = Math.max(1e-9, ...core.map(Math.abs)) * 1.6;
  const firstDay = pts[0]!.day;
  const lastDay = pts[pts.length - 1]!.day;
  const x = scaleLinear()
    .domain([firstDay, Math.max(lastDay, firstDay + 1)])
    .range([M.left, WIDTH - M.right]);
  const y = scaleLinear()
    .domain([-extent, extent])
    .nice()
    .range([HEIGHT - M.bottom, M.top]);
  const withBand = pts.filter((p) => p.band !== null);
  const bandPath = area<LiftPoint>()
    .defined((p) => p.band !== null)
    .x((p) => x(p.day))
    .y0((p) => y(p.band?.[0] ?? 0))
    .y1((p) => y(p.band?.[1] ?? 0))(pts);
  const estimatePath = line<LiftPoint>()
    .defined((p) => p.estimate !== null)
    .x((p) => x(p.day))
    .y((p) => y(p.estimate ?? 0))(pts);
  // Significant stretches: each day whose band excludes zero colours the segment ending there.
  const segments: { key: string; d: string; state: "better" | "worse" }[] = [];
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (b.state === "inconclusive" || !a.band || !b.band) continue;
    const d = area<LiftPoint>()
      .x((p) => x(p.day))
      .y0((p) => y(p.band?.[0] ?? 0))
      .y1((p) => y(p.band?.[1] ?? 0))([a, b]);
    if (d) segments.push({ key: b.date, d, state: b.state });
  }
  const last = pts[pts.length - 1]!;
  const title = `${lift.variant} vs ${lift.control}`;
  const label =
    `Cumulative absolute lift of ${lift.variant} against ${lift.control} on ${metric.name} over ${pts.length} days, ` +
    `with its ${bandName}: day ${pts[0]!.day} ${fmt(pts[0]!.estimate)} (${formatDiffInterval(metric.type, "absolute", pts[0]!.band)}), ` +
    `day ${last.day} ${fmt(last.estimate)} (${formatDiffInterval(metric.type, "absolute", last.band)}). ` +
    (lift.significantFrom !== null
      ? `The interval excludes zero (${last.state}) from day ${lift.significantFrom} on.`
      : "The interval includes zero at the latest day.");
  return (
    <figure className={styles.figure}>
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className={styles.chart}>
        {y.ticks(5).map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} className={styles.grid} />
            <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end" className={styles.tick}>
              {fmt(t)}
            </text>
          </g>
        ))}
        {x
          .ticks(Math.min(8, lastDay - firstDay + 1))
          .filter(Number.isInteger)
          .map((t) => (
            <text
              key={`x${t}`}
              x={x(t)}
              y={HEIGHT - M.bottom + 16}
              textAnchor="middle"
              className={styles.tick}
            >
              {t}
            </text>
          ))}
        <text
          x={(M.left + WIDTH - M.right) / 2}
          y={HEIGHT - 4}
          textAnchor="middle"
          className={styles.axisLabel}
        >
          Day since start
        </text>
        <clipPath id={clipId}>
          <rect x={M.left} y={M.top} width={WIDTH - M.left - M.right} height={HEIGHT - M.top - M.bottom} />
        </clipPath>
        <g clipPath={`url(#${CSS.escape(clipId)})`}>
          {bandPath && withBand.length > 0 && <path d={bandPath} fill={FILL.inconclusive} opacity={0.3} />}
          {segments.map((s) => (
            <path key={s.key} d={s.d} fill={FILL[s.state]} opacity={0.45} />
          ))}
        </g>
        <line x1={M.left} x2={WIDTH - M.right} y1={y(0)} y2={y(0)} stroke="var(--text)" strokeWidth={2} />
        {estimatePath && <path d={estimatePath} fill="none" stroke="var(--text)" strokeWidth={2} />}
        {last.estimate !== null && (
          <circle cx={x(last.day)} cy={y(last.estimate)} r={3.5} fill="var(--text)" />
        )}
      </svg>
      <table className="visually-hidden">
        <caption>
          Cumulative lift of {lift.variant} against {lift.control} on {metric.name} by day
        </caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Date</th>
            <th scope="col">Absolute lift</th>
            <th scope="col">{bandName}</th>
            <th scope="col">Excludes zero</th>
          </tr>
        </thead>
        <tbody>
          {pts.map((p) => (
            <tr key={p.date}>
              <th scope="row">{p.day}</th>
              <td>{p.date}</td>
              <td>{fmt(p.estimate)}</td>
              <td>{formatDiffInterval(metric.type, "absolute", p.band)}</td>
              <td>{p.state === "inconclusive" ? "No" : `Yes (${p.state})`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
