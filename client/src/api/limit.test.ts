import { describe, expect, it } from "vitest";
import { createLimiter } from "./limit.js";

describe("createLimiter", () => {
  it("never runs more than `concurrency` tasks at once, and runs them all in order", async () => {
    const limit = createLimiter(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return i;
      }),
    );
    // Release tasks one by one while new callers keep arriving.
    const late = limit(async () => "late");
    for (let round = 0; round < 20 && releases.length > 0; round++) {
      await new Promise((r) => setTimeout(r, 0));
      releases.shift()?.();
    }
    while (releases.length > 0) {
      await new Promise((r) => setTimeout(r, 0));
      releases.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await late).toBe("late");
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("frees the slot when a task fails", async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limit(async () => 42)).toBe(42);
  });

  it("rejects a bad concurrency by name", () => {
    expect(() => createLimiter(0)).toThrow(/concurrency/);
  });
});
