import { z } from "zod";
import { environmentName } from "../../shared/schemas.js";

/** Query of GET /api/v1/experiments/:key/results. */
export const resultsQuery = z.object({
  /** Break every metric down by this attribute of the first exposure (e.g. `country`). */
  dimension: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be an attribute name (letters, digits, _ . -; 1-64 characters)")
    .optional(),
  /** `full` rebuilds the pre-aggregated unit rows from the raw tables first. */
  refresh: z.enum(["incremental", "full"]).default("incremental"),
  /** The environment whose traffic is reported (checked against the known environments). */
  environment: environmentName
    .default("production")
    .describe("environment whose exposures and events are counted (default production)"),
  /** Relative effect the power figure refers to, e.g. 0.05 for 5 %. */
  mde: z.coerce.number().finite().gt(0).lt(10).default(0.05),
});

/** Parsed {@link resultsQuery}. */
export type ResultsQuery = z.output<typeof resultsQuery>;
