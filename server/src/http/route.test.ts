import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/test-app.js";

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD path` express would dispatch, walking root-mounted routers. */
function mountedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== "_all") found.push(`${method.toUpperCase()} ${p}`);
          }
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  responses: Record<string, unknown>;
}

const toExpress = (openApiPath: string) => openApiPath.replace(/\{([^}]+)\}/g, ":$1");

describe("route definitions", () => {
  let t: TestApp;
  // biome-ignore lint/suspicious/noExplicitAny: the generated document is read loosely and asserted on
  let doc: any;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.request("GET", "/api/openapi.json", { token: null })).body;
  });
  afterAll(() => t.close());

  it("documents every mounted /api/v1 route, and mounts every documented one", () => {
    const mounted = mountedRoutes(t.instance.app).filter((r) => r.split(" ")[1]!.startsWith("/api/v1"));
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${toExpress(p)}`),
    );
    expect(mounted.length).toBeGreaterThanOrEqual(20);
    expect(new Set(documented)).toEqual(new Set(mounted));
    // The regression of issue 11: this route was mounted but missing from the document.
    expect(documented).toContain("DELETE /api/v1/keys/:id");
  });

  it("gives every operation a unique operationId, a tag, a summary and its error responses", () => {
    const ids = new Set<string>();
    const paths = doc.paths as Record<string, Record<string, Operation>>;
    for (const [p, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${p}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId), `${where} duplicate operationId`).toBe(false);
        ids.add(op.operationId);
        expect(op.tags, where).toHaveLength(1);
        expect(op.summary, `${where} has a summary`).toMatch(/\w/);
        expect(op.responses["401"], `${where} documents 401`).toBeDefined();
      }
    }
  });

  it("serves a DELETE /api/v1/keys/:id that revokes, as documented", async () => {
    const created = await t.request("POST", "/api/v1/keys", { body: { kind: "admin", name: "temp" } });
    expect(created.status).toBe(201);
    const revoked = await t.request("DELETE", `/api/v1/keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const op = doc.paths["/api/v1/keys/{id}"].delete;
    expect(op.operationId).toBe("deleteKey");
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "404"]));
  });
});

describe("a handler that finishes after the request deadline answered", () => {
  it("leaves the 503 as the only answer and raises no error (what it found is dropped)", async () => {
    const express = (await import("express")).default;
    const { z } = await import("zod");
    const { requestDeadline } = await import("../limits.js");
    const { defineRoute, mountRoutes } = await import("./route.js");
    const errors: unknown[] = [];
    let finished!: () => void;
    const handlerDone = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const slow = defineRoute({
      method: "get",
      path: "/slow",
      operationId: "slow",
      tag: "Test",
      summary: "Answers late",
      access: "public",
      success: { status: 200, description: "late", schema: z.object({ late: z.boolean() }) },
      errors: [],
      handler: async () => {
        await new Promise((r) => setTimeout(r, 150));
        setImmediate(finished);
        return { late: true };
      },
    });
    const app = express();
    app.use(requestDeadline(30, () => false));
    app.use(mountRoutes([slow], { requireAdmin: (_q, _s, n) => n(), requireSdkKey: (_q, _s, n) => n() }));
    app.use(
      (
        error: unknown,
        _req: unknown,
        res: { status: (n: number) => { end: () => void } },
        _next: unknown,
      ) => {
        errors.push(error);
        res.status(500).end();
      },
    );
    const server = app.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/slow`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
      await handlerDone;
      await new Promise((r) => setTimeout(r, 20));
      expect(errors).toEqual([]);
    } finally {
      server.close();
    }
  });
});
