import {
  LAMBDA_MAX_DURATION_MS,
  LAMBDA_MAX_MEMORY_MB,
  LAMBDA_MIN_MEMORY_MB,
} from "../../policy-pack/common/lambda-limits";
import { IntHistogram } from "./histogram";
import { ReportRecord } from "./parse";

/**
 * Everything `optimize` keeps about one function while its log streams past: a fixed set of numbers
 * and histograms bounded by Lambda's limits, so memory stays flat for any number of lines.
 */
export class FunctionStats {
  invocations = 0;
  skippedLines = 0;
  /** Lines too long to be a log line (also counted in skippedLines). */
  overlongLines = 0;
  /** REPORT records with values Lambda cannot produce, left out of every figure. */
  implausibleRecords = 0;
  /** What was wrong with the first of them, for the warning. */
  firstImplausible?: string;
  billedMsTotal = 0;
  /** Memory Size of the most recent record, i.e. the configuration in force now. */
  currentMemoryMb = 0;
  private latestRecordTime = -Infinity;
  readonly memorySizesSeen = new Set<number>();
  readonly memoryUsed = new IntHistogram(LAMBDA_MAX_MEMORY_MB);
  readonly duration = new IntHistogram(LAMBDA_MAX_DURATION_MS);
  readonly billedDuration = new IntHistogram(LAMBDA_MAX_DURATION_MS);
  readonly initDuration = new IntHistogram(LAMBDA_MAX_DURATION_MS);
  timedInvocations = 0;
  firstTimeMs = Infinity;
  lastTimeMs = -Infinity;

  constructor(readonly name: string) {}

  /** Feeds one raw log line; anything that is not a REPORT record is counted as skipped. */
  addRecord(r: ReportRecord | undefined): void {
    if (!r) {
      this.skippedLines++;
      return;
    }
    const wrong = implausibility(r);
    if (wrong !== undefined) {
      this.implausibleRecords++;
      this.firstImplausible ??= wrong;
      return;
    }
    this.invocations++;
    this.billedMsTotal += r.billedDurationMs;
    this.memoryUsed.add(r.maxMemoryUsedMb);
    this.duration.add(r.durationMs);
    this.billedDuration.add(r.billedDurationMs);
    if (r.initDurationMs !== undefined) this.initDuration.add(r.initDurationMs);
    if (this.memorySizesSeen.size < 64) this.memorySizesSeen.add(r.memorySizeMb);
    // Lines may arrive out of order (several log streams); the newest record tells today's setting.
    const t = r.timestampMs ?? -Infinity;
    if (t >= this.latestRecordTime || this.currentMemoryMb === 0) {
      this.currentMemoryMb = r.memorySizeMb;
      if (t > this.latestRecordTime) this.latestRecordTime = t;
    }
    if (r.timestampMs !== undefined) {
      this.timedInvocations++;
      if (r.timestampMs < this.firstTimeMs) this.firstTimeMs = r.timestampMs;
      if (r.timestampMs > this.lastTimeMs) this.lastTimeMs = r.timestampMs;
    }
  }

  get coldStarts(): number {
    return this.initDuration.count;
  }

  get meanBilledMs(): number {
    return this.invocations ? this.billedMsTotal / this.invocations : 0;
  }

  /** Time from the first to the last timestamped record; undefined with fewer than two of them. */
  timeSpanMs(): number | undefined {
    return this.timedInvocations < 2 ? undefined : this.lastTimeMs - this.firstTimeMs;
  }
}

/** Why a record cannot come from Lambda (a memory size outside its limits, more memory used than configured); undefined when it can. */
export function implausibility(r: ReportRecord): string | undefined {
  if (r.memorySizeMb < LAMBDA_MIN_MEMORY_MB || r.memorySizeMb > LAMBDA_MAX_MEMORY_MB) {
    return `Memory Size ${r.memorySizeMb} MB is outside Lambda's ${LAMBDA_MIN_MEMORY_MB}..${LAMBDA_MAX_MEMORY_MB} MB`;
  }
  if (r.maxMemoryUsedMb > r.memorySizeMb)
    return `Max Memory Used ${r.maxMemoryUsedMb} MB is above Memory Size ${r.memorySizeMb} MB`;
  return undefined;
}
