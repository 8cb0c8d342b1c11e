// The layers feature's API for other features and use cases (they import nothing else of it).
export { findLayer } from "./layers.repo.js";
export type { LayerMembers } from "./layers.service.js";
