/** Argument checks shared by the stats functions. Each throws a RangeError naming the argument. */
import type { Alternative, MeanSummary, ProportionSummary } from "./types.js";

export function assertFinite(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

/** A probability strictly inside (0, 1), e.g. alpha or power. */
export function assertOpenUnit(name: string, value: number): void {
  if (typeof value !== "number" || !(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be in (0, 1), got ${String(value)}`);
  }
}

export function assertPositive(name: string, value: number): void {
  assertFinite(name, value);
  if (!(value > 0)) throw new RangeError(`${name} must be > 0, got ${value}`);
}

export function assertCount(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

export function assertAlternative(name: string, value: string): asserts value is Alternative {
  if (value !== "two-sided" && value !== "greater" && value !== "less") {
    throw new RangeError(`${name} must be "two-sided", "greater" or "less", got ${String(value)}`);
  }
}

export function assertProportionSummary(name: string, s: ProportionSummary): void {
  assertCount(`${name}.users`, s.users);
  assertCount(`${name}.conversions`, s.conversions);
  if (s.conversions > s.users) {
    throw new RangeError(`${name}.conversions (${s.conversions}) must not exceed ${name}.users (${s.users})`);
  }
}

export function assertMeanSummary(name: string, s: MeanSummary): void {
  assertCount(`${name}.n`, s.n);
  assertFinite(`${name}.mean`, s.mean);
  assertFinite(`${name}.variance`, s.variance);
  if (s.variance < 0) throw new RangeError(`${name}.variance must be >= 0, got ${s.variance}`);
}
