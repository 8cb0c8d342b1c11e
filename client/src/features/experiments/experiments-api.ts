import { useQueries, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../api/client.js";
import { createLimiter } from "../../api/limit.js";
import type { Experiment, ExperimentList, ResultsReport } from "../../api/types.js";

/** Query keys of the experiments feature. */
export const experimentKeys = {
  all: ["experiments"] as const,
  list: () => [...experimentKeys.all, "list"] as const,
  results: (key: string) => [...experimentKeys.all, "results", key] as const,
};

/** Every experiment (all statuses). */
export function useExperiments() {
  return useQuery({
    queryKey: experimentKeys.list(),
    queryFn: ({ signal }) => apiFetch<ExperimentList>("/api/v1/experiments", { signal }),
    select: (data) => data.experiments,
  });
}

/** Results requests from the list run at most this many at a time (each can be a database scan). */
export const RESULTS_CONCURRENCY = 3;
const limitResults = createLimiter(RESULTS_CONCURRENCY);

/** `GET /api/v1/experiments/:key/results` through the shared concurrency limit. */
export function fetchResults(key: string, signal?: AbortSignal): Promise<ResultsReport> {
  return limitResults(() =>
    apiFetch<ResultsReport>(`/api/v1/experiments/${encodeURIComponent(key)}/results`, { signal }),
  );
}

/** The results report of each running experiment, keyed by experiment key (fetched per row). */
export function useRunningResults(experiments: Experiment[] | undefined) {
  const running = (experiments ?? []).filter((e) => e.status === "running");
  return useQueries({
    queries: running.map((e) => ({
      queryKey: experimentKeys.results(e.key),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchResults(e.key, signal),
      staleTime: 60_000,
    })),
    combine: (results) => {
      const byKey = new Map<string, { report?: ResultsReport; error?: Error; pending: boolean }>();
      results.forEach((r, i) => {
        const key = running[i]?.key;
        if (key === undefined) return;
        byKey.set(key, {
          pending: r.isPending,
          ...(r.data ? { report: r.data } : {}),
          ...(r.error ? { error: r.error } : {}),
        });
      });
      return byKey;
    },
  });
}
