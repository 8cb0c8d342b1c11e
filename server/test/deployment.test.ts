/**
 * The deployment files users run without us: the Dockerfile (linted with dockerfile-utils, the
 * validator of the Docker language server; no Docker engine or hadolint on this machine) and
 * docker-compose.yml. The image's command is the one compiled-server.test.ts starts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");

describe("Dockerfile", () => {
  it("has no lint problem", () => {
    const problems = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it("builds in one stage and runs compiled code as a non-root user with production dependencies only", () => {
    const stages = dockerfile.match(/^FROM .+$/gm) ?? [];
    expect(stages).toHaveLength(2);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\/healthz/ms);
    expect(runtime).toContain('CMD ["node", "server/dist/main.js"]');
    expect(runtime).not.toMatch(/tsx/);
  });
});

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8")) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  it("builds the image and runs it against PostgreSQL 16 with a volume and a health check", () => {
    const { app, postgres } = compose.services;
    expect(app?.build).toBe(".");
    expect(app?.volumes).toBeUndefined(); // no bind mount of the checkout
    expect(String((app?.environment as Record<string, string> | undefined)?.DATABASE_URL)).toMatch(
      /^postgres:\/\/.+@postgres:5432\//,
    );
    expect(app?.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(postgres?.image).toBe("postgres:16");
    expect(postgres?.healthcheck).toBeDefined();
    expect(postgres?.volumes).toEqual(["pgdata:/var/lib/postgresql/data"]);
    expect(Object.keys(compose.volumes)).toContain("pgdata");
  });
});
