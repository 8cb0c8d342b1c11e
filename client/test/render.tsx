import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { createQueryClient } from "../src/api/query-client.js";
import { routes } from "../src/app/router.js";
import { ExplainProvider } from "../src/ui/explain.js";

/** Renders the real app routes at `path` in a memory router (component tests). */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const utils = render(
    <QueryClientProvider client={createQueryClient()}>
      <ExplainProvider>
        <RouterProvider router={router} />
      </ExplainProvider>
    </QueryClientProvider>,
  );
  return { ...utils, router };
}
