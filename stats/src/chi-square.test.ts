import { describe, expect, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import { chiSquareTest, sampleRatioMismatch } from "./chi-square.js";

describe("chiSquareTest matches R chisq.test(correct = FALSE)", () => {
  it.each(cases("chiSquare"))("$name: $r", (c) => {
    const r = chiSquareTest(c.table);
    expect(r.status).toBe("ok");
    expectClose(r.statistic, c.statistic);
    expect(r.df).toBe(c.df);
    expectClose(r.pValue, c.pValue);
  });
  it("an empty row is insufficient-data", () => {
    expect(
      chiSquareTest([
        [0, 0],
        [5, 10],
      ]),
    ).toMatchObject({ status: "insufficient-data", pValue: null });
  });
  it("throws RangeError on bad tables", () => {
    expect(() => chiSquareTest([[1, 2]])).toThrow(/table/);
    expect(() => chiSquareTest([[1, 2], [3]])).toThrow(/table row 1/);
    expect(() =>
      chiSquareTest([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(/table\[0\]\[1\]/);
  });
});

describe("sampleRatioMismatch matches R chisq.test(observed, p = weights)", () => {
  it.each(cases("srm"))("$name: $r", (c) => {
    const r = sampleRatioMismatch(c.observed, c.weights);
    expect(r.status).toBe("ok");
    expectClose(r.statistic, c.statistic);
    expect(r.df).toBe(c.df);
    expectClose(r.pValue, c.pValue);
    expect(r.mismatch).toBe(c.pValue < 0.001);
  });
  it("tests against the planned weights, so an unequal planned split is not a false alarm", () => {
    expect(sampleRatioMismatch([2010, 7990], [0.2, 0.8]).mismatch).toBe(false);
    expect(sampleRatioMismatch([2010, 7990], [0.5, 0.5]).mismatch).toBe(true);
  });
  it("no units is insufficient-data", () => {
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toMatchObject({
      status: "insufficient-data",
      mismatch: null,
    });
  });
  it("throws RangeError naming the argument", () => {
    expect(() => sampleRatioMismatch([10, 10], [0.5, 0.6])).toThrow(/weights must sum to 1/);
    expect(() => sampleRatioMismatch([10, 10], [1, 0])).toThrow(/weights\[1\]/);
    expect(() => sampleRatioMismatch([10, -1], [0.5, 0.5])).toThrow(/observed\[1\]/);
    expect(() => sampleRatioMismatch([10, 10], [0.5, 0.5, 0])).toThrow(/weights/);
  });
});
