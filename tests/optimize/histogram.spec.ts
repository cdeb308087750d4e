import { expect } from "chai";
import fc from "fast-check";
import { IntHistogram } from "../../src/optimize/histogram";

/** Nearest-rank percentile on a sorted copy: the textbook definition the histogram must match. */
function nearestRank(values: number[], p: number): number {
  const sorted = values.map((v) => Math.ceil(v)).sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe("optimize: IntHistogram", () => {
  it("matches the nearest-rank percentile of the raw samples", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(50, 95, 99, 100),
        (values, p) => {
          const h = new IntHistogram(900_000);
          values.forEach((v) => h.add(v));
          expect(h.percentile(p)).to.equal(nearestRank(values, p));
          expect(h.maxValue).to.equal(Math.max(...values.map((v) => Math.ceil(v))));
          expect(h.count).to.equal(values.length);
        },
      ),
    );
  });

  it("keeps one entry per distinct value, however many samples, and clamps to its range", () => {
    const h = new IntHistogram(10_240);
    for (let i = 0; i < 100_000; i++) h.add(100 + (i % 7));
    h.add(99_999);
    expect(h.entries()).to.have.length(8);
    expect(h.maxValue).to.equal(10_240);
    expect(h.percentile(50)).to.equal(103);
  });

  it("is empty-safe", () => {
    const h = new IntHistogram(10);
    expect(h.percentile(95)).to.equal(undefined);
    expect(h.maxValue).to.equal(undefined);
  });
});

describe("optimize: IntHistogram across its dense and sparse ranges", () => {
  it("matches the nearest-rank percentile when values straddle the dense limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const h = new IntHistogram(900_000, 1_000);
          values.forEach((v) => h.add(v));
          expect(h.percentile(p)).to.equal(nearestRank(values, p));
          expect(h.entries().reduce((n, [, c]) => n + c, 0)).to.equal(values.length);
        },
      ),
    );
  });
});
