// The metrics feature's API for other features and use cases (they import nothing else of it).
export { existingMetricKeys, findMetricsByKeys } from "./metrics.repo.js";
export { METRIC_TYPES, type MetricRow, type MetricType } from "./metrics.table.js";
