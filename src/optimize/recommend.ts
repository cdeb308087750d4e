import { LAMBDA_MAX_MEMORY_MB, LAMBDA_MIN_MEMORY_MB } from "../../policy-pack/common/lambda-limits";
import { Architecture, monthlyCostUsd, SECONDS_PER_MONTH } from "./pricing";
import { FunctionStats } from "./stats";

/** Below this size Lambda gives a function less than one full vCPU, in proportion to its memory. */
export const ONE_VCPU_MEMORY_MB = 1769;
export const MEMORY_STEP_MB = 64;
export const MIN_MEMORY_MB = LAMBDA_MIN_MEMORY_MB;

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
  /** The pack's ceiling was exceeded because the function's own peak needs more. */
  exceedsPackLimit: boolean;
  warnings: string[];
  /** [MB, count] of Max Memory Used, for the HTML chart. */
  memoryUsedDistribution: Array<[number, number]>;
}

/** Rounds up to the 64 MB step and to at least 128 MB. */
export function roundMemory(mb: number): number {
  return Math.max(MIN_MEMORY_MB, Math.ceil(mb / MEMORY_STEP_MB) * MEMORY_STEP_MB);
}

/**
 * The recommendation: the smallest 64 MB step that keeps `headroom` above the peak, at least 128 MB,
 * and no more than the current size when that already keeps the headroom (rounding alone is no
 * reason to grow). Capped at the pack's ceiling unless the peak itself reaches the ceiling.
 */
export function recommendMemory(peakMb: number, currentMb: number, headroom: number, packMaxMb: number) {
  const needed = peakMb * (1 + headroom);
  let recommended = roundMemory(needed);
  if (currentMb >= needed && currentMb >= MIN_MEMORY_MB) recommended = Math.min(recommended, currentMb);
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

export function analyze(stats: FunctionStats, s: AnalysisSettings): FunctionReport {
  const warnings: string[] = [];
  const peak = stats.memoryUsed.maxValue ?? 0;
  const current = stats.currentMemoryMb;
  const headroomPct = Math.round(s.headroom * 100);
  const rec = recommendMemory(peak, current, s.headroom, s.packMaxMemoryMb);
  const underprovisioned = peak * (1 + s.headroom) > current;

  let status: Status;
  if (stats.invocations < s.minInvocations) {
    status = "insufficient-data";
    warnings.push(
      `only ${stats.invocations} invocation(s) observed, fewer than ${s.minInvocations}: too few to trust; collect more logs before resizing`,
    );
  } else if (underprovisioned) status = "underprovisioned";
  else if (rec.recommended < current) status = "overprovisioned";
  else status = "optimized";

  if (underprovisioned) {
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

  const factor = estimateDurationFactor(current, rec.recommended, s.cpuBoundShare);
  if (rec.recommended < current && rec.recommended < ONE_VCPU_MEMORY_MB) {
    warnings.push(
      `CPU scales with memory below ${ONE_VCPU_MEMORY_MB} MB: at ${rec.recommended} MB duration may grow; estimated x${factor.toFixed(2)} assuming ${Math.round(s.cpuBoundShare * 100)}% of the time is CPU-bound (--cpu-bound-share)`,
    );
  }

  const explicit = s.invocationsPerMonth.get(stats.name) ?? s.invocationsPerMonth.get("*");
  let invocationsPerMonth: number;
  let source: "observed" | "option";
  if (explicit !== undefined) {
    invocationsPerMonth = explicit;
    source = "option";
  } else {
    const perSecond = stats.observedPerSecond();
    if (perSecond === undefined) {
      // Cannot extrapolate a rate from one instant; price what was observed and say so.
      invocationsPerMonth = stats.invocations;
      warnings.push(
        `the log carries no time span (needs 2+ timestamped REPORT lines), so the monthly cost prices only the ${stats.invocations} observed invocation(s); pass --invocations-per-month`,
      );
    } else invocationsPerMonth = perSecond * SECONDS_PER_MONTH;
    source = "observed";
  }

  const provisionedConcurrency = s.provisionedConcurrency.get(stats.name) ?? 0;
  const meanBilled = stats.meanBilledMs;
  const estimatedMeanBilled = meanBilled * factor;
  const costNow = monthlyCostUsd({ invocationsPerMonth, meanBilledMs: meanBilled, memoryMb: current, arch: s.currentArch, provisionedConcurrency });
  const costAfter = monthlyCostUsd({
    invocationsPerMonth,
    meanBilledMs: estimatedMeanBilled,
    memoryMb: rec.recommended,
    arch: s.recommendedArch,
    provisionedConcurrency,
  });
  if (s.recommendedArch !== s.currentArch) {
    warnings.push(`after-cost priced on ${s.recommendedArch}, assuming the same duration there as on ${s.currentArch}`);
  }

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
    meanBilledDurationMs: meanBilled,
    estimatedMeanBilledDurationMs: estimatedMeanBilled,
    coldStarts: stats.coldStarts,
    p95InitDurationMs: stats.initDuration.percentile(95) ?? null,
    invocationsPerMonth,
    invocationsPerMonthSource: source,
    monthlyCostCurrentUsd: costNow,
    monthlyCostRecommendedUsd: costAfter,
    status,
    exceedsPackLimit: rec.exceedsPackLimit,
    warnings,
    memoryUsedDistribution: stats.memoryUsed.entries(),
  };
}
