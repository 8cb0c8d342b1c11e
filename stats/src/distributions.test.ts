import { describe, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import {
  chiSquareSf,
  noncentralTCdf,
  normalCdf,
  normalQuantile,
  studentTQuantile,
  studentTSf,
} from "./distributions.js";

// Expected values: R 4.2 pnorm/qnorm/pt/qt/pchisq, calls recorded per case (make-vectors.R).
describe("distribution functions agree with R to 1e-9 relative, including far tails", () => {
  it.each(cases("distributions", "pnorm"))("$r", (c) => expectClose(normalCdf(c.x), c.p, 1e-9, 0));
  it.each(cases("distributions", "qnorm"))("$r", (c) => expectClose(normalQuantile(c.p), c.x, 1e-9, 0));
  it.each(cases("distributions", "ptUpper"))("$r", (c) => expectClose(studentTSf(c.t, c.df), c.p, 1e-8, 0));
  it.each(cases("distributions", "qt"))("$r", (c) => expectClose(studentTQuantile(c.p, c.df), c.x, 1e-9, 0));
  it.each(cases("distributions", "pchisqUpper"))("$r", (c) =>
    expectClose(chiSquareSf(c.x, c.df), c.p, 1e-9, 0),
  );
  it.each(cases("distributions", "ptNoncentralUpper"))("$r", (c) =>
    expectClose(1 - noncentralTCdf(c.t, c.df, c.ncp), c.p, 1e-9, 0),
  );
});
