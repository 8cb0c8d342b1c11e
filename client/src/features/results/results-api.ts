import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../api/client.js";
import type { Experiment, ResultsReport } from "../../api/types.js";
import { experimentKeys } from "../experiments/experiments-api.js";

/** Query keys of the results page. */
export const resultsKeys = {
  experiment: (key: string) => [...experimentKeys.all, "one", key] as const,
  /** Production without dimension or mde shares the list page's prefetched report. */
  report: (
    key: string,
    dimension: string | undefined,
    mde: number | undefined,
    environment = "production",
  ) =>
    dimension === undefined && mde === undefined && environment === "production"
      ? experimentKeys.results(key)
      : ([...experimentKeys.results(key), { dimension, mde, environment }] as const),
};

/** `GET /api/v1/experiments/:key` (name, variants and weights, analysis settings). */
export function useExperiment(key: string) {
  return useQuery({
    queryKey: resultsKeys.experiment(key),
    queryFn: ({ signal }) =>
      apiFetch<Experiment>(`/api/v1/experiments/${encodeURIComponent(key)}`, { signal }),
  });
}

/**
 * `GET /api/v1/experiments/:key/results[?dimension=][&mde=][&environment=]`: the report of one
 * environment (production unless chosen), with the breakdown when a dimension is chosen, power
 * for the chosen effect. The server refreshes its aggregates incrementally on every request, so
 * `refetch()` is the refresh button. The previous report stays on screen while another dimension
 * loads.
 */
export function useResults(
  key: string,
  dimension: string | undefined,
  mde?: number,
  environment = "production",
) {
  return useQuery({
    queryKey: resultsKeys.report(key, dimension, mde, environment),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams();
      if (environment !== "production") params.set("environment", environment);
      if (dimension !== undefined) params.set("dimension", dimension);
      if (mde !== undefined) params.set("mde", String(mde));
      const query = params.toString() ? `?${params}` : "";
      return apiFetch<ResultsReport>(`/api/v1/experiments/${encodeURIComponent(key)}/results${query}`, {
        signal,
      });
    },
    placeholderData: keepPreviousData,
  });
}
