import { describe, expect, it } from "vitest";
import type { Comparison, Experiment, ResultsReport } from "../../api/types.js";
import {
  buildRows,
  countByTab,
  filterRows,
  headlineLift,
  type ReportState,
  rowsToCsv,
  sortRows,
} from "./list-model.js";

const NOW = new Date("2026-03-15T12:00:00Z");

function experiment(key: string, status: Experiment["status"], extra: Partial<Experiment> = {}): Experiment {
  return {
    key,
    name: key.replace(/-/g, " "),
    hypothesis: "",
    status,
    seed: key,
    hashVersion: 1,
    unitAttribute: "id",
    variants: [
      { key: "control", name: "control", weight: 0.5 },
      { key: "treatment", name: "treatment", weight: 0.5 },
    ],
    coverage: 1,
    layer: null,
    condition: null,
    forced: {},
    primaryMetrics: ["converted"],
    guardrailMetrics: [],
    analysis: { alpha: 0.05, sequential: false, correction: "holm" },
    decision: null,
    environments: ["production"],
    createdAt: "2026-03-01T00:00:00Z",
    updatedAt: "2026-03-01T00:00:00Z",
    startedAt: status === "draft" ? null : "2026-03-03T06:00:00Z",
    stoppedAt: null,
    archivedAt: null,
    ...extra,
  };
}

function comparison(
  variant: string,
  relative: number,
  p: number,
  direction: Comparison["direction"],
): Comparison {
  return {
    variant,
    control: "control",
    status: "ok",
    test: "two-proportion-z",
    absolute: { estimate: relative / 10, ci: [relative / 20, relative / 5] },
    relative: { estimate: relative, ci: [relative / 2, relative * 2] },
    pValue: p,
    adjustedPValue: p,
    significant: p < 0.05,
    direction,
  };
}

function report(
  key: string,
  options: {
    comparisons: Comparison[];
    recommendation?: ResultsReport["decision"]["recommendation"];
    variant?: string;
    daysLeft?: number;
    srmP?: number;
  },
): ResultsReport {
  return {
    experiment: key,
    environment: "production",
    environments: ["production", "staging"],
    status: "running",
    startedAt: "2026-03-03T06:00:00Z",
    dataThrough: "2026-03-15T11:59:30Z",
    srm: {
      pValue: options.srmP ?? 0.5,
      mismatch: (options.srmP ?? 0.5) < 0.001,
      observed: [500, 500],
      expected: [500, 500],
      variants: ["control", "treatment"],
    },
    multipleExposures: 0,
    units: [
      { variant: "control", units: 5000 },
      { variant: "treatment", units: 5100 },
    ],
    metrics: [
      {
        metric: "converted",
        name: "Converted",
        type: "binomial",
        kind: "primary",
        direction: "increase",
        variants: [],
        comparisons: options.comparisons,
      },
    ],
    health: { status: "ok", checks: [] },
    decision: {
      recommendation: options.recommendation ?? "keep-running",
      ...(options.variant ? { variant: options.variant } : {}),
      reasons: ["because"],
    },
    power: {
      achieved: 0.5,
      mde: 0.05,
      metric: "converted",
      test: "fixed-horizon",
      comparisons: 1,
      alpha: 0.05,
      target: 0.8,
      ...(options.daysLeft !== undefined ? { daysLeft: options.daysLeft } : {}),
    },
    series: [],
    seriesBasis: "looks",
    freshness: { state: "ready", refreshedAt: "2026-03-15T11:59:31Z", lagSeconds: 1, stale: false },
    excluded: { beforeStart: 0, afterStop: 0, clockSkewMinutes: 5, reasons: [] },
  };
}

const ok = (r: ResultsReport): ReportState => ({ state: "ok", report: r });

