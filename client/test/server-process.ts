/**
 * Starts the real server (`server/src/main.ts`, as `npm start` runs it) in a child process on a
 * random port over a fresh embedded database, for component tests whose DOM environment cannot
 * host the server itself. Resolves once it prints its URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A running server process. */
export interface ServerProcess {
  url: string;
  adminToken: string;
  stop: () => Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Spawns the server with ADMIN_TOKEN = `adminToken`. */
export function startServerProcess(adminToken: string): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "splitlab-ui-test-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: "silent",
    INIT_CWD: ROOT,
  };
  delete env.DATABASE_URL; // its own embedded database, never a shared one
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", path.join(ROOT, "server/src/main.ts")],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
      const match = output.match(/listening on (http:\/\/\S+)/);
      if (!match) return;
      clearTimeout(timer);
      const url = match[1]!.replace("localhost", "127.0.0.1");
      resolve({
        url,
        adminToken,
        stop: () =>
          new Promise<void>((done) => {
            child.once("exit", () => {
              rmSync(dataDir, { recursive: true, force: true });
              done();
            });
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}
