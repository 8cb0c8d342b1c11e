// The experiments feature's API for other features and use cases (they import nothing else of it).
export {
  findExperiment,
  listExperimentsInLayer,
  listExposableExperiments,
  listRunningExperiments,
} from "./experiments.repo.js";
export type { ExperimentRow } from "./experiments.table.js";
