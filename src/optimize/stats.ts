import {
  LAMBDA_MAX_DURATION_MS,
  LAMBDA_MAX_MEMORY_MB,
  LAMBDA_MIN_MEMORY_MB,
} from "../../policy-pack/common/lambda-limits";
import { IntHistogram } from "./histogram";
import {
  newReportValues,
  ReportRecord,
  ReportValues,
  VALUE_BILLED,
  VALUE_DURATION,
  VALUE_INIT,
  VALUE_MAX_USED,
  VALUE_MEMORY_SIZE,
  VALUE_TIME,
} from "./parse";

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
  private lastMemorySizeMb = NaN;
  private readonly scratch = newReportValues();
  readonly memoryUsed = new IntHistogram(LAMBDA_MAX_MEMORY_MB);
  readonly duration = new IntHistogram(LAMBDA_MAX_DURATION_MS);
  readonly billedDuration = new IntHistogram(LAMBDA_MAX_DURATION_MS);
  readonly initDuration = new IntHistogram(LAMBDA_MAX_DURATION_MS);
  timedInvocations = 0;
  firstTimeMs = Infinity;
  lastTimeMs = -Infinity;

  constructor(readonly name: string) {}

  /** Feeds one parsed log line; anything that is not a REPORT record is counted as skipped. */
  addRecord(r: ReportRecord | undefined): void {
    if (!r) {
      this.skippedLines++;
      return;
    }
    const v = this.scratch;
    v[VALUE_DURATION] = r.durationMs;
    v[VALUE_BILLED] = r.billedDurationMs;
    v[VALUE_MEMORY_SIZE] = r.memorySizeMb;
    v[VALUE_MAX_USED] = r.maxMemoryUsedMb;
    v[VALUE_INIT] = r.initDurationMs ?? NaN;
    v[VALUE_TIME] = r.timestampMs ?? NaN;
    this.addValues(v);
  }

  /** One REPORT record's values, as readPlainReportAt reads them (no object per line). */
  addValues(v: ReportValues): void {
    const durationMs = v[VALUE_DURATION];
    const billedMs = v[VALUE_BILLED];
    const memorySizeMb = v[VALUE_MEMORY_SIZE];
    const maxUsedMb = v[VALUE_MAX_USED];
    const initMs = v[VALUE_INIT];
    const timeMs = v[VALUE_TIME];
    const wrong = implausibility(memorySizeMb, maxUsedMb);
    if (wrong !== undefined) {
      this.implausibleRecords++;
      this.firstImplausible ??= wrong;
      return;
    }
    this.invocations++;
    this.billedMsTotal += billedMs;
    this.memoryUsed.add(maxUsedMb);
    this.duration.add(durationMs);
    this.billedDuration.add(billedMs);
    if (initMs >= 0) this.initDuration.add(initMs);
    // A Set lookup per line costs more than this comparison; consecutive records nearly always share the size.
    if (memorySizeMb !== this.lastMemorySizeMb && this.memorySizesSeen.size < 64) {
      this.memorySizesSeen.add(memorySizeMb);
      this.lastMemorySizeMb = memorySizeMb;
    }
    // Lines may arrive out of order (several log streams); the newest record tells today's setting.
    const timed = !Number.isNaN(timeMs);
    const t = timed ? timeMs : -Infinity;
    if (t >= this.latestRecordTime || this.currentMemoryMb === 0) {
      this.currentMemoryMb = memorySizeMb;
      if (t > this.latestRecordTime) this.latestRecordTime = t;
    }
    if (timed) {
      this.timedInvocations++;
      if (timeMs < this.firstTimeMs) this.firstTimeMs = timeMs;
      if (timeMs > this.lastTimeMs) this.lastTimeMs = timeMs;
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
export function implausibility(memorySizeMb: number, maxMemoryUsedMb: number): string | undefined {
  if (memorySizeMb < LAMBDA_MIN_MEMORY_MB || memorySizeMb > LAMBDA_MAX_MEMORY_MB) {
    return `Memory Size ${memorySizeMb} MB is outside Lambda's ${LAMBDA_MIN_MEMORY_MB}..${LAMBDA_MAX_MEMORY_MB} MB`;
  }
  if (maxMemoryUsedMb > memorySizeMb)
    return `Max Memory Used ${maxMemoryUsedMb} MB is above Memory Size ${memorySizeMb} MB`;
  return undefined;
}
