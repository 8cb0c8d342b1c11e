/**
 * `npm run demo`: four experiments with planted truths, driven through the real SDK.
 *
 *   npm run demo                      # reuse the server on PORT (3000), or start one on ./data
 *   npm run demo -- --url http://host:3000 --token adm_...
 *   npm run demo -- --seed 7 --units 200000 --days 21 --reset
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import { type DemoProgress, type DemoReportSummary, runDemo } from "./run.js";

const HELP = `npm run demo -- [options]
  --url URL       server to use (default: http://localhost:$PORT, started on ./data if nothing answers)
  --token TOKEN   admin token (default: $ADMIN_TOKEN)
  --seed N        random seed: the same seed gives the same users, events and reports (default 1)
  --units N       simulated users (default 60000; 1000000 works, memory stays flat)
  --days N        simulated days ending now (default 14)
  --reset         archive the experiments of earlier demo runs first
Each run adds a new batch of experiments (checkout-redesign, checkout-redesign-2, ...).`;

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    seed: { type: "string", default: "1" },
    units: { type: "string", default: "60000" },
    days: { type: "string", default: "14" },
    reset: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`--${name} must be an integer from 1 to ${max} (got "${raw}")\n`);
    process.exit(2);
  }
  return n;
}
const seed = positiveInt("seed", values.seed, 2 ** 31);
const units = positiveInt("units", values.units, 10_000_000);
const days = positiveInt("days", values.days, 90);

const out = (line: string) => process.stdout.write(`${line}\n`);
const tty = process.stdout.isTTY === true;

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

let url = values.url?.replace(/\/$/, "");
let token = values.token ?? process.env.ADMIN_TOKEN;
let keepServing: (() => Promise<void>) | undefined;
if (!url) {
  const port = Number(process.env.PORT ?? 3000);
  const local = `http://localhost:${port}`;
  if (await healthy(local)) {
    url = local;
    out(`Using the server running at ${url}`);
  } else {
    // No server: start one here on the embedded database, with a token valid while it runs.
    token ??= `adm_demo_${randomBytes(18).toString("base64url")}`;
    const config = parseConfig({ ...process.env, PORT: String(port), ADMIN_TOKEN: token, LOG_LEVEL: "warn" });
    const running = await startServer(config, (line) => out(line));
    url = running.url;
    keepServing = running.stop;
    out(`Started a server at ${url}; sign in to the UI with the admin token ${token}`);
  }
} else if (!(await healthy(url))) {
  process.stderr.write(`No server answers at ${url}/healthz\n`);
  process.exit(1);
}
if (!token) {
  process.stderr.write(
    "An admin token is needed: pass --token adm_... or set ADMIN_TOKEN (the one the server printed on its first start).\n",
  );
  process.exit(2);
}

let lastLine = 0;
function onProgress(p: DemoProgress): void {
  const share = p.users / p.totalUsers;
  const rate = p.sent / Math.max(p.elapsedMs / 1000, 0.001);
  const eta = share > 0 ? ((1 - share) * p.elapsedMs) / share / 1000 : 0;
  const text = `${p.users.toLocaleString()} / ${p.totalUsers.toLocaleString()} users · ${p.sent.toLocaleString()} events sent · ${Math.round(rate).toLocaleString()} events/s · ETA ${Math.ceil(eta)} s`;
  if (tty) {
    const width = 24;
    const filled = Math.round(share * width);
    process.stdout.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.floor(share * 100)}% ${text}   `,
    );
    if (p.users === p.totalUsers) process.stdout.write("\n");
  } else if (p.users === p.totalUsers || performance.now() - lastLine > 5000) {
    lastLine = performance.now();
    out(text);
  }
}

const percent = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`);

function describe(r: DemoReportSummary): string[] {
  const lines = [`${r.name} (${r.key})`, `  planted:  ${r.expected}`];
  const verdict = r.recommendedVariant ? `${r.recommendation} ${r.recommendedVariant}` : r.recommendation;
  lines.push(`  verdict:  ${verdict}${r.reasons[0] ? ` (${r.reasons[0]})` : ""}`);
  for (const c of r.primary?.comparisons ?? []) {
    const ci = c.ci ? ` [${percent(c.ci[0])}, ${percent(c.ci[1])}]` : "";
    const p = c.pValue === null ? "" : `, p = ${c.pValue < 0.001 ? "<0.001" : c.pValue.toFixed(3)}`;
    lines.push(
      `  ${r.primary!.metric}: ${c.variant} ${percent(c.relative)}${ci}${p}, ${c.significant ? "significant" : "not significant"} (${c.direction})`,
    );
  }
  const srm = r.srm.pValue === null ? "n/a" : r.srm.pValue < 0.001 ? "<0.001" : r.srm.pValue.toFixed(3);
  lines.push(
    `  split:    ${r.srm.observed.map((n) => n.toLocaleString()).join(" / ")} units, SRM p = ${srm}${r.srm.mismatch ? "  << SAMPLE RATIO MISMATCH" : ""}; ${r.multipleExposures} units in two variants excluded`,
  );
  lines.push(`  results:  ${r.resultsUrl}`);
  return lines;
}

try {
  const result = await runDemo({ url, token, seed, units, days, reset: values.reset, onProgress, say: out });
  out(
    `\nSimulated ${result.stats.users.toLocaleString()} users, ${(result.stats.exposures + result.stats.events).toLocaleString()} events in ${(result.simulateMs / 1000).toFixed(1)} s; reports complete ${(result.waitedMs / 1000).toFixed(1)} s later.\n`,
  );
  for (const r of result.reports) out(`${describe(r).join("\n")}\n`);
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await keepServing?.();
  process.exit(1);
}
if (keepServing) {
  out(`The server keeps running at ${url} (admin token above); Ctrl-C to stop.`);
  const stop = keepServing;
  process.on("SIGINT", () => void stop().then(() => process.exit(0)));
  process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
} else {
  process.exit(0);
}
