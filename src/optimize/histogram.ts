/**
 * A count per integer value. Values up to `denseUpTo` are counted in a typed array (no hashing in
 * the per-line hot path); larger ones in a sparse map. Values are clamped to [0, max], so memory is
 * bounded whatever the input: at most 64 KB dense plus max - 16,384 map keys (for durations up to
 * Lambda's 900,000 ms; real logs hold a few thousand distinct values).
 */
export class IntHistogram {
  private readonly dense: Uint32Array;
  private readonly sparse = new Map<number, number>();
  private total = 0;
  private maxSeen = -1;

  constructor(
    private readonly max: number,
    denseUpTo = 16_384,
  ) {
    this.dense = new Uint32Array(Math.min(max, denseUpTo) + 1);
  }

  /** Adds one sample, rounded UP to the next integer (so percentiles never understate). */
  add(value: number): void {
    const v = value <= 0 ? 0 : value >= this.max ? this.max : Math.ceil(value);
    if (v < this.dense.length) this.dense[v]++;
    else this.sparse.set(v, (this.sparse.get(v) ?? 0) + 1);
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
    for (const [v, n] of this.entries()) {
      seen += n;
      if (seen >= rank) return v;
    }
    return this.maxSeen;
  }

  /** [value, count] pairs in ascending value order. */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const denseEnd = Math.min(this.dense.length - 1, this.maxSeen);
    for (let v = 0; v <= denseEnd; v++) if (this.dense[v]) out.push([v, this.dense[v]]);
    const rest = [...this.sparse.keys()].sort((a, b) => a - b);
    for (const v of rest) out.push([v, this.sparse.get(v)!]);
    return out;
  }
}
