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
    // The SDK grammar accepts this pattern; only the server's ReDoS check (recheck) refuses it.
    await userEvent.click(screen.getByRole("button", { name: "Add rule" }));
    await fill("Rule 1 Attribute", "ua");
    await userEvent.selectOptions(screen.getByLabelText("Rule 1 Operator"), "$regex");
    await fill("Rule 1 Pattern", "^.*a.*b.*c$");
    const primary = screen.getByRole("group", { name: /Primary/ });
    await userEvent.click(
      await within(primary).findByRole("checkbox", { name: /Purchase/ }, { timeout: 10_000 }),
    );
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    // The 400's path (condition.ua.$regex) lands at the row that tests `ua`.
    await waitFor(() => expect(errorOf("Rule 1 Pattern")).toMatch(/3rd degree polynomial/), {
      timeout: 10_000,
    });
    expect(await server.experimentKeys()).not.toContain("server-check");

    await userEvent.click(screen.getByRole("button", { name: "Edit as JSON" }));
    await fill("Targeting condition (JSON)", '{"country": {"$in": ["US", "CA"]}}');
    // Every known environment starts ticked; staging's keys should not get this one.
    const environments = screen.getByRole("group", { name: "Environments" });
    const staging = within(environments).getByRole("checkbox", { name: "staging" }) as HTMLInputElement;
    expect(staging.checked).toBe(true);
    await userEvent.click(staging);
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/experiments/server-check"), {
      timeout: 10_000,
    });
    const created = await server.api("/api/v1/experiments/server-check");
    expect(created.body.status).toBe("draft");
    expect(created.body.condition).toEqual({ country: { $in: ["US", "CA"] } });
    expect(created.body.primaryMetrics).toEqual(["purchase"]);
    expect(created.body.environments).toEqual(["production"]);
    expect((created.body.variants as { weight: number }[]).map((v) => v.weight)).toEqual([0.5, 0.5]);

    // The detail page: start it through the confirm dialog; the locked fields are then explained.
    await userEvent.click(await screen.findByRole("button", { name: "Start" }, { timeout: 10_000 }));
    await userEvent.click(await screen.findByRole("button", { name: "Start experiment" }));
    expect(await screen.findByText(/locked while it runs/, {}, { timeout: 10_000 })).toBeDefined();
    expect((await server.api("/api/v1/experiments/server-check")).body.status).toBe("running");
  }, 30_000);
});

