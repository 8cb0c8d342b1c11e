// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { assignVariant } from "../assign.js";
import { createClient } from "../client.js";
import type { SdkConfig } from "../types.js";
import { ExperimentProvider, useVariant, Variant } from "./index.js";

const config: SdkConfig = {
  version: "v1",
  generatedAt: "2024-01-01T00:00:00.000Z",
  experiments: [
    {
      key: "banner",
      seed: "banner",
      hashVersion: 1,
      unitAttribute: "id",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      coverage: 1,
    },
  ],
};

function client(user = { id: "user-1" }) {
  return createClient({
    apiHost: "http://127.0.0.1:9",
    sdkKey: "k",
    user,
    bootstrap: config,
    refreshInterval: 0,
    flushInterval: 0,
    storage: null,
  });
}

function ShowVariant() {
  return createElement("p", { "data-testid": "v" }, useVariant("banner") ?? "none");
}

afterEach(cleanup);

describe("sdk/react", () => {
  it("useVariant renders the user's variant and logs one exposure", () => {
    const c = client();
    const expected = assignVariant(config.experiments[0], { id: "user-1" }).variant!;
    render(createElement(ExperimentProvider, { client: c }, createElement(ShowVariant)));
    expect(screen.getByTestId("v").textContent).toBe(expected);
    expect(c.stats().queued).toBe(1);
  });

  it("<Variant> renders children only for the named variant, else the fallback", () => {
    // Find one user in each arm so both branches render.
    const ids = Array.from({ length: 50 }, (_, i) => `u-${i}`);
    const inTreatment = ids.find(
      (id) => assignVariant(config.experiments[0], { id }).variant === "treatment",
    )!;
    const inControl = ids.find((id) => assignVariant(config.experiments[0], { id }).variant === "control")!;
    for (const [id, text] of [
      [inTreatment, "new banner"],
      [inControl, "old banner"],
    ] as const) {
      render(
        createElement(
          ExperimentProvider,
          { client: client({ id }) },
          createElement(
            Variant,
            {
              experiment: "banner",
              name: "treatment",
              fallback: createElement("span", null, "old banner"),
            },
            createElement("span", null, "new banner"),
          ),
        ),
      );
      expect(screen.getByText(text).textContent).toBe(text);
      expect(screen.queryByText(text === "new banner" ? "old banner" : "new banner")).toBeNull();
      cleanup();
    }
  });

  it("without a provider useVariant gives null instead of throwing", () => {
    render(createElement(ShowVariant));
    expect(screen.getByTestId("v").textContent).toBe("none");
  });
  // Re-rendering when a config arrives is tested against the real server in
  // sdk/test/browser.integration.test.ts.
});
