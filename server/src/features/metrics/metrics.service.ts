import type { Db } from "../../db.js";
import { AppError, fieldError, notFound } from "../../errors.js";
import { insertAudit } from "../audit/index.js";
import type { Actor } from "../keys/index.js";
import { findMetric, insertMetric, listMetrics, updateMetric as updateMetricRow } from "./metrics.repo.js";
import type { CreateMetricRequest, MetricResponse, UpdateMetricRequest } from "./metrics.schemas.js";
import type { MetricRow } from "./metrics.table.js";

/** Row -> API shape. */
export function toMetricResponse(row: MetricRow): MetricResponse {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    eventName: row.eventName,
    type: row.type,
    windowHours: row.windowHours,
    direction: row.direction,
    cap: row.cap,
    cupedLookbackDays: row.cupedLookbackDays,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Creates a metric (409 if the key exists). */
export async function createMetric(
  db: Db,
  actor: Actor,
  input: CreateMetricRequest,
): Promise<MetricResponse> {
  return db.transaction(async (tx) => {
    if (await findMetric(tx, input.key)) {
      throw new AppError(409, "conflict", `metric "${input.key}" already exists`, { field: "key" });
    }
    const after = toMetricResponse(await insertMetric(tx, input));
    await insertAudit(tx, {
      actor: actor.label,
      action: "metric.create",
      entityType: "metric",
      entityKey: input.key,
      after,
    });
    return after;
  });
}

/** One metric or 404. */
export async function getMetric(db: Db, key: string): Promise<MetricResponse> {
  const row = await findMetric(db, key);
  if (!row) throw notFound(`metric "${key}"`);
  return toMetricResponse(row);
}

/** All metrics. */
export async function listAllMetrics(db: Db): Promise<MetricResponse[]> {
  return (await listMetrics(db)).map(toMetricResponse);
}

/** Updates a metric (a binomial metric cannot have a cap). */
export async function updateMetric(
  db: Db,
  actor: Actor,
  key: string,
  patch: UpdateMetricRequest,
): Promise<MetricResponse> {
  return db.transaction(async (tx) => {
    const current = await findMetric(tx, key, true);
    if (!current) throw notFound(`metric "${key}"`);
    const type = patch.type ?? current.type;
    const cap = patch.cap === undefined ? current.cap : patch.cap;
    if (type === "binomial" && cap !== null)
      throw fieldError("cap", "a cap is not allowed on binomial metrics");
    const next = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const after = toMetricResponse(await updateMetricRow(tx, key, next));
    await insertAudit(tx, {
      actor: actor.label,
      action: "metric.update",
      entityType: "metric",
      entityKey: key,
      before: toMetricResponse(current),
      after,
    });
    return after;
  });
}