describe("the condition builder and the edit page", () => {
  it("builds and/or rows with a group, checks them with the SDK's rules, and round-trips through JSON", async () => {
    startSession(ADMIN_TOKEN);
    const { router } = renderApp("/experiments/new");
    await screen.findByRole("heading", { name: "New experiment" }, { timeout: 15_000 });
    await fill("Key", "builder-check");
    await fill("Name", "Builder check");
    await userEvent.click(screen.getByRole("button", { name: "Add rule" }));
    await fill("Rule 1 Attribute", "country");
    await userEvent.selectOptions(screen.getByLabelText("Rule 1 Operator"), "$in");
    await fill("Rule 1 Values, one per line", "US\nCA");
    await userEvent.click(screen.getByRole("button", { name: "Add group" }));
    await fill("Group 2 rule 1 Attribute", "age");
    await userEvent.selectOptions(screen.getByLabelText("Group 2 rule 1 Operator"), "$gte");
    await fill("Group 2 rule 1 Value", "true"); // a boolean: $gte needs a number or a string
    await userEvent.click(screen.getByRole("button", { name: "Add rule to group 2" }));
    await fill("Group 2 rule 2 Attribute", "beta");
    await userEvent.selectOptions(screen.getByLabelText("Group 2 rule 2 Operator"), "$exists");
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    expect(errorOf("Group 2 rule 1 Value")).toBe("$gte needs a number or a string");
    expect(screen.getByLabelText("Group 2 rule 1 Value").getAttribute("aria-invalid")).toBe("true");
    expect(await server.experimentKeys()).not.toContain("builder-check");

    await fill("Group 2 rule 1 Value", "18");
    expect(screen.getByTestId("condition-preview").textContent).toBe(
      '{"country":{"$in":["US","CA"]},"$or":[{"age":{"$gte":18}},{"beta":{"$exists":true}}]}',
    );
    // To JSON and back: the same rows.
    await userEvent.click(screen.getByRole("button", { name: "Edit as JSON" }));
    const text = (screen.getByLabelText("Targeting condition (JSON)") as HTMLTextAreaElement).value;
    expect(JSON.parse(text)).toEqual({
      country: { $in: ["US", "CA"] },
      $or: [{ age: { $gte: 18 } }, { beta: { $exists: true } }],
    });
    // A condition-level $not has no rows: it stays in JSON, saying why.
    await fill("Targeting condition (JSON)", '{"$not": {"country": "US"}}');
    await userEvent.click(screen.getByRole("button", { name: "Edit with the builder" }));
    expect(screen.getByRole("status").textContent).toMatch(/cannot show this condition.*stays in JSON/);
    // Still the JSON editor, with the condition it could not show.
    expect((screen.getByLabelText("Targeting condition (JSON)") as HTMLTextAreaElement).value).toBe(
      '{"$not": {"country": "US"}}',
    );
    await fill("Targeting condition (JSON)", text);
    await userEvent.click(screen.getByRole("button", { name: "Edit with the builder" }));
    expect((screen.getByLabelText("Rule 1 Values, one per line") as HTMLTextAreaElement).value).toBe(
      "US\nCA",
    );
    expect((screen.getByLabelText("Group 2 rule 1 Value") as HTMLInputElement).value).toBe("18");
    expect((screen.getByLabelText("Group 2 rule 2 Value") as HTMLSelectElement).value).toBe("true");

    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/experiments/builder-check"), {
      timeout: 10_000,
    });
    const created = await server.api("/api/v1/experiments/builder-check");
    expect(created.body.condition).toEqual({
      country: { $in: ["US", "CA"] },
      $or: [{ age: { $gte: 18 } }, { beta: { $exists: true } }],
    });
  }, 40_000);

  it("puts the unit attribute, a free layer slice and forced overrides in the draft; a taken slice is refused at its field", async () => {
    expect(
      (await server.api("/api/v1/layers", { method: "POST", body: { key: "checkout", name: "Checkout" } }))
        .status,
    ).toBe(201);
    const holder = await server.api("/api/v1/experiments", {
      method: "POST",
      body: {
        key: "slice-holder",
        name: "Slice holder",
        variants: [{ key: "control" }, { key: "treatment" }],
        layer: { key: "checkout", range: [0, 0.5] },
      },
    });
    expect(holder.status).toBe(201);
    startSession(ADMIN_TOKEN);
    const { router } = renderApp("/experiments/new");
    await screen.findByRole("heading", { name: "New experiment" }, { timeout: 15_000 });
    await fill("Key", "layered");
    await fill("Name", "Layered");
    await fill("Unit attribute", "deviceId");
    await screen.findByRole("option", { name: "Checkout (checkout)" }, { timeout: 10_000 });
    await userEvent.selectOptions(screen.getByLabelText("Layer"), "checkout");
    expect(screen.getByTestId("layer-taken").textContent).toBe("Taken: [0, 0.5) by slice-holder (draft).");
    await userEvent.click(screen.getByRole("button", { name: "Add override" }));
    await fill("Override 1 unit id", "qa-device-1");
    await userEvent.selectOptions(screen.getByLabelText("Override 1 variant"), "treatment");
    // The default slice [0, 1) overlaps: the server's 409 names layer.range.
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(
      () => expect(errorOf("Slice to")).toMatch(/overlaps \[0, 0\.5\) of draft experiment "slice-holder"/),
      {
        timeout: 10_000,
      },
    );
    expect(await server.experimentKeys()).not.toContain("layered");
    await fill("Slice from", "0.5");
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/experiments/layered"), {
      timeout: 10_000,
    });
    const created = await server.api("/api/v1/experiments/layered");
    expect(created.body).toMatchObject({
      unitAttribute: "deviceId",
      layer: { key: "checkout", range: [0.5, 1] },
      forced: { "qa-device-1": "treatment" },
    });
  }, 30_000);

  it("creates a metric in a dialog (Escape closes it) and selects it", async () => {
    startSession(ADMIN_TOKEN);
    renderApp("/experiments/new");
    await screen.findByRole("heading", { name: "New experiment" }, { timeout: 15_000 });
    const opener = screen.getByRole("button", { name: "New guardrail metric…" });
    await userEvent.click(opener);
    const dialog = await screen.findByRole("dialog", { name: "New guardrail metric" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Metric key"));
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "New guardrail metric" })).toBeNull());
    expect(document.activeElement).toBe(opener);

    await userEvent.click(opener);
    const again = await screen.findByRole("dialog", { name: "New guardrail metric" });
    await userEvent.click(within(again).getByRole("button", { name: "Create metric" }));
    expect(errorOf("Event name")).toBe("the event name your app tracks, e.g. purchase");
    await fill("Metric key", "refund");
    await fill("Metric name", "Refund");
    await fill("Event name", "refund");
    await userEvent.selectOptions(within(again).getByLabelText("Good direction"), "decrease");
    await fill("CUPED lookback (days)", "91");
    await userEvent.click(within(again).getByRole("button", { name: "Create metric" }));
    expect(errorOf("CUPED lookback (days)")).toBe("a whole number of days from 0 (no CUPED) to 90");
    await fill("CUPED lookback (days)", "28");
    await userEvent.click(within(again).getByRole("button", { name: "Create metric" }));
    const guardrails = screen.getByRole("group", { name: /Guardrails/ });
    const box = await within(guardrails).findByRole("checkbox", { name: /Refund/ }, { timeout: 10_000 });
    expect((box as HTMLInputElement).checked).toBe(true);
    const metric = await server.api("/api/v1/metrics/refund");
    expect(metric.body).toMatchObject({
      key: "refund",
      eventName: "refund",
      direction: "decrease",
      cupedLookbackDays: 28,
    });
  }, 30_000);

  it("edits a running experiment: frozen fields are read-only with the reason, the rest is saved by PATCH", async () => {
    const created = await server.api("/api/v1/experiments", {
      method: "POST",
      body: {
        key: "edit-running",
        name: "Edit running",
        variants: [{ key: "control" }, { key: "treatment" }],
        coverage: 0.5,
        unitAttribute: "deviceId",
        condition: { $not: { country: "US" } },
      },
    });
    expect(created.status).toBe(201);
    expect((await server.api("/api/v1/experiments/edit-running/start", { method: "POST" })).status).toBe(200);
    startSession(ADMIN_TOKEN);
    const { router } = renderApp("/experiments/edit-running");
    await userEvent.click(await screen.findByRole("link", { name: "Edit" }, { timeout: 15_000 }));
    await screen.findByRole("heading", { name: "Edit Edit running" }, { timeout: 10_000 });
    expect(screen.getByTestId("status-note").textContent).toMatch(/Running: variants, weights/);
    for (const label of ["Variant 1 key", "Variant 2 weight", "Unit attribute", "Layer"]) {
      expect((screen.getByLabelText(label) as HTMLInputElement).disabled, label).toBe(true);
    }
    expect(screen.getByRole("group", { name: "Variants" }).textContent).toMatch(/Locked while it runs/);
    expect(screen.getByLabelText("Unit attribute").getAttribute("aria-describedby") ?? "").toMatch(/-lock/);
    expect((screen.getByLabelText("Name") as HTMLInputElement).disabled).toBe(false);
    // Not representable as rows: the editor opens it in JSON.
    expect((screen.getByLabelText("Targeting condition (JSON)") as HTMLTextAreaElement).value).toContain(
      "$not",
    );

    await fill("Coverage", "0.4");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(errorOf("Coverage")).toMatch(/may only go up/);
    await fill("Coverage", "0.8");
    await fill("Name", "Edit running, renamed");
    await fill("Targeting condition (JSON)", '{"country": {"$ne": "US"}}');
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/experiments/edit-running"), {
      timeout: 10_000,
    });
    const saved = await server.api("/api/v1/experiments/edit-running");
    expect(saved.body).toMatchObject({
      name: "Edit running, renamed",
      coverage: 0.8,
      unitAttribute: "deviceId",
      condition: { country: { $ne: "US" } },
      status: "running",
    });
  }, 30_000);
});