describe("list rows", () => {
  const experiments = [
    experiment("winner", "running"),
    experiment("slow", "running"),
    experiment("draft-one", "draft"),
    experiment("done", "stopped", {
      stoppedAt: "2026-03-10T06:00:00Z",
      decision: { outcome: "ship", variant: "treatment", note: "" },
    }),
    experiment("old", "archived"),
  ];
  const reports = new Map<string, ReportState>([
    [
      "winner",
      ok(
        report("winner", {
          comparisons: [comparison("treatment", 0.12, 0.0001, "better")],
          recommendation: "ship",
          variant: "treatment",
        }),
      ),
    ],
    [
      "slow",
      ok(
        report("slow", {
          comparisons: [comparison("treatment", -0.01, 0.6, "flat")],
          daysLeft: 12,
          srmP: 0.00001,
        }),
      ),
    ],
  ]);
  const rows = buildRows(experiments, reports, NOW);
  const row = (key: string) => rows.find((r) => r.key === key)!;

  it("status detail: Ship X, N days left, shipped decision, not started", () => {
    expect(row("winner").detail).toBe("Ship treatment");
    expect(row("slow").detail).toBe("12 days left");
    expect(row("slow").detailExplanation).toContain("About 12 more days");
    expect(row("done").detail).toBe("Shipped treatment");
    expect(row("draft-one").detail).toBe("Not started");
  });

  it("days since the start (until the stop), units, lift and SRM from the report", () => {
    expect(row("winner").days).toBe(12); // Mar 3 06:00 -> Mar 15 12:00
    expect(row("done").days).toBe(7);
    expect(row("draft-one").days).toBeNull();
    expect(row("winner").units).toBe(10100);
    expect(row("winner").lift).toMatchObject({ estimate: 0.12, significant: true, verdict: "better" });
    expect(row("slow").srm).toEqual({ mismatch: true, pValue: 0.00001 });
    expect(row("draft-one").units).toBeNull();
  });

  it("a running experiment whose report is not there yet is loading", () => {
    const [r] = buildRows([experiment("new", "running")], new Map(), NOW);
    expect(r?.report).toEqual({ state: "loading" });
    expect(r?.lift).toBeNull();
  });

  it("the headline is the decision's variant, else the smallest deciding p-value", () => {
    const many = report("x", {
      comparisons: [comparison("b", 0.02, 0.3, "flat"), comparison("c", 0.05, 0.01, "better")],
    });
    expect(headlineLift(many)?.variant).toBe("c");
    expect(
      headlineLift({ ...many, decision: { recommendation: "ship", variant: "b", reasons: [] } })?.variant,
    ).toBe("b");
  });

  it("tabs and search filter; counts per tab", () => {
    expect(countByTab(rows)).toEqual({ all: 5, running: 2, draft: 1, stopped: 1, archived: 1 });
    expect(filterRows(rows, "running", "").map((r) => r.key)).toEqual(["winner", "slow"]);
    expect(filterRows(rows, "all", "WIN").map((r) => r.key)).toEqual(["winner"]);
    expect(filterRows(rows, "draft", "winner")).toEqual([]);
  });

  it("sorts by lift with missing values last in both directions", () => {
    expect(
      sortRows(rows, "lift", "desc")
        .map((r) => r.key)
        .slice(0, 2),
    ).toEqual(["winner", "slow"]);
    expect(
      sortRows(rows, "lift", "asc")
        .map((r) => r.key)
        .slice(0, 2),
    ).toEqual(["slow", "winner"]);
    expect(sortRows(rows, "lift", "asc").at(-1)?.lift).toBeNull();
    expect(sortRows(rows, "name", "asc").map((r) => r.key)).toEqual([
      "done",
      "draft-one",
      "old",
      "slow",
      "winner",
    ]);
    expect(sortRows(rows, "srm", "desc")[0]?.key).toBe("slow");
  });

  it("exports CSV with raw numbers, quoted text and formula-looking names defused", () => {
    const tricky = buildRows(
      [experiment("eq", "draft", { name: '=HYPERLINK("x"), "quoted"' })],
      new Map(),
      NOW,
    );
    const csv = rowsToCsv([...rows.slice(0, 1), ...tricky]);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "key,name,status,status_detail,days_running,units,primary_metric,variant,control,relative_lift,lift_ci_low,lift_ci_high,p_value,significant,verdict,srm_p_value,srm_mismatch",
    );
    expect(lines[1]).toBe(
      "winner,winner,running,Ship treatment,12,10100,converted,treatment,control,0.12,0.06,0.24,0.0001,true,better,0.5,false",
    );
    expect(lines[2]).toBe(`eq,"'=HYPERLINK(""x""), ""quoted""",draft,Not started,,,,,,,,,,,,,`);
  });
});
