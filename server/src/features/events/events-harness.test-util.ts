// TEMPORARY harness until createApp/createTestDb land: real express + real database.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express, { type RequestHandler } from "express";
import pg from "pg";
import { type Db, openDatabase } from "../../db.js";
import { AppError, errorHandler } from "../../errors.js";
import { experiments } from "../experiments/experiments.table.js";
import { createEventsFeature, type EventsFeature } from "./events.feature.js";

export interface EventsHarness {
  db: Db;
  baseUrl: string;
  sdkKey: string;
  adminToken: string;
  events: EventsFeature;
  close: () => Promise<void>;
}

export async function startEventsHarness(): Promise<EventsHarness> {
  const url = process.env.DATABASE_URL;
  let dropDb: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (url) {
    const name = `events_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const database = await openDatabase({ databaseUrl });
  const db = database.db;
  const variants = [
    { key: "control", name: "Control", weight: 0.5 },
    { key: "treatment", name: "Treatment", weight: 0.5 },
  ];
  const analysis = { alpha: 0.05, sequential: false, correction: "none" } as const;
  await db.insert(experiments).values(
    (
      [
        ["checkout", "running"],
        ["draft-exp", "draft"],
        ["stopped-exp", "stopped"],
      ] as const
    ).map(([key, status]) => ({ key, name: key, seed: key, status, variants, analysis })),
  );
  const sdkKey = `sdk_${randomUUID()}`;
  const adminToken = `adm_${randomUUID()}`;
  const bearer =
    (token: string): RequestHandler =>
    (req, _res, next) =>
      next(
        req.headers.authorization === `Bearer ${token}`
          ? undefined
          : new AppError(401, "unauthorized", "bad key"),
      );
  const events = createEventsFeature({
    db,
    kind: database.kind,
    requireSdkKey: bearer(sdkKey),
    requireAdmin: bearer(adminToken),
  });
  const app = express();
  app.use(events.router);
  app.use(errorHandler);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  return {
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    sdkKey,
    adminToken,
    events,
    close: async () => {
      await new Promise((r) => server.close(r));
      await events.drain();
      await database.close();
      await dropDb?.();
    },
  };
}
