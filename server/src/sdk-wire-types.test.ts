import type * as Sdk from "@splitlab/sdk/types";
import { describe, expectTypeOf, it } from "vitest";
import type * as Contract from "./contract.js";
import { schemas } from "./contract.js";

// The SDK stays dependency-free, so its wire types (sdk/src/types.ts) are written by hand;
// these checks pin them to the types inferred from the server's zod schemas. They run in
// the type-check (`npm test` runs it first): any drift fails to compile.
describe("SDK wire types equal the API contract", () => {
  it("config payload (the SDK adds only the local `active` flag)", () => {
    type WireExperiment = Omit<Sdk.ExperimentConfig, "active">;
    expectTypeOf<Contract.SdkConfig["experiments"][number]>().toEqualTypeOf<WireExperiment>();
    expectTypeOf<Contract.SdkConfig["version"]>().toEqualTypeOf<Sdk.SdkConfig["version"]>();
    expectTypeOf<Contract.SdkConfig["generatedAt"]>().toEqualTypeOf<Sdk.SdkConfig["generatedAt"]>();
    expectTypeOf<keyof Contract.SdkConfig>().toEqualTypeOf<keyof Sdk.SdkConfig>();
  });

  it("event batch items, the batch and the answer", () => {
    expectTypeOf<Contract.ExposureEvent>().toEqualTypeOf<Sdk.ExposureEvent>();
    expectTypeOf<Contract.TrackEvent>().toEqualTypeOf<Sdk.TrackEvent>();
    expectTypeOf<Contract.IngestEvent>().toEqualTypeOf<Sdk.IngestEvent>();
    expectTypeOf<Contract.IngestRequest>().toEqualTypeOf<Sdk.IngestRequest>();
    expectTypeOf<Contract.IngestResponse>().toEqualTypeOf<Sdk.IngestResponse>();
  });

  it("what the SDK sends parses with the schemas the server validates with", () => {
    const exposure: Sdk.ExposureEvent = {
      id: "6f1c9a52-2a0b-4d5e-9a51-0c6a7d1e2f30",
      type: "exposure",
      experiment: "new-checkout",
      variant: "treatment",
      unitId: "üser_é",
      timestamp: "2026-01-10T12:00:00.000Z",
      attributes: { country: "FR", plan: { tier: "pro" } },
    };
    const track: Sdk.TrackEvent = {
      id: "0b7e4c1d-8f2a-4b6c-9d3e-5a1f2b3c4d5e",
      type: "track",
      name: "purchase",
      unitId: "üser_é",
      timestamp: "2026-01-10T12:05:00.000Z",
      value: 42.5,
      properties: { sku: "a-1" },
    };
    schemas.ingestEvent.parse(exposure);
    schemas.ingestEvent.parse(track);
  });
});
