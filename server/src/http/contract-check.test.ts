import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorHandler } from "../errors.js";
import { checkResponses } from "./contract-check.js";
import { errorResponse } from "./error.schema.js";
import { defineRoute, mountRoutes } from "./route.js";

// A tiny app over real HTTP whose handlers break their own contract on purpose.
const thing = z.object({ key: z.string(), count: z.number().int() });
const pass: express.RequestHandler = (_req, _res, next) => next();
const route = (path: string, handler: () => Promise<unknown>) =>
  defineRoute({
    method: "get",
    path,
    operationId: "getThing",
    tag: "Test",
    summary: "test",
    access: "public",
    success: { status: 200, description: "a thing", schema: thing },
    errors: [404],
    handler: handler as () => Promise<z.input<typeof thing>>,
  });
const routes = [
  route("/ok", async () => ({ key: "a", count: 1 })),
  route("/retyped", async () => ({ key: "a", count: "1" })),
  route("/extra", async () => ({ key: "a", count: 1, secret: "x" })),
  route("/declared-error", async () => {
    throw new AppError(404, "not_found", "thing not found");
  }),
  route("/undeclared-error", async () => {
    throw new AppError(409, "conflict", "not declared");
  }),
];

let url: string;
let server: ReturnType<express.Express["listen"]>;
const violations: string[] = [];
beforeAll(async () => {
  const app = express();
  app.use(checkResponses(routes, errorResponse, (v) => violations.push(v)));
  app.use(mountRoutes(routes, { requireAdmin: pass, requireSdkKey: pass }));
  app.use(errorHandler);
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

async function get(path: string) {
  violations.length = 0;
  const res = await fetch(url + path);
  return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
}

describe("checkResponses", () => {
  it("lets an answer that keeps its contract through untouched", async () => {
    expect(await get("/ok")).toEqual({ status: 200, body: { key: "a", count: 1 } });
    expect((await get("/declared-error")).status).toBe(404);
    expect(violations).toEqual([]);
  });

  it("turns a retyped field into a 500 naming it", async () => {
    const res = await get("/retyped");
    expect(res.status).toBe(500);
    expect(res.body.error?.message).toContain("$.count");
    expect(violations).toHaveLength(1);
  });

  it("turns an undocumented field into a 500 naming it", async () => {
    const res = await get("/extra");
    expect(res.status).toBe(500);
    expect(res.body.error?.message).toContain("$.secret: not in the response schema");
  });

  it("records a status the route does not declare", async () => {
    expect((await get("/undeclared-error")).status).toBe(409);
    expect(violations).toEqual([expect.stringContaining("getThing (GET /undeclared-error) answered 409")]);
  });
});
