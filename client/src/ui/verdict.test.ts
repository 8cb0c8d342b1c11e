import { describe, expect, it } from "vitest";
import { verdictKindOf, verdictOf } from "./verdict.js";

describe("verdictOf: colour follows the metric's good direction, arrow the sign", () => {
  it("a significant rise of an increase-metric is Better, blue, up", () => {
    const v = verdictOf({ estimate: 0.02, significant: true, goodDirection: "increase" });
    expect(v).toMatchObject({ kind: "better", word: "Better", arrow: "↑", colorVar: "var(--better)" });
  });

  it("a significant drop of a decrease-metric (e.g. load time) is Better with a down arrow", () => {
    const v = verdictOf({ estimate: -0.3, significant: true, goodDirection: "decrease" });
    expect(v).toMatchObject({ kind: "better", word: "Better", arrow: "↓", colorVar: "var(--better)" });
    expect(v.sentence).toContain("lower is better");
  });

  it("a significant rise of a decrease-metric is Worse, vermillion", () => {
    const v = verdictOf({ estimate: 0.3, significant: true, goodDirection: "decrease" });
    expect(v).toMatchObject({ kind: "worse", word: "Worse", arrow: "↑", colorVar: "var(--worse)" });
  });

  it("not significant is Inconclusive whatever the sign; the arrow still shows the sign", () => {
    const v = verdictOf({ estimate: 0.05, significant: false, goodDirection: "increase" });
    expect(v).toMatchObject({ kind: "inconclusive", word: "Inconclusive", arrow: "↑" });
    expect(verdictOf({ estimate: null, significant: false, goodDirection: "increase" }).arrow).toBe("→");
  });

  it("maps the server's direction", () => {
    expect(verdictKindOf("flat")).toBe("inconclusive");
    expect(verdictKindOf("better")).toBe("better");
    expect(verdictKindOf("worse")).toBe("worse");
  });
});
