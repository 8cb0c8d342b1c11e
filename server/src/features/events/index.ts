// The events feature's API for other features and use cases (they import nothing else of it).
export { deleteExpiredSlice, deleteUnitRows } from "./events.repo.js";
export { jsonBodyParser, sdkKeysOnly } from "./events.routes.js";
export {
  type EraseUnitResponse,
  ingestResponseSchema,
  MAX_EVENTS_PER_REQUEST,
  MAX_STRING_LENGTH,
} from "./events.schemas.js";
export { type IngestContext, type IngestDeps, ingestEvents } from "./events.service.js";
