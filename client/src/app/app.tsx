import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { createQueryClient } from "../api/query-client.js";
import { ExplainProvider } from "../ui/explain.js";
import { createAppRouter } from "./router.js";

/** The whole app: data cache, explanation tooltips, routes. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createAppRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <ExplainProvider>
        <RouterProvider router={router} />
      </ExplainProvider>
    </QueryClientProvider>
  );
}
