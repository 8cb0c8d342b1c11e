import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { apiKeys } from "./keys.table.js";
import { hashToken } from "./keys.tokens.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("/api/v1/keys", () => {
  it("creates an SDK key shown once, stores only its sha-256 and lists it without the token", async () => {
    const created = await t.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "web", environment: "production" },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^sdk_[A-Za-z0-9_-]{40,}$/);
    expect(created.body).toMatchObject({
      kind: "sdk",
      name: "web",
      environment: "production",
      revokedAt: null,
    });

    const rows = await t.db.select().from(apiKeys);
    const row = rows.find((r) => r.id === created.body.id)!;
    expect(row.tokenHash).toBe(hashToken(created.body.token));
    expect(JSON.stringify(rows)).not.toContain(created.body.token);

    const list = await t.request("GET", "/api/v1/keys");
    expect(list.status).toBe(200);
    const listed = list.body.keys.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({
      kind: "sdk",
      environment: "production",
      prefix: created.body.token.slice(0, 10),
    });
    expect(listed.token).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
  });

  it("a created admin token authorizes admin calls; an SDK key gets 403 on them", async () => {
    const admin = await t.request("POST", "/api/v1/keys", { body: { kind: "admin", name: "ci" } });
    expect(admin.status).toBe(201);
    expect(admin.body.token).toMatch(/^adm_/);
    expect((await t.request("GET", "/api/v1/keys", { token: admin.body.token })).status).toBe(200);

    const sdk = await t.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "x", environment: "dev" },
    });
    const forbidden = await t.request("GET", "/api/v1/keys", { token: sdk.body.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("forbidden");
  });

  it("revoking a key stops it from working at once and is audited", async () => {
    const admin = await t.request("POST", "/api/v1/keys", { body: { kind: "admin", name: "temp" } });
    expect((await t.request("GET", "/api/v1/keys", { token: admin.body.token })).status).toBe(200);
    const revoked = await t.request("POST", `/api/v1/keys/${admin.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await t.request("GET", "/api/v1/keys", { token: admin.body.token });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toContain("revoked");

    const audit = await t.request("GET", `/api/v1/audit?entityType=key&entityKey=${admin.body.id}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(["key.revoke", "key.create"]);
    expect(audit.body.entries[0]).toMatchObject({ actor: "env:ADMIN_TOKEN" });
    expect(audit.body.entries[0].before.revokedAt).toBeNull();
    expect(audit.body.entries[0].after.revokedAt).toEqual(expect.any(String));

    const del = await t.request("DELETE", "/api/v1/keys/unknown-id");
    expect(del.status).toBe(404);
    expect(del.body.error.message).toContain("unknown-id");
  });

  it("rejects bad input with 400 naming the field and stores nothing", async () => {
    const before = (await t.db.select().from(apiKeys)).length;
    const noEnv = await t.request("POST", "/api/v1/keys", { body: { kind: "sdk", name: "web" } });
    expect(noEnv.status).toBe(400);
    expect(noEnv.body.error.code).toBe("validation_failed");
    expect(noEnv.body.error.message).toContain("environment");
    const badKind = await t.request("POST", "/api/v1/keys", { body: { kind: "root", name: "x" } });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toContain("kind");
    const badEnv = await t.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "x", environment: "Prod Env" },
    });
    expect(badEnv.status).toBe(400);
    expect(badEnv.body.error.details.issues[0].path).toBe("environment");
    const notJson = await t.request("POST", "/api/v1/keys", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toContain("not valid JSON");
    const textBody = await t.request("POST", "/api/v1/keys", {
      body: "kind=sdk",
      headers: { "content-type": "text/plain" },
    });
    expect(textBody.status).toBe(415);
    expect((await t.db.select().from(apiKeys)).length).toBe(before);
  });

  it("answers 401 without a token, with a malformed header and with an unknown token", async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: "Basic abc" },
      { authorization: "Bearer nope" },
    ];
    for (const headers of variants) {
      const res = await t.request("GET", "/api/v1/keys", { token: null, headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
  });

  it("pages the audit log newest first and validates its query", async () => {
    const first = await t.request("GET", "/api/v1/audit?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.entries[0].id).toBeGreaterThan(first.body.entries[1].id);
    const next = await t.request("GET", `/api/v1/audit?limit=2&before=${first.body.nextBefore}`);
    expect(next.body.entries[0].id).toBeLessThan(first.body.entries[1].id);
    const bad = await t.request("GET", "/api/v1/audit?limit=0");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("query.limit");
    const unknown = await t.request("GET", "/api/v1/audit?entity=x");
    expect(unknown.status).toBe(400);
    expect((await t.request("GET", "/api/v1/audit", { token: null })).status).toBe(401);
  });
});
