import { createBrowserRouter, Navigate, type RouteObject } from "react-router";
import { RequireAuth } from "../features/auth/require-auth.js";
import { SignInPage } from "../features/auth/sign-in-page.js";
import { ExperimentsListPage } from "../features/experiments/experiments-list-page.js";
import { AppShell } from "./app-shell.js";
import { NotFoundPage } from "./not-found-page.js";

/**
 * Client routes. The sign-in page and the experiments list are in the first bundle; every other
 * page is loaded on demand (the planner brings the stats library and d3 with it).
 */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/experiments" replace /> },
      { path: "experiments", element: <ExperimentsListPage /> },
      {
        path: "experiments/new",
        lazy: async () => ({
          Component: (await import("../features/experiments/new-experiment-page.js")).NewExperimentPage,
        }),
      },
      {
        path: "experiments/:key",
        lazy: async () => ({
          Component: (await import("../features/experiments/experiment-page.js")).ExperimentPage,
        }),
      },
      {
        path: "experiments/:key/edit",
        lazy: async () => ({
          Component: (await import("../features/experiments/edit-experiment-page.js")).EditExperimentPage,
        }),
      },
      {
        path: "experiments/:key/results",
        lazy: async () => ({
          Component: (await import("../features/results/results-page.js")).ResultsPage,
        }),
      },
      {
        path: "planner",
        lazy: async () => ({ Component: (await import("../features/planner/planner-page.js")).PlannerPage }),
      },
      {
        path: "settings",
        lazy: async () => ({
          Component: (await import("../features/settings/settings-page.js")).SettingsPage,
        }),
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

/** The browser router over {@link routes}. */
export function createAppRouter() {
  return createBrowserRouter(routes);
}
