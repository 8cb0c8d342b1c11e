/**
 * Builds the UI (client/dist) when it is missing or stale: a sha-256 of every input of the build
 * (client sources, public files, index.html, Vite/TS config, the stats sources the planner bundles,
 * the lock file) is compared with the one stored in dist/.source-hash by the last build.
 * Concurrent callers (several test files, `npm start` twice) wait on a lock directory, so one
 * run builds at most once. Run: `node --import tsx client/scripts/ensure-build.ts [--force]`
 * (`npm start` does; `npm run build` forces a build).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const clientDir = fileURLToPath(new URL("..", import.meta.url));
const rootDir = path.dirname(clientDir);
/** Where the built UI goes (what the server serves by default). */
export const CLIENT_DIST = path.join(clientDir, "dist");
const HASH_FILE = path.join(CLIENT_DIST, ".source-hash");
/** One lock per checkout, outside the tree. */
const LOCK_DIR = path.join(
  tmpdir(),
  `splitlab-ui-build-${createHash("sha256").update(clientDir).digest("hex").slice(0, 12)}.lock`,
);

const INPUTS = [
  "client/src",
  "client/public",
  "client/index.html",
  "client/vite.config.ts",
  "client/tsconfig.json",
  "client/package.json",
  "stats/src",
  "stats/package.json",
  "package-lock.json",
];

function listFiles(absolute: string): string[] {
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [absolute];
  return readdirSync(absolute, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(absolute, entry.name);
      if (entry.isDirectory()) return listFiles(full);
      // Tests never reach the bundle.
      return /\.test\.tsx?$/.test(entry.name) ? [] : [full];
    });
}

/** sha-256 over the paths and contents of every build input. */
export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of listFiles(path.join(rootDir, input))) {
      hash.update(path.relative(rootDir, file));
      hash.update("\0");
      hash.update(readFileSync(file));
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

/** Whether dist exists and was built from the current sources. */
export function isBuildFresh(): boolean {
  if (!existsSync(path.join(CLIENT_DIST, "index.html")) || !existsSync(HASH_FILE)) return false;
  return readFileSync(HASH_FILE, "utf8").trim() === sourceHash();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withLock<T>(run: () => T): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR, { recursive: false });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a killed build is older than any real build.
      if (Date.now() - statSync(LOCK_DIR).mtimeMs > 10 * 60_000)
        rmSync(LOCK_DIR, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the UI build lock ${LOCK_DIR}`);
      await sleep(250);
    }
  }
  try {
    return run();
  } finally {
    rmSync(LOCK_DIR, { force: true, recursive: true });
  }
}

/**
 * Builds client/dist with `vite build` unless it is fresh. Returns whether it built.
 * Throws with Vite's output when the build fails.
 */
export async function ensureClientBuild(
  log: (line: string) => void = () => {},
  options: { force?: boolean } = {},
): Promise<boolean> {
  if (!options.force && isBuildFresh()) return false;
  return withLock(() => {
    if (!options.force && isBuildFresh()) return false; // another process built it while we waited
    const hash = sourceHash();
    log("Building the UI (client/dist is missing or older than its sources)...");
    const vitePackage = createRequire(path.join(clientDir, "package.json")).resolve("vite/package.json");
    const vite = path.join(path.dirname(vitePackage), "bin", "vite.js");
    const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: clientDir,
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (result.status !== 0) {
      throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    writeFileSync(HASH_FILE, `${hash}\n`);
    log("UI built into client/dist.");
    return true;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes("--force");
  ensureClientBuild((line) => process.stdout.write(`${line}\n`), { force }).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
