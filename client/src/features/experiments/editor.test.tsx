// @vitest-environment happy-dom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorOf, fill, startPageServer } from "../../../test/form-harness.js";
import { renderApp } from "../../../test/render.js";
import { startSession } from "../../api/session.js";

const ADMIN_TOKEN = "ui-editor-admin-token-0123456789";
const server = startPageServer(ADMIN_TOKEN);

describe("the experiment editor", () => {
  it("checks weights before sending, and 'Equal split' fixes them", async () => {
    startSession(ADMIN_TOKEN);
    renderApp("/experiments/new");
    await screen.findByRole("heading", { name: "New experiment" }, { timeout: 15_000 });
    await fill("Key", "weights-check");
    await fill("Name", "Weights check");
    await fill("Variant 1 weight", "0.7");
    await fill("Variant 2 weight", "0.7");
    await fill("Variant 2 payload (JSON, optional)", "{not json");
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    expect(await screen.findByText("weights must sum to 1 (they sum to 1.4)")).toBeDefined();
    expect(errorOf("Variant 2 payload (JSON, optional)")).toMatch(/not valid JSON/);
    expect(screen.getByLabelText("Variant 2 payload (JSON, optional)").getAttribute("aria-invalid")).toBe(
      "true",
    );
    expect(await server.experimentKeys()).not.toContain("weights-check");

    await userEvent.click(screen.getByRole("button", { name: "Equal split" }));
    expect((screen.getByLabelText("Variant 1 weight") as HTMLInputElement).value).toBe("0.5");
    expect((screen.getByLabelText("Variant 2 weight") as HTMLInputElement).value).toBe("0.5");
  }, 30_000);

  it("shows the server's 400 at the field it names, then creates the draft with the chosen metric", async () => {
    startSession(ADMIN_TOKEN);
    const { router } = renderApp("/experiments/new");
    await screen.findByRole("heading", { name: "New experiment" }, { timeout: 15_000 });
    await fill("Key", "server-check");
    await fill("Name", "Server check");
    // Valid JSON, but not the targeting grammar: only the server (SDK grammar) rejects it.
    await fill("Targeting condition (JSON, optional)", '{"country": {"$bogus": 1}}');
    const primary = screen.getByRole("group", { name: /Primary/ });
    await userEvent.click(
      await within(primary).findByRole("checkbox", { name: /Purchase/ }, { timeout: 10_000 }),
    );
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(errorOf("Targeting condition (JSON, optional)")).not.toBe(""), {
      timeout: 10_000,
    });
    expect(errorOf("Targeting condition (JSON, optional)")).toMatch(/\$bogus|operator/i);
    expect(await server.experimentKeys()).not.toContain("server-check");

    await fill("Targeting condition (JSON, optional)", '{"country": {"$in": ["US", "CA"]}}');
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/experiments/server-check"), {
      timeout: 10_000,
    });
    const created = await server.api("/api/v1/experiments/server-check");
    expect(created.body.status).toBe("draft");
    expect(created.body.condition).toEqual({ country: { $in: ["US", "CA"] } });
    expect(created.body.primaryMetrics).toEqual(["purchase"]);
    expect((created.body.variants as { weight: number }[]).map((v) => v.weight)).toEqual([0.5, 0.5]);

    // The detail page: start it through the confirm dialog; the locked fields are then explained.
    await userEvent.click(await screen.findByRole("button", { name: "Start" }, { timeout: 10_000 }));
    await userEvent.click(await screen.findByRole("button", { name: "Start experiment" }));
    expect(await screen.findByText(/locked while it runs/, {}, { timeout: 10_000 })).toBeDefined();
    expect((await server.api("/api/v1/experiments/server-check")).body.status).toBe("running");
  }, 30_000);
});
