// The audit feature's API for other features and use cases (they import nothing else of it).
export { insertAudit } from "./audit.repo.js";
