import { LAMBDA_MAX_MEMORY_MB, LAMBDA_MIN_MEMORY_MB } from "../../policy-pack/common/lambda-limits";
import { UsageError } from "../errors";
import { Architecture, monthlyCostUsd, SECONDS_PER_MONTH } from "./pricing";
import { FunctionStats } from "./stats";

/** Below this size Lambda gives a function less than one full vCPU, in proportion to its memory. */
export const ONE_VCPU_MEMORY_MB = 1769;
export const MEMORY_STEP_MB = 64;
/** The shortest stretch of timestamped records a monthly volume is extrapolated from. */
export const MIN_VOLUME_SPAN_MS = 10 * 60_000;
/** A monthly cost above this is not a Lambda bill but bad input (the largest real bills are far below). */
export const MAX_MONTHLY_COST_USD = 1e15;

export type Status = "overprovisioned" | "underprovisioned" | "optimized" | "insufficient-data";

export interface AnalysisSettings {
  /** Fraction above the observed peak to keep free, e.g. 0.2 for 20%. */
  headroom: number;
  packMaxMemoryMb: number;
  minInvocations: number;
  /** Share of the measured duration assumed to be CPU work that slows when the CPU share drops. */
  cpuBoundShare: number;
  currentArch: Architecture;
  recommendedArch: Architecture;
  /** A fixed monthly volume per function name, or for all (`*`). */
  invocationsPerMonth: Map<string, number>;
  provisionedConcurrency: Map<string, number>;
}

export interface FunctionReport {
  name: string;
  invocations: number;
  skippedLines: number;
  currentMemoryMb: number;
  recommendedMemoryMb: number;
  maxMemoryUsedMb: number;
  p50MemoryUsedMb: number;
  p95MemoryUsedMb: number;
  p99MemoryUsedMb: number;
  p50DurationMs: number;
  p95DurationMs: number;
  p50BilledDurationMs: number;
  p95BilledDurationMs: number;
  meanBilledDurationMs: number;
  estimatedMeanBilledDurationMs: number;
  coldStarts: number;
  p95InitDurationMs: number | null;
  invocationsPerMonth: number;
  invocationsPerMonthSource: "observed" | "option";
  monthlyCostCurrentUsd: number;
  monthlyCostRecommendedUsd: number;
  status: Status;
  /** Why the status is insufficient-data (not in the JSON report, whose warnings say it). */
  insufficientData?: "invocations" | "time-span";
  /** The pack's ceiling was exceeded because the function's own peak needs more. */
  exceedsPackLimit: boolean;
  warnings: string[];
  /** REPORT records skipped because their values cannot occur in Lambda; absent when none. */
  implausibleRecords?: number;
  /** Lines skipped for being longer than any log line (also in skippedLines); absent when none. */
  overlongLines?: number;
  /** [MB, count] of Max Memory Used, for the HTML chart. */
  memoryUsedDistribution: Array<[number, number]>;
}

/** Rounds up to the 64 MB step and to at least 128 MB. */
export function roundMemory(mb: number): number {
  return Math.max(LAMBDA_MIN_MEMORY_MB, Math.ceil(mb / MEMORY_STEP_MB) * MEMORY_STEP_MB);
}

/**
 * The recommendation: the smallest 64 MB step that keeps `headroom` above the peak, at least 128 MB,
 * and no more than the current size when that already keeps the headroom (rounding alone is no
 * reason to grow). Capped at the pack's ceiling unless the peak itself reaches the ceiling.
 */
export function recommendMemory(peakMb: number, currentMb: number, headroom: number, packMaxMb: number) {
  const needed = peakMb * (1 + headroom);
  let recommended = roundMemory(needed);
  if (currentMb >= needed && currentMb >= LAMBDA_MIN_MEMORY_MB) recommended = Math.min(recommended, currentMb);
  let exceedsPackLimit = false;
  let cappedByPack = false;
  if (recommended > packMaxMb) {
    if (peakMb >= packMaxMb) exceedsPackLimit = true;
    else {
      recommended = packMaxMb;
      cappedByPack = true;
    }
  }
  recommended = Math.min(recommended, LAMBDA_MAX_MEMORY_MB);
  return { recommended, needed, exceedsPackLimit, cappedByPack };
}

/** Relative CPU a function gets at a memory size (1 = one full vCPU or more). */
function cpuShare(memoryMb: number): number {
  return Math.min(memoryMb, ONE_VCPU_MEMORY_MB) / ONE_VCPU_MEMORY_MB;
}

/**
 * Conservative duration estimate at a new size: the CPU-bound share of the duration stretches by the
 * lost CPU share; the rest (I/O waits) is unchanged. A larger size is assumed to bring no speed-up.
 */
