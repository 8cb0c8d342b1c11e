// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderApp } from "../../../test/render.js";
import { type ServerProcess, startServerProcess } from "../../../test/server-process.js";
import { endSession, getSession } from "../../api/session.js";

const ADMIN_TOKEN = "ui-test-admin-token-0123456789";
let server: ServerProcess;
let sdkKey: string;

beforeAll(async () => {
  server = await startServerProcess(ADMIN_TOKEN);
  // The page and the API share an origin, as when the server serves the UI.
  (window as unknown as { happyDOM: { setURL: (url: string) => void } }).happyDOM.setURL(`${server.url}/`);
  const created = await fetch(`${server.url}/api/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "sdk", name: "web", environment: "prod" }),
  });
  expect(created.status).toBe(201);
  sdkKey = ((await created.json()) as { token: string }).token;
}, 90_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  cleanup();
  endSession("signed-out");
  sessionStorage.clear();
});

async function submit(token: string) {
  const input = await screen.findByLabelText("Admin token", {}, { timeout: 10_000 });
  await userEvent.clear(input);
  await userEvent.type(input, token);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign in against the real server", () => {
  it("an unknown token gets the 401 message and is not stored", async () => {
    renderApp("/sign-in");
    await submit("adm_not-a-real-token");
    expect((await screen.findByRole("alert")).textContent).toContain("does not accept this token (401)");
    expect(getSession().token).toBeNull();
    expect(sessionStorage.getItem("splitlab.adminToken")).toBeNull();
  });

  it("an SDK key is refused with what to use instead (403)", async () => {
    renderApp("/sign-in");
    await submit(sdkKey);
    expect((await screen.findByRole("alert")).textContent).toContain("This is an SDK key (403)");
  });

  it("the admin token signs in, is kept in sessionStorage, and the list loads with it", async () => {
    const { router } = renderApp("/sign-in?next=%2Fexperiments%3Ftab%3Ddraft");
    await submit(ADMIN_TOKEN);
    await waitFor(() => expect(router.state.location.pathname).toBe("/experiments"));
    expect(router.state.location.search).toBe("?tab=draft");
    expect(sessionStorage.getItem("splitlab.adminToken")).toBe(ADMIN_TOKEN);
    expect(await screen.findByText("No experiments yet", {}, { timeout: 10_000 })).toBeDefined();
    expect(screen.getByText("npm run demo")).toBeDefined();
  });

  it("signed out, a protected page sends to sign-in and back after it", async () => {
    const { router } = renderApp("/planner");
    await waitFor(() => expect(router.state.location.pathname).toBe("/sign-in"));
    expect(router.state.location.search).toBe("?next=%2Fplanner");
  });
});
