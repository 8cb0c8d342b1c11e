/**
 * What the demo plants: metrics, experiments and the true behaviour of simulated users in
 * each variant. The simulator (simulate.ts) turns a scenario into SDK calls; tests and
 * benchmarks pass their own scenario (other rates, other effects) through the same code.
 */

/** A metric as created through `POST /api/v1/metrics`. */
export interface DemoMetric {
  key: string;
  name: string;
  eventName: string;
  type: "binomial" | "count" | "sum" | "mean";
  windowHours: number;
  direction: "increase" | "decrease";
  cap?: number;
  description: string;
}

/** One variant's truth: the probabilities that drive behaviour for users in it. */
export interface VariantTruth {
  key: string;
  name: string;
  weight: number;
  /** checkout: purchase probability of a user who reaches checkout. */
  purchaseRate?: number;
  /** checkout: refund probability of a purchaser. */
  refundRate?: number;
  /** onboarding: probability that a new user completes sign-up. */
  signupRate?: number;
}

export interface DemoExperiment {
  /** Key without the batch suffix. */
  key: string;
  name: string;
  hypothesis: string;
  /** Where users meet it: checkout page, onboarding (new users only), pricing page, search. */
  surface: "checkout" | "onboarding" | "pricing" | "search";
  variants: VariantTruth[];
  primaryMetrics: string[];
  guardrailMetrics: string[];
  sequential: boolean;
  /**
   * A bug that loses this share of one variant's exposures (a redirect that leaves the page
   * before the SDK call), producing a sample ratio mismatch.
   */
  lostExposures?: { variant: string; share: number };
  /** What the demo expects the report to say, printed beside the verdict. */
  expected: string;
}

/** Behaviour shared by every variant (what no experiment changes). */
export interface Baseline {
  /** Share of users who come back on later days (one or two more visits). */
  returningShare: number;
  /** Share of visits that reach the checkout page (first visit; later visits half of it). */
  checkoutReach: number;
  /** Probability of an add-to-cart on a visit. */
  addToCartRate: number;
  /** Purchase value: log-normal with this mu and sigma (mean = exp(mu + sigma^2 / 2)). */
  revenue: { mu: number; sigma: number };
  /** Time on page (seconds): log-normal. */
  timeOnPage: { mu: number; sigma: number };
  /**
   * Share of users whose unit id also reaches the checkout experiment through a legacy client
   * that hashes with an old seed, so the unit can land in two variants (excluded by the report).
   */
  legacyClientShare: number;
  /** Weekday (Mon..Sun) traffic weights. */
  weekdayWeights: readonly number[];
}

export interface Scenario {
  metrics: DemoMetric[];
  experiments: DemoExperiment[];
  baseline: Baseline;
}

export const DEMO_METRICS: DemoMetric[] = [
  {
    key: "purchase",
    name: "Purchase",
    eventName: "purchase",
    type: "binomial",
    windowHours: 168,
    direction: "increase",
    description: "Bought at least once within 7 days of the first exposure",
  },
  {
    key: "revenue",
    name: "Revenue per user",
    eventName: "purchase",
    type: "sum",
    windowHours: 168,
    direction: "increase",
    cap: 1000,
    description: "Sum of purchase values within 7 days, capped at 1,000 per user",
  },
  {
    key: "refund",
    name: "Refund",
    eventName: "refund",
    type: "binomial",
    windowHours: 336,
    direction: "decrease",
    description: "Asked for a refund within 14 days",
  },
  {
    key: "signup",
    name: "Sign-up completed",
    eventName: "signup_completed",
    type: "binomial",
    windowHours: 72,
    direction: "increase",
    description: "Finished sign-up within 3 days",
  },
  {
    key: "add-to-cart",
    name: "Add to cart",
    eventName: "add_to_cart",
    type: "binomial",
    windowHours: 168,
    direction: "increase",
    description: "Added something to the cart within 7 days",
  },
  {
    key: "time-on-page",
    name: "Time on page (s)",
    // The page view carries the seconds spent on the page as its value (one event per view,
    // as analytics tools send it), so this metric is the mean value of page views.
    eventName: "page_view",
    type: "mean",
    windowHours: 168,
    direction: "increase",
    description: "Mean seconds per page view",
  },
];