export function estimateDurationFactor(currentMb: number, recommendedMb: number, cpuBoundShare: number): number {
  if (recommendedMb >= currentMb) return 1;
  return 1 - cpuBoundShare + cpuBoundShare * (cpuShare(currentMb) / cpuShare(recommendedMb));
}

type Recommendation = ReturnType<typeof recommendMemory>;

/** The monthly volume to price: given, or extrapolated from the log's time span when it is long enough. */
interface Volume {
  invocationsPerMonth: number;
  source: "observed" | "option";
  /** False when the log's time span is too short to extrapolate from: the observed count is priced instead. */
  extrapolated: boolean;
  warning?: string;
}

export function monthlyVolume(stats: FunctionStats, s: AnalysisSettings): Volume {
  const explicit = s.invocationsPerMonth.get(stats.name) ?? s.invocationsPerMonth.get("*");
  if (explicit !== undefined) return { invocationsPerMonth: explicit, source: "option", extrapolated: true };
  const spanMs = stats.timeSpanMs();
  const priceObserved = `so the monthly cost prices only the ${stats.invocations} observed invocation(s); pass --invocations-per-month`;
  if (spanMs === undefined) {
    // Cannot extrapolate a rate from one instant; price what was observed and say so.
    const warning = `the log carries no time span (needs 2+ timestamped REPORT lines), ${priceObserved}`;
    return { invocationsPerMonth: stats.invocations, source: "observed", extrapolated: false, warning };
  }
  if (spanMs < MIN_VOLUME_SPAN_MS) {
    // Two records 1 ms apart would otherwise make billions of invocations a month.
    const warning = `the log spans only ${spanMs / 1000} s of timestamped REPORT lines (extrapolating a monthly volume needs ${MIN_VOLUME_SPAN_MS / 60_000} minutes), ${priceObserved}`;
    return { invocationsPerMonth: stats.invocations, source: "observed", extrapolated: false, warning };
  }
  // n timed records span n - 1 gaps.
  return {
    invocationsPerMonth: ((stats.timedInvocations - 1) / (spanMs / 1000)) * SECONDS_PER_MONTH,
    source: "observed",
    extrapolated: true,
  };
}

function isUnderprovisioned(peak: number, current: number, s: AnalysisSettings): boolean {
  return peak * (1 + s.headroom) > current;
}

/** The status, and why it is insufficient-data when it is. */
export function classify(
  stats: FunctionStats,
  s: AnalysisSettings,
  rec: Recommendation,
  volume: Volume,
): Pick<FunctionReport, "status" | "insufficientData"> {
  if (stats.invocations < s.minInvocations) return { status: "insufficient-data", insufficientData: "invocations" };
  if (!volume.extrapolated) return { status: "insufficient-data", insufficientData: "time-span" };
  const peak = stats.memoryUsed.maxValue ?? 0;
  if (isUnderprovisioned(peak, stats.currentMemoryMb, s)) return { status: "underprovisioned" };
  return { status: rec.recommended < stats.currentMemoryMb ? "overprovisioned" : "optimized" };
}

/** Everything the reader of the report should know about this function's data, sizing and pricing, in a fixed order. */
export function warningsFor(
  stats: FunctionStats,
  s: AnalysisSettings,
  rec: Recommendation,
  factor: number,
  volume: Volume,
): string[] {
  const warnings: string[] = [];
  const peak = stats.memoryUsed.maxValue ?? 0;
  const current = stats.currentMemoryMb;
  const headroomPct = Math.round(s.headroom * 100);
  if (stats.invocations < s.minInvocations) {
    warnings.push(
      `only ${stats.invocations} invocation(s) observed, fewer than ${s.minInvocations}: too few to trust; collect more logs before resizing`,
    );
  }
  if (isUnderprovisioned(peak, current, s)) {
    warnings.push(
      `needs more memory: peak ${peak} MB is within ${headroomPct}% headroom of the ${current} MB limit (needs ${Math.ceil(rec.needed)} MB)`,
    );
  }
  if (rec.exceedsPackLimit) {
    warnings.push(
      `EXCEEDS POLICY LIMIT: recommending ${rec.recommended} MB, above the pack's maxMemoryMb ${s.packMaxMemoryMb} MB, because the observed peak of ${peak} MB needs it; raise maxMemoryMb for this function or reduce its memory use`,
    );
  }
  if (rec.cappedByPack) {
    const left = Math.floor(((s.packMaxMemoryMb - peak) / peak) * 100);
    warnings.push(
      `capped at the pack's maxMemoryMb ${s.packMaxMemoryMb} MB: only ${left}% headroom above the ${peak} MB peak instead of ${headroomPct}%`,
    );
  }
  if (stats.memorySizesSeen.size > 1) {
    warnings.push(
      `memory size changed during the log (${[...stats.memorySizesSeen].sort((a, b) => a - b).join(", ")} MB); using the latest, ${current} MB`,
    );
  }
  if (rec.recommended < current && rec.recommended < ONE_VCPU_MEMORY_MB) {
    warnings.push(
      `CPU scales with memory below ${ONE_VCPU_MEMORY_MB} MB: at ${rec.recommended} MB duration may grow; estimated x${factor.toFixed(2)} assuming ${Math.round(s.cpuBoundShare * 100)}% of the time is CPU-bound (--cpu-bound-share)`,
    );
  }
  if (volume.warning) warnings.push(volume.warning);
  if (s.recommendedArch !== s.currentArch) {
    warnings.push(`after-cost priced on ${s.recommendedArch}, assuming the same duration there as on ${s.currentArch}`);
  }
  if (stats.implausibleRecords > 0) {
    warnings.push(
      `skipped ${stats.implausibleRecords} REPORT record(s) with values Lambda cannot produce (first: ${stats.firstImplausible})`,
    );
  }
  if (stats.overlongLines > 0) {
    warnings.push(`skipped ${stats.overlongLines} line(s) longer than 1 MB, which cannot be Lambda log lines`);
  }
  return warnings;
}

