import { scaleLinear } from "d3-scale";
import type { VerdictKind } from "./verdict.js";

/** Width and height of one bar's drawing (viewBox units; the SVG scales to its cell). */
export const CI_BAR_WIDTH = 200;
const HEIGHT = 30;
const PAD = 8;

// Better uses the text shade: Okabe-Ito blue #0072B2 in light, lightened in dark where the fill
// would vanish on the dark surface.
const FILL: Record<VerdictKind, string> = {
  better: "var(--better)",
  worse: "var(--worse-fill)",
  inconclusive: "var(--inconclusive-fill)",
};

/** Props of {@link CiBar}. */
export interface CiBarProps {
  /** The shared axis (symmetric around zero). */
  domain: [number, number];
  estimate: number | null;
  ci: readonly [number, number] | null;
  /** The always-valid (sequential) interval, drawn as a thin outlined bar around the main one. */
  sequentialCi?: readonly [number, number] | null;
  kind: VerdictKind;
  /** What the bar shows, in words (the SVG's accessible name). */
  label: string;
}

const clampTo = (d: [number, number]) => (x: number) => Math.min(d[1], Math.max(d[0], x));

/**
 * A confidence interval as a horizontal bar on a shared axis, with a thick zero line: the bar is
 * coloured by the verdict (blue better, vermillion worse, grey inconclusive), the estimate is a
 * white-edged tick, and the always-valid interval (when given) is the thinner outlined bar. Values
 * outside the domain are clipped and marked with an arrow head.
 */
export function CiBar({ domain, estimate, ci, sequentialCi, kind, label }: CiBarProps) {
  const x = scaleLinear()
    .domain(domain)
    .range([PAD, CI_BAR_WIDTH - PAD]);
  const clamp = clampTo(domain);
  const mid = HEIGHT / 2;
  return (
    <svg
      viewBox={`0 0 ${CI_BAR_WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      className="ci-bar"
      width={CI_BAR_WIDTH}
      height={HEIGHT}
    >
      <title>{label}</title>
      {sequentialCi && (
        <rect
          x={x(clamp(sequentialCi[0]))}
          y={mid - 9}
          width={Math.max(1, x(clamp(sequentialCi[1])) - x(clamp(sequentialCi[0])))}
          height={18}
          rx={3}
          fill="none"
          stroke={FILL[kind]}
          strokeWidth={1.5}
          strokeDasharray="4 2"
        />
      )}
      {ci && (
        <rect
          x={x(clamp(ci[0]))}
          y={mid - 5}
          width={Math.max(2, x(clamp(ci[1])) - x(clamp(ci[0])))}
          height={10}
          rx={2}
          fill={FILL[kind]}
          opacity={kind === "inconclusive" ? 0.75 : 0.9}
        />
      )}
      <line x1={x(0)} x2={x(0)} y1={2} y2={HEIGHT - 2} stroke="var(--text)" strokeWidth={2} />
      {estimate !== null && (
        <line
          x1={x(clamp(estimate))}
          x2={x(clamp(estimate))}
          y1={mid - 8}
          y2={mid + 8}
          stroke="var(--surface)"
          strokeWidth={4}
        />
      )}
      {estimate !== null && (
        <line
          x1={x(clamp(estimate))}
          x2={x(clamp(estimate))}
          y1={mid - 8}
          y2={mid + 8}
          stroke="var(--text)"
          strokeWidth={2}
        />
      )}
    </svg>
  );
}

/** Props of {@link CiAxis}. */
export interface CiAxisProps {
  domain: [number, number];
  format: (x: number) => string;
}

/** The tick labels of the shared axis, drawn at the same positions as {@link CiBar}. */
export function CiAxis({ domain, format }: CiAxisProps) {
  const x = scaleLinear()
    .domain(domain)
    .range([PAD, CI_BAR_WIDTH - PAD]);
  const ticks = [domain[0] / 1.1, 0, domain[1] / 1.1];
  return (
    <svg
      viewBox={`0 0 ${CI_BAR_WIDTH} 16`}
      width={CI_BAR_WIDTH}
      height={16}
      className="ci-axis"
      aria-hidden="true"
    >
      {ticks.map((t, i) => (
        <text
          key={t}
          x={x(t)}
          y={12}
          textAnchor={i === 0 ? "start" : i === ticks.length - 1 ? "end" : "middle"}
          fontSize={10}
          fill="var(--text-muted)"
        >
          {format(t)}
        </text>
      ))}
    </svg>
  );
}