/** The four experiments of `npm run demo` (issue 8): truths as planted. */
export const DEMO_EXPERIMENTS: DemoExperiment[] = [
  {
    key: "checkout-redesign",
    name: "Checkout redesign",
    hypothesis: "A one-page checkout lifts purchases without more refunds",
    surface: "checkout",
    variants: [
      { key: "control", name: "Current checkout", weight: 0.5, purchaseRate: 0.1, refundRate: 0.05 },
      // +8 % relative purchase rate; refunds per exposed user unchanged (refund rate per
      // purchaser scaled down by the same factor).
      {
        key: "one-page",
        name: "One-page checkout",
        weight: 0.5,
        purchaseRate: 0.108,
        refundRate: 0.05 / 1.08,
      },
    ],
    primaryMetrics: ["purchase", "revenue"],
    guardrailMetrics: ["refund"],
    sequential: true,
    expected: "one-page is truly +8 % on purchases and revenue; refunds do not move",
  },
  {
    key: "onboarding-flow",
    name: "Onboarding flow",
    hypothesis: "A guided onboarding gets more new users through sign-up",
    surface: "onboarding",
    variants: [
      { key: "control", name: "Current form", weight: 1 / 3, signupRate: 0.3 },
      { key: "guided", name: "Guided steps", weight: 1 / 3, signupRate: 0.3 },
      { key: "video", name: "Intro video", weight: 1 / 3, signupRate: 0.27 },
    ],
    primaryMetrics: ["signup"],
    guardrailMetrics: [],
    sequential: false,
    expected: "video is truly 10 % worse on sign-ups; guided changes nothing",
  },
  {
    key: "pricing-aa",
    name: "Pricing page A/A",
    hypothesis: "Two identical pricing pages: a check that the pipeline finds nothing",
    surface: "pricing",
    variants: [
      { key: "a", name: "Pricing page", weight: 0.5 },
      { key: "b", name: "Same pricing page", weight: 0.5 },
    ],
    primaryMetrics: ["add-to-cart"],
    guardrailMetrics: ["time-on-page"],
    sequential: false,
    expected: "nothing is planted: no significant difference",
  },
  {
    key: "search-ranking",
    name: "Search ranking (broken split)",
    hypothesis: "A new ranking model; a redirect bug loses some treatment exposures",
    surface: "search",
    variants: [
      { key: "control", name: "Current ranking", weight: 0.5 },
      { key: "new-model", name: "New model", weight: 0.5 },
    ],
    primaryMetrics: ["purchase"],
    guardrailMetrics: [],
    sequential: false,
    // 50/50 assigned, 52/48 logged: 1 - 48/52 of the treatment's exposures are lost.
    lostExposures: { variant: "new-model", share: 1 - 48 / 52 },
    expected: "the split is 50/50 but logs 52/48: sample ratio mismatch",
  },
];

export const DEMO_BASELINE: Baseline = {
  returningShare: 0.3,
  checkoutReach: 0.6,
  addToCartRate: 0.25,
  revenue: { mu: Math.log(40), sigma: 0.8 },
  timeOnPage: { mu: Math.log(40), sigma: 0.6 },
  legacyClientShare: 0.003,
  // Monday..Sunday: weekends a little quieter.
  weekdayWeights: [1, 1.02, 1.03, 1.01, 0.95, 0.75, 0.7],
};

export const DEMO_SCENARIO: Scenario = {
  metrics: DEMO_METRICS,
  experiments: DEMO_EXPERIMENTS,
  baseline: DEMO_BASELINE,
};
