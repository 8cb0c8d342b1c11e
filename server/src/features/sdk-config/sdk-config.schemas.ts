import type { SdkConfig } from "@splitlab/sdk/types";
import { z } from "zod";
import { jsonValue } from "../../shared/schemas.js";

const experimentConfig = z.object({
  key: z.string(),
  seed: z.string(),
  hashVersion: z.literal(1),
  unitAttribute: z.string(),
  variants: z.array(z.object({ key: z.string(), weight: z.number(), payload: jsonValue.optional() })),
  coverage: z.number(),
  condition: z.record(z.string(), jsonValue).nullable().optional(),
  layer: z
    .object({ key: z.string(), range: z.tuple([z.number(), z.number()]) })
    .nullable()
    .optional(),
  forced: z.record(z.string(), z.string()).optional(),
});

/** `GET /api/v1/sdk/config` payload; its output type must stay assignable to the SDK's `SdkConfig`. */
export const sdkConfigResponse = z
  .object({
    version: z.string().describe("content version: the ETag without quotes"),
    generatedAt: z.string(),
    experiments: z.array(experimentConfig),
  })
  .meta({ id: "SdkConfig" }) satisfies z.ZodType<SdkConfig>;
