/**
 * The traffic simulator: a scenario (experiments with planted effects) in, SDK calls out.
 * Users are simulated one after the other, each with all of their visits over the simulated
 * days, so memory stays flat however many units are simulated (nothing is kept per unit
 * unless a {@link SimulationLog} is passed, which tests do to recompute the report).
 */
import { createRandom, type Random } from "./random.js";
import type { DemoExperiment, Scenario } from "./scenario.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A simulated user: the unit id plus the attributes copied onto exposures. */
export type DemoUser = {
  id: string;
  device: string;
  country: string;
  source: string;
};

/** What the simulator calls; `run.ts` implements it with the real SDK. */
export interface SdkCalls {
  /** Called before each user's calls (e.g. to pick the SDK instance that serves this user). */
  onUser?(index: number): void;
  /** Sets the clock that stamps the next calls (simulated epoch ms). */
  setTime(ms: number): void;
  /** `client.getVariant`: the variant, logging the exposure like an app would. */
  getVariant(experiment: string, user: DemoUser): string | null;
  /** The assignment without logging anything (the simulator decides a lost exposure with it). */
  peekVariant(experiment: string, user: DemoUser): string | null;
  /** The same call from a legacy client that hashes with an old seed (may be another variant). */
  legacyVariant(experiment: string, user: DemoUser): string | null;
  /** `client.track`. */
  track(name: string, value: number | undefined, user: DemoUser): void;
}

/** Everything the simulator sent, kept per unit (tests only: it grows with the units). */
export class SimulationLog {
  /** experiment key -> unit id -> first exposure time and the variants it was exposed to. */
  readonly exposures = new Map<string, Map<string, { first: number; variants: Set<string> }>>();
  /** event name -> unit id -> [time, value][] */
  readonly events = new Map<string, Map<string, [number, number | undefined][]>>();

  exposure(experiment: string, unit: string, variant: string, at: number): void {
    let units = this.exposures.get(experiment);
    if (!units) {
      units = new Map();
      this.exposures.set(experiment, units);
    }
    const seen = units.get(unit);
    if (!seen) units.set(unit, { first: at, variants: new Set([variant]) });
    else {
      seen.first = Math.min(seen.first, at);
      seen.variants.add(variant);
    }
  }

  event(name: string, unit: string, at: number, value: number | undefined): void {
    let units = this.events.get(name);
    if (!units) {
      units = new Map();
      this.events.set(name, units);
    }
    const list = units.get(unit);
    if (list) list.push([at, value]);
    else units.set(unit, [[at, value]]);
  }
}

export interface SimulateOptions {
  /** Number of simulated users. */
  units: number;
  /** Simulated days, ending at `end`. */
  days: number;
  seed: number;
  /** End of the simulated span (epoch ms), normally now. */
  end: number;
  /** Experiment key as created on the server, by scenario key (the batch suffix). */
  keys: Record<string, string>;
  log?: SimulationLog;
  /** Awaited every `paceEvery` users so the SDK can send (and apply back-pressure). */
  pace?: () => Promise<void>;
  paceEvery?: number;
  onProgress?: (usersDone: number) => void;
}

/** Counts of what was sent (kept for any size). */
export interface SimulationStats {
  users: number;
  exposures: number;
  events: number;
  /** Per server experiment key: units that got at least one exposure logged. */
  exposedUnits: Record<string, number>;
  /** Per server experiment key: units exposed to more than one variant. */
  multiVariantUnits: Record<string, number>;
}

const DEVICES = ["desktop", "mobile", "tablet"] as const;
const DEVICE_WEIGHTS = [0.55, 0.38, 0.07];
const COUNTRIES = ["US", "DE", "GB", "FR", "IN", "BR"] as const;
const COUNTRY_WEIGHTS = [0.4, 0.15, 0.12, 0.1, 0.13, 0.1];
const SOURCES = ["organic", "ads", "email", "social"] as const;
const SOURCE_WEIGHTS = [0.45, 0.3, 0.15, 0.1];
/** Traffic by hour of day (UTC), quiet at night, peaks at noon and in the evening. */
const HOUR_WEIGHTS = [
  0.3, 0.2, 0.15, 0.12, 0.12, 0.2, 0.4, 0.7, 0.9, 1, 1, 1.1, 1.2, 1.1, 1, 1, 1, 1.1, 1.3, 1.4, 1.4, 1.2, 0.8,
  0.5,
];
const HOURS = HOUR_WEIGHTS.map((_, h) => h);

