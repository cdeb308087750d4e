/**
 * A count per integer value, kept in a sparse map so memory depends on the number of distinct
 * values, never on the number of samples. Values are clamped to [0, max], so the map holds at most
 * max + 1 keys whatever the input (10,241 for memory in MB, 900,001 for durations in ms, the most a
 * Lambda invocation can run; real logs use a few thousand).
 */
export class IntHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private maxSeen = -Infinity;

  constructor(private readonly max: number) {}

  /** Adds one sample, rounded UP to the next integer (so percentiles never understate). */
  add(value: number): void {
    const v = Math.min(this.max, Math.max(0, Math.ceil(value)));
    this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
    this.total++;
    if (v > this.maxSeen) this.maxSeen = v;
  }

  get count(): number {
    return this.total;
  }

  get maxValue(): number | undefined {
    return this.total ? this.maxSeen : undefined;
  }

  /**
   * Nearest-rank percentile: the smallest value v such that at least ceil(p/100 x n) samples are
   * <= v. Exact for integer samples; for fractional ones (durations) it is at most 1 unit high.
   */
  percentile(p: number): number | undefined {
    if (!this.total) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const v of this.sortedValues()) {
      seen += this.counts.get(v)!;
      if (seen >= rank) return v;
    }
    return this.maxSeen;
  }

  /** [value, count] pairs in ascending value order (for charts). */
  entries(): Array<[number, number]> {
    return this.sortedValues().map((v) => [v, this.counts.get(v)!]);
  }

  private sortedValues(): number[] {
    return [...this.counts.keys()].sort((a, b) => a - b);
  }
}
