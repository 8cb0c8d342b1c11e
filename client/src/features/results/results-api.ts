import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../api/client.js";
import type { Experiment, ResultsReport } from "../../api/types.js";
import { experimentKeys } from "../experiments/experiments-api.js";

/** Query keys of the results page. */
export const resultsKeys = {
  experiment: (key: string) => [...experimentKeys.all, "one", key] as const,
  report: (key: string, dimension: string | undefined) =>
    dimension === undefined
      ? experimentKeys.results(key)
      : ([...experimentKeys.results(key), { dimension }] as const),
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
 * `GET /api/v1/experiments/:key/results[?dimension=]`: the report (with the breakdown when a
 * dimension is chosen). The server refreshes its aggregates incrementally on every request, so
 * `refetch()` is the refresh button. The previous report stays on screen while another dimension
 * loads.
 */
export function useResults(key: string, dimension: string | undefined) {
  return useQuery({
    queryKey: resultsKeys.report(key, dimension),
    queryFn: ({ signal }) => {
      const query = dimension === undefined ? "" : `?dimension=${encodeURIComponent(dimension)}`;
      return apiFetch<ResultsReport>(`/api/v1/experiments/${encodeURIComponent(key)}/results${query}`, {
        signal,
      });
    },
    placeholderData: keepPreviousData,
  });
}
