import { z } from "zod";
import { ERROR_CODES } from "../error-codes.js";

/** Body of every error response: `{ error: { code, message, details? } }`. */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z
        .unknown()
        .optional()
        .describe("validation_failed: `{ issues: [{ path, message }] }` naming each field"),
    }),
  })
  .meta({ id: "Error" });
