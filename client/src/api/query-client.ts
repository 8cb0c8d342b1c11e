import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client.js";

/** The app's QueryClient: no retries on 4xx (a retry cannot fix them), two on network/5xx. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failures < 2;
        },
      },
    },
  });
}
