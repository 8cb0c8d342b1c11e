export { type Actor, type Auth, type AuthOptions, actorOf, createAuth } from "./keys.auth.js";
export { ensureAdminToken } from "./keys.service.js";
export { bearerToken, hashToken } from "./keys.tokens.js";
