/** One Lambda REPORT record, from either log format. */
export interface ReportRecord {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present on cold starts only. */
  initDurationMs?: number;
  /** Epoch ms when the line carries a time (a leading ISO-8601 stamp or the JSON `time`). */
  timestampMs?: number;
}

const PLAIN_MARKER = "REPORT RequestId:";
const JSON_MARKER = "platform.report";

// The negative look-behind keeps "Duration" from matching inside "Billed Duration", "Init Duration"
// or SnapStart's "Restore Duration" whether the fields are tab- or space-separated.
const PLAIN_FIELD = /(?<!(?:Billed|Init|Restore) )(Billed Duration|Init Duration|Max Memory Used|Memory Size|Duration): (\d+(?:\.\d+)?) (?:ms|MB)/g;
const LEADING_ISO_TIME = /^\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s/;

/**
 * Parses one log line. Returns undefined for every line that is not a complete REPORT record
 * (application output, START/END lines, truncated or malformed REPORT lines); the caller counts those.
 */
export function parseReportLine(line: string): ReportRecord | undefined {
  const plainAt = line.indexOf(PLAIN_MARKER);
  if (plainAt >= 0) return parsePlain(line, plainAt);
  if (line.includes(JSON_MARKER)) return parseJson(line);
  return undefined;
}

function parsePlain(line: string, markerAt: number): ReportRecord | undefined {
  const fields: Record<string, number> = {};
  PLAIN_FIELD.lastIndex = markerAt;
  for (let m = PLAIN_FIELD.exec(line); m; m = PLAIN_FIELD.exec(line)) fields[m[1]] = Number(m[2]);
  return buildRecord(
    fields["Duration"],
    fields["Billed Duration"],
    fields["Memory Size"],
    fields["Max Memory Used"],
    fields["Init Duration"],
    leadingTime(line, markerAt),
  );
}

function parseJson(line: string): ReportRecord | undefined {
  const start = line.indexOf("{");
  if (start < 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(line.slice(start));
  } catch {
    return undefined;
  }
  if (!isObject(doc) || doc.type !== "platform.report" || !isObject(doc.record) || !isObject(doc.record.metrics)) return undefined;
  const m = doc.record.metrics;
  const time = typeof doc.time === "string" ? Date.parse(doc.time) : leadingTime(line, start);
  return buildRecord(m.durationMs, m.billedDurationMs, m.memorySizeMB, m.maxMemoryUsedMB, m.initDurationMs, time);
}

function buildRecord(
  duration: unknown,
  billed: unknown,
  memorySize: unknown,
  maxUsed: unknown,
  init: unknown,
  time: number | undefined,
): ReportRecord | undefined {
  if (!isNonNegative(duration) || !isNonNegative(billed) || !isNonNegative(maxUsed)) return undefined;
  if (!isNonNegative(memorySize) || memorySize < 1) return undefined;
  const record: ReportRecord = { durationMs: duration, billedDurationMs: billed, memorySizeMb: memorySize, maxMemoryUsedMb: maxUsed };
  if (isNonNegative(init)) record.initDurationMs = init;
  if (time !== undefined && Number.isFinite(time)) record.timestampMs = time;
  return record;
}

function leadingTime(line: string, before: number): number | undefined {
  if (before === 0) return undefined;
  const m = LEADING_ISO_TIME.exec(line);
  return m ? Date.parse(m[1]) : undefined;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonNegative(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}