/** Monthly cost now and after; a cost no Lambda bill can reach means bad input and is an error, never $Infinity. */
export function price(
  stats: FunctionStats,
  s: AnalysisSettings,
  recommendedMb: number,
  factor: number,
  invocationsPerMonth: number,
) {
  const provisionedConcurrency = s.provisionedConcurrency.get(stats.name) ?? 0;
  const meanBilled = stats.meanBilledMs;
  const estimatedMeanBilled = meanBilled * factor;
  const costNow = monthlyCostUsd({
    invocationsPerMonth,
    meanBilledMs: meanBilled,
    memoryMb: stats.currentMemoryMb,
    arch: s.currentArch,
    provisionedConcurrency,
  });
  const costAfter = monthlyCostUsd({
    invocationsPerMonth,
    meanBilledMs: estimatedMeanBilled,
    memoryMb: recommendedMb,
    arch: s.recommendedArch,
    provisionedConcurrency,
  });
  if (!(costNow <= MAX_MONTHLY_COST_USD && costAfter <= MAX_MONTHLY_COST_USD)) {
    throw new UsageError(
      `${stats.name}: monthly cost out of range (above $${MAX_MONTHLY_COST_USD.toExponential()}): mean Billed Duration ${Number(meanBilled.toPrecision(3))} ms, ${Math.round(invocationsPerMonth)} invocation(s) a month; check the log's Billed Duration values`,
    );
  }
  return { meanBilled, estimatedMeanBilled, costNow, costAfter };
}

export function analyze(stats: FunctionStats, s: AnalysisSettings): FunctionReport {
  const peak = stats.memoryUsed.maxValue ?? 0;
  const current = stats.currentMemoryMb;
  const rec = recommendMemory(peak, current, s.headroom, s.packMaxMemoryMb);
  const factor = estimateDurationFactor(current, rec.recommended, s.cpuBoundShare);
  const volume = monthlyVolume(stats, s);
  const cost = price(stats, s, rec.recommended, factor, volume.invocationsPerMonth);
  return {
    name: stats.name,
    invocations: stats.invocations,
    skippedLines: stats.skippedLines,
    currentMemoryMb: current,
    recommendedMemoryMb: rec.recommended,
    maxMemoryUsedMb: peak,
    p50MemoryUsedMb: stats.memoryUsed.percentile(50)!,
    p95MemoryUsedMb: stats.memoryUsed.percentile(95)!,
    p99MemoryUsedMb: stats.memoryUsed.percentile(99)!,
    p50DurationMs: stats.duration.percentile(50)!,
    p95DurationMs: stats.duration.percentile(95)!,
    p50BilledDurationMs: stats.billedDuration.percentile(50)!,
    p95BilledDurationMs: stats.billedDuration.percentile(95)!,
    meanBilledDurationMs: cost.meanBilled,
    estimatedMeanBilledDurationMs: cost.estimatedMeanBilled,
    coldStarts: stats.coldStarts,
    p95InitDurationMs: stats.initDuration.percentile(95) ?? null,
    invocationsPerMonth: volume.invocationsPerMonth,
    invocationsPerMonthSource: volume.source,
    monthlyCostCurrentUsd: cost.costNow,
    monthlyCostRecommendedUsd: cost.costAfter,
    ...classify(stats, s, rec, volume),
    exceedsPackLimit: rec.exceedsPackLimit,
    warnings: warningsFor(stats, s, rec, factor, volume),
    implausibleRecords: stats.implausibleRecords || undefined,
    overlongLines: stats.overlongLines || undefined,
    memoryUsedDistribution: stats.memoryUsed.entries(),
  };
}
