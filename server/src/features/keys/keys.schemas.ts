import { z } from "zod";
import { environmentName } from "../../shared/schemas.js";

/** Body of `POST /api/v1/keys`. */
export const createKeyRequest = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("sdk"),
      name: z.string().trim().min(1).max(100),
      environment: environmentName,
    }),
    z.strictObject({ kind: z.literal("admin"), name: z.string().trim().min(1).max(100) }),
  ])
  .meta({ id: "CreateKeyRequest" });
/** Parsed body of `POST /api/v1/keys`. */
export type CreateKeyRequest = z.infer<typeof createKeyRequest>;

/** A key as listed (never the token). */
export const keyResponse = z
  .object({
    id: z.string(),
    kind: z.enum(["sdk", "admin"]),
    name: z.string(),
    environment: z.string().nullable(),
    prefix: z.string().describe("first characters of the token"),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiKey" });
/** A key as listed. */
export type KeyResponse = z.infer<typeof keyResponse>;

/** Answer of `POST /api/v1/keys`: the only time the token is shown. */
export const createdKeyResponse = keyResponse
  .extend({ token: z.string().describe("shown once; store it now") })
  .meta({ id: "CreatedApiKey" });

/** Path params of `/api/v1/keys/:id`. */
export const keyIdParams = z.object({ id: z.string().min(1).max(64) });

/** Answer of `GET /api/v1/keys`. */
export const keyListResponse = z.object({ keys: z.array(keyResponse) }).meta({ id: "ApiKeyList" });

/** Answer of `GET /api/v1/environments`. */
export const environmentListResponse = z
  .object({
    environments: z
      .array(z.string())
      .describe("production, staging and the environment of every SDK key ever created, sorted"),
  })
  .meta({ id: "EnvironmentList" });
