import { scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import type { SeriesPoint } from "../../api/types.js";
import { formatCount } from "../../ui/format.js";
import styles from "./results.module.css";
import { unitsSeries } from "./series-model.js";

const WIDTH = 640;
const HEIGHT = 240;
const M = { top: 14, right: 96, bottom: 36, left: 56 };

/** Per-variant line styles: colour (CSS variable), dash pattern and a marker, so colour is never alone. */
export const VARIANT_STYLES = [
  { color: "var(--series-1)", dash: "", name: "solid" },
  { color: "var(--series-2)", dash: "6 3", name: "dashed" },
  { color: "var(--series-3)", dash: "2 3", name: "dotted" },
  { color: "var(--series-4)", dash: "10 3 2 3", name: "dash-dot" },
  { color: "var(--series-5)", dash: "1 2", name: "fine dotted" },
] as const;

/** Props of {@link UnitsChart}. */
export interface UnitsChartProps {
  series: SeriesPoint[];
  startedAt: string | null;
  cumulative: boolean;
}

/** Units per day per variant (or cumulative), as SVG with an aria-label and a hidden table. */
export function UnitsChart({ series, startedAt, cumulative }: UnitsChartProps) {
  const data = unitsSeries(series, startedAt, cumulative);
  if (data.points.length === 0) return <p className="muted">No units yet.</p>;
  const firstDay = data.points[0]!.day;
  const lastDay = data.points[data.points.length - 1]!.day;
  const x = scaleLinear()
    .domain([firstDay, Math.max(lastDay, firstDay + 1)])
    .range([M.left, WIDTH - M.right]);
  const max = Math.max(1, ...data.points.flatMap((p) => p.values));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([HEIGHT - M.bottom, M.top]);
  const what = cumulative ? "Cumulative units" : "New units per day";
  const last = data.points[data.points.length - 1]!;
  const label =
    `${what} by variant over ${data.points.length} days: ` +
    data.variants.map((v, i) => `${v} ${formatCount(last.values[i])} on day ${last.day}`).join(", ") +
    (cumulative
      ? "."
      : `; totals ${data.variants.map((v, i) => `${v} ${formatCount(data.points.reduce((a, p) => a + (p.values[i] ?? 0), 0))}`).join(", ")}.`);
  return (
    <figure className={`${styles.figure} ${styles.unitsFigure}`}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className={styles.chart}>
        {y.ticks(4).map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} className={styles.grid} />
            <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end" className={styles.tick}>
              {formatCount(t)}
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
        {data.variants.map((v, i) => {
          const style = VARIANT_STYLES[i % VARIANT_STYLES.length]!;
          const d = line<(typeof data.points)[number]>()
            .x((p) => x(p.day))
            .y((p) => y(p.values[i] ?? 0))(data.points);
          const end = last.values[i] ?? 0;
          return (
            <g key={v}>
              {d && (
                <path
                  d={d}
                  fill="none"
                  stroke={style.color}
                  strokeWidth={2.25}
                  strokeDasharray={style.dash}
                />
              )}
              <text
                x={x(last.day) + 6}
                y={y(end)}
                dy={`${0.32 + (i - (data.variants.length - 1) / 2) * 0.9}em`}
                className={styles.directLabel}
                fill={style.color}
              >
                {v}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className={styles.legend}>
        {data.variants.map((v, i) => {
          const style = VARIANT_STYLES[i % VARIANT_STYLES.length]!;
          return (
            <span key={v}>
              <svg width="28" height="10" aria-hidden="true">
                <line
                  x1="0"
                  x2="28"
                  y1="5"
                  y2="5"
                  stroke={style.color}
                  strokeWidth={2.5}
                  strokeDasharray={style.dash}
                />
              </svg>{" "}
              {v} ({style.name})
            </span>
          );
        })}
      </figcaption>
      <table className="visually-hidden">
        <caption>{what} by variant</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Date</th>
            {data.variants.map((v) => (
              <th scope="col" key={v}>
                {v}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.points.map((p) => (
            <tr key={p.date}>
              <th scope="row">{p.day}</th>
              <td>{p.date}</td>
              {p.values.map((n, i) => (
                <td key={data.variants[i]}>{formatCount(n)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