/** Simulates `options.units` users through `sdk`; returns what was sent. */
export async function simulate(
  scenario: Scenario,
  sdk: SdkCalls,
  options: SimulateOptions,
): Promise<SimulationStats> {
  const random = createRandom(options.seed);
  const start = options.end - options.days * DAY;
  // The last 10 minutes stay empty so nothing is stamped after "now" by the in-visit offsets.
  const latest = options.end - 10 * MINUTE;
  const dayWeights = Array.from({ length: options.days }, (_, d) => {
    const weekday = (new Date(start + d * DAY).getUTCDay() + 6) % 7; // Monday = 0
    return scenario.baseline.weekdayWeights[weekday] ?? 1;
  });
  const dayIndexes = dayWeights.map((_, d) => d);
  const byKey = new Map(scenario.experiments.map((e) => [e.surface, e] as const));
  const stats: SimulationStats = {
    users: 0,
    exposures: 0,
    events: 0,
    exposedUnits: {},
    multiVariantUnits: {},
  };
  for (const e of scenario.experiments) {
    const key = options.keys[e.key] ?? e.key;
    stats.exposedUnits[key] = 0;
    stats.multiVariantUnits[key] = 0;
  }
  const paceEvery = options.paceEvery ?? 100;

  for (let i = 0; i < options.units; i++) {
    const user: DemoUser = {
      id: `demo-${options.seed}-${i}`,
      device: random.pick(DEVICES, DEVICE_WEIGHTS),
      country: random.pick(COUNTRIES, COUNTRY_WEIGHTS),
      source: random.pick(SOURCES, SOURCE_WEIGHTS),
    };
    const firstDay = random.pick(dayIndexes, dayWeights);
    const visits = [firstDay];
    if (random.chance(scenario.baseline.returningShare)) {
      const more = random.int(1, 2);
      for (let k = 0; k < more; k++) {
        const day = visits[visits.length - 1]! + random.int(1, 3);
        if (day < options.days) visits.push(day);
      }
    }
    const legacy = random.chance(scenario.baseline.legacyClientShare);
    sdk.onUser?.(i);
    const state = new UserState();
    for (let v = 0; v < visits.length; v++) {
      const hour = random.pick(HOURS, HOUR_WEIGHTS);
      const at = Math.min(start + visits[v]! * DAY + hour * HOUR + random.next() * HOUR, latest - HOUR);
      visit({
        random,
        sdk,
        user,
        at,
        first: v === 0,
        legacy,
        byKey,
        scenario,
        options,
        stats,
        state,
        latest,
      });
    }
    for (const [key, variants] of state.exposed) {
      stats.exposedUnits[key]!++;
      if (variants.size > 1) stats.multiVariantUnits[key]!++;
    }
    stats.users++;
    if ((i + 1) % paceEvery === 0) {
      options.onProgress?.(i + 1);
      await options.pace?.();
    }
  }
  options.onProgress?.(options.units);
  return stats;
}

/** Per user, while it is simulated: the experiments it was exposed to, and what it did once. */
class UserState {
  readonly exposed = new Map<string, Set<string>>();
  checkoutDone = false;
}

interface VisitContext {
  random: Random;
  sdk: SdkCalls;
  user: DemoUser;
  at: number;
  first: boolean;
  legacy: boolean;
  byKey: Map<DemoExperiment["surface"], DemoExperiment>;
  scenario: Scenario;
  options: SimulateOptions;
  stats: SimulationStats;
  state: UserState;
  latest: number;
}

function visit(c: VisitContext): void {
  const { random, sdk, user, at, scenario, options } = c;
  const keyOf = (e: DemoExperiment) => options.keys[e.key] ?? e.key;
  const track = (name: string, when: number, value?: number) => {
    if (when > c.latest) return; // would be in the future
    sdk.setTime(when);
    sdk.track(name, value, user);
    options.log?.event(name, user.id, when, value);
    c.stats.events++;
  };
  const expose = (e: DemoExperiment, when: number, legacyClient = false): string | null => {
    sdk.setTime(when);
    const key = keyOf(e);
    const variant = legacyClient ? sdk.legacyVariant(key, user) : sdk.getVariant(key, user);
    if (variant === null) return null;
    let seen = c.state.exposed.get(key);
    if (!seen) {
      seen = new Set();
      c.state.exposed.set(key, seen);
    }
    // The SDK logs the first exposure per (experiment, unit, variant); count what it sends.
    // (The legacy client is another SDK instance with its own memory: it always sends.)
    if (legacyClient || !seen.has(variant)) c.stats.exposures++;
    seen.add(variant);
    options.log?.exposure(key, user.id, variant, when);
    return variant;
  };
  const truth = (e: DemoExperiment, variant: string | null) => e.variants.find((v) => v.key === variant);

  // One page view per visit, valued with the seconds spent on the page.
  track(
    "page_view",
    at,
    Math.round(random.logNormal(scenario.baseline.timeOnPage.mu, scenario.baseline.timeOnPage.sigma)),
  );

  const pricing = c.byKey.get("pricing");
  if (pricing) expose(pricing, at + 2000);
  if (random.chance(scenario.baseline.addToCartRate)) track("add_to_cart", at + 30_000);

  const search = c.byKey.get("search");
  if (search && c.first) {
    const lost = search.lostExposures;
    const assigned = sdk.peekVariant(keyOf(search), user);
    // The redirect bug: the page is gone before the SDK call, no exposure is logged.
    if (!(lost && assigned === lost.variant && random.chance(lost.share))) expose(search, at + 5000);
  }

  const onboarding = c.byKey.get("onboarding");
  if (onboarding && c.first) {
    const variant = expose(onboarding, at + 10_000);
    const rate = truth(onboarding, variant)?.signupRate ?? 0;
    if (random.chance(rate)) track("signup_completed", at + 2 * MINUTE + random.next() * 20 * MINUTE);
  }

  const checkout = c.byKey.get("checkout");
  const reach = scenario.baseline.checkoutReach * (c.first ? 1 : 0.5);
  if (checkout && !c.state.checkoutDone && random.chance(reach)) {
    c.state.checkoutDone = true;
    const variant = expose(checkout, at + 3 * MINUTE);
    if (c.legacy) expose(checkout, at + 4 * MINUTE, true);
    const t = truth(checkout, variant);
    if (t && random.chance(t.purchaseRate ?? 0)) {
      const value =
        Math.round(random.logNormal(scenario.baseline.revenue.mu, scenario.baseline.revenue.sigma) * 100) /
        100;
      track("purchase", at + 5 * MINUTE, value);
      if (random.chance(t.refundRate ?? 0)) track("refund", at + 2 * DAY);
    }
  }
}
