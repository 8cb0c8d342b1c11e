export { type Actor, type Auth, type AuthOptions, actorOf, createAuth } from "./keys.auth.js";
export {
  BUILT_IN_ENVIRONMENTS,
  DEFAULT_ENVIRONMENT,
  ensureAdminToken,
  knownEnvironments,
} from "./keys.service.js";
export { bearerToken, hashToken } from "./keys.tokens.js";
