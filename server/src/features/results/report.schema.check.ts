/**
 * Type-level pin: what the results engine answers (`ResultsReport` plus freshness and
 * exclusions) and the contract's report schema are the same type. A field added, removed or
 * retyped on one side only fails the server type-check here. (Kept out of report.schema.ts so
 * the contract imports nothing from the engine.)
 */
import type { z } from "zod";
import type { TypeEquals } from "../../shared/type-equality.js";
import type { resultsReportResponse } from "./report.schema.js";
import type { computeResults } from "./results.service.js";

/** What the results route sends. */
type EngineReport = Awaited<ReturnType<typeof computeResults>>;
type Flat<T> = { [K in keyof T]: T[K] };

export const reportSchemaMatchesEngine: TypeEquals<
  z.infer<typeof resultsReportResponse>,
  Flat<EngineReport>
> = true;
