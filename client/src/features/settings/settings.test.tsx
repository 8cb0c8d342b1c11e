// @vitest-environment happy-dom
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fill, startPageServer } from "../../../test/form-harness.js";
import { renderApp } from "../../../test/render.js";
import { startSession } from "../../api/session.js";

const ADMIN_TOKEN = "ui-settings-admin-token-0123456789";
const server = startPageServer(ADMIN_TOKEN);

describe("settings: keys", () => {
  it("creates an SDK key (token shown once) and revokes it after confirming", async () => {
    startSession(ADMIN_TOKEN);
    renderApp("/settings");
    await screen.findByRole("heading", { name: "Settings" }, { timeout: 15_000 });
    await fill("Key name", "web shop");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    const token = (await screen.findByTestId("new-token", {}, { timeout: 10_000 })).textContent ?? "";
    expect(token).toMatch(/^sdk_/);
    // The token works against the SDK endpoint.
    const config = await fetch(`${server.url}/api/v1/sdk/config`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(config.status).toBe(200);

    await userEvent.click(await screen.findByRole("button", { name: "Revoke web shop" }));
    await userEvent.click(await screen.findByRole("button", { name: "Revoke key" }));
    expect(await screen.findByText(/^revoked /, {}, { timeout: 10_000 })).toBeDefined();
    const keys = (await server.api("/api/v1/keys")).body.keys as { name: string; revokedAt: string | null }[];
    expect(keys.find((k) => k.name === "web shop")?.revokedAt).not.toBeNull();
  }, 30_000);
});
