/**
 * The results view in the URL, so every view is a shareable link: `diff` (relative | absolute),
 * `dimension` (breakdown attribute), `metric` (the lift chart's metric), `cumulative` (units
 * chart), `mde` (the effect the power figure refers to), `environment` (whose traffic is reported;
 * absent: production). Bad values fall back to the defaults.
 */
import { useSearchParams } from "react-router";
import { z } from "zod";
import type { DiffMode } from "./scorecard-model.js";

/** Exposure attributes offered for a breakdown (any attribute name works in the URL). */
export const DIMENSIONS = ["device", "country", "source"] as const;

/** Query-string schema of the results page. */
export const resultsSearchSchema = z.object({
  diff: z.enum(["relative", "absolute"]).catch("relative"),
  dimension: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional()
    .catch(undefined),
  metric: z.string().max(200).optional().catch(undefined),
  cumulative: z
    .enum(["1", "0"])
    .transform((v) => v === "1")
    .catch(false),
  /** Relative effect the power figure refers to (the server's `mde`, 0.05 = 5 %). */
  mde: z.coerce.number().gt(0).lt(10).optional().catch(undefined),
  /** The environment reported (the server's `environment`; absent = production, its default). */
  environment: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
    .optional()
    .catch(undefined),
});

/** The environment the server reports when none is asked for. */
export const DEFAULT_ENVIRONMENT = "production";

/** The parsed view. */
export interface ResultsView {
  diff: DiffMode;
  dimension: string | undefined;
  metric: string | undefined;
  cumulative: boolean;
  mde: number | undefined;
  /** Always set: the URL's environment, else {@link DEFAULT_ENVIRONMENT}. */
  environment: string;
}

/** Reads the view from a query string. */
export function viewFromSearch(params: URLSearchParams): ResultsView {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  const v = resultsSearchSchema.parse(raw);
  return {
    diff: v.diff,
    dimension: v.dimension,
    metric: v.metric,
    cumulative: v.cumulative,
    mde: v.mde,
    environment: v.environment ?? DEFAULT_ENVIRONMENT,
  };
}

/** The view from the URL and a function that patches it (null or default removes a key). */
export function useResultsView(): [
  ResultsView,
  (patch: Partial<Record<keyof ResultsView, string | null>>) => void,
] {
  const [params, setParams] = useSearchParams();
  const view = viewFromSearch(params);
  const update = (patch: Partial<Record<keyof ResultsView, string | null>>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === "" || v === undefined) next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true, preventScrollReset: true },
    );
  return [view, update];
}
