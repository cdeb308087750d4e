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

const LEADING_ISO_TIME = /^\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s/;

/**
 * Parses one log line. Returns undefined for every line that is not a complete REPORT record
 * (application output, START/END lines, truncated or malformed REPORT lines); the caller counts those.
 */
export function parseReportLine(line: string): ReportRecord | undefined {
  const plainAt = line.indexOf(PLAIN_MARKER);
  if (plainAt >= 0) {
    // A quote right before the marker: the line is a CloudWatch event whose "message" holds the log line.
    // (A quoted REPORT without a "message" key, e.g. a Logs Insights CSV export, is read as it stands.)
    const isEvent = line.charCodeAt(plainAt - 1) === 34 && line.lastIndexOf(MESSAGE_KEY, plainAt) >= 0;
    return isEvent ? parseEventMessage(line, plainAt) : parsePlain(line, plainAt);
  }
  const jsonAt = line.indexOf(JSON_MARKER);
  if (jsonAt < 0) return undefined;
  // `\"platform.report\"`: a JSON log record escaped inside an event's "message" string.
  return line.charCodeAt(jsonAt - 2) === 92 ? parseEventMessage(line, jsonAt) : parseJson(line);
}

const MESSAGE_KEY = '"message"';
const EVENT_TIMESTAMP = /"timestamp"\s*:\s*(\d{10,16})\b/;

/**
 * A CloudWatch Logs event as the AWS CLI prints it (`aws logs filter-log-events`, its default JSON
 * output, or one event per line after `jq -c '.events[]'`): the log line is the JSON string value of
 * "message", with tabs escaped as `\t`. It is unescaped with JSON.parse and read like any other
 * line; the event's epoch-ms "timestamp" on the same line gives the time.
 */
function parseEventMessage(line: string, markerAt: number): ReportRecord | undefined {
  const keyAt = line.lastIndexOf(MESSAGE_KEY, markerAt);
  if (keyAt < 0) return undefined;
  const open = line.indexOf('"', keyAt + MESSAGE_KEY.length);
  if (open < 0 || open > markerAt) return undefined;
  let close = open + 1;
  for (; close < line.length; close++) {
    const c = line.charCodeAt(close);
    if (c === 92 /* backslash */) close++;
    else if (c === 34 /* quote */) break;
  }
  if (close >= line.length) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(line.slice(open, close + 1));
  } catch {
    return undefined;
  }
  if (typeof message !== "string") return undefined;
  const plainAt = message.indexOf(PLAIN_MARKER);
  const record =
    plainAt >= 0 ? parsePlain(message, plainAt) : message.includes(JSON_MARKER) ? parseJson(message) : undefined;
  if (record && record.timestampMs === undefined) {
    const stamp = eventTimestampMs(line);
    if (stamp !== undefined) record.timestampMs = stamp;
  }
  return record;
}

/** The epoch-ms `"timestamp": N` of a CloudWatch event (pretty-printed output puts it on the line before "message"). */
export function eventTimestampMs(line: string): number | undefined {
  if (!line.includes('"timestamp"')) return undefined;
  const m = EVENT_TIMESTAMP.exec(line);
  return m ? Number(m[1]) : undefined;
}

// Hand-rolled indexOf scanning rather than one regular expression: it is about 3x faster, and the
// parser is the hot loop when a log holds millions of lines (see bench/optimize.bench.ts). Fields are
// looked for in Lambda's order, each search starting where the previous field ended (`scanEnd`), with
// a fall-back search from the marker, so the line is usually scanned once whatever the field order.
let scanEnd = 0;

function parsePlain(line: string, markerAt: number): ReportRecord | undefined {
  const from = markerAt + PLAIN_MARKER.length;
  scanEnd = from;
  const duration = durationField(line, from);
  const billed = fieldAfter(line, "Billed Duration: ", from);
  const memorySize = fieldAfter(line, "Memory Size: ", from);
  const maxUsed = fieldAfter(line, "Max Memory Used: ", from);
  const init = fieldAfter(line, "Init Duration: ", from);
  return buildRecord(duration, billed, memorySize, maxUsed, init, leadingTime(line, markerAt));
}

/** The number after `label` (e.g. "469.40 ms" -> 469.4), or undefined when absent or not a number. */
function fieldAfter(line: string, label: string, from: number): number | undefined {
  let at = line.indexOf(label, scanEnd);
  if (at < 0 && scanEnd > from) at = line.indexOf(label, from);
  if (at < 0) return undefined;
  return numberAt(line, at + label.length);
}

/** "Duration: " that is not the tail of "Billed Duration", "Init Duration" or SnapStart's "Restore Duration". */
function durationField(line: string, from: number): number | undefined {
  for (let at = line.indexOf("Duration: ", from); at >= 0; at = line.indexOf("Duration: ", at + 1)) {
    const before = line.charCodeAt(at - 1);
    if (before !== 9 && before !== 32) continue; // must start a field (tab or space before it)
    if (before === 32 && /(?:Billed|Init|Restore) $/.test(line.slice(Math.max(0, at - 8), at))) continue;
    return numberAt(line, at + 10);
  }
  return undefined;
}

/** Reads "123.45" at `at` digit by digit (no substring allocation: this runs 5 times per line). */
function numberAt(line: string, at: number): number | undefined {
  let end = at;
  let whole = 0;
  let c = line.charCodeAt(end);
  for (; c >= 48 && c <= 57; c = line.charCodeAt(++end)) whole = whole * 10 + (c - 48);
  if (end === at) return undefined;
  if (c === 46) {
    let fraction = 0;
    let scale = 1;
    for (c = line.charCodeAt(++end); c >= 48 && c <= 57; c = line.charCodeAt(++end)) {
      fraction = fraction * 10 + (c - 48);
      scale *= 10;
    }
    whole += fraction / scale;
  }
  scanEnd = end;
  // The unit must follow, so a value cut off mid-line is rejected rather than half-read.
  return line.startsWith(" ms", end) || line.startsWith(" MB", end) ? whole : undefined;
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
  if (!isObject(doc) || doc.type !== "platform.report" || !isObject(doc.record) || !isObject(doc.record.metrics))
    return undefined;
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
  const record: ReportRecord = {
    durationMs: duration,
    billedDurationMs: billed,
    memorySizeMb: memorySize,
    maxMemoryUsedMb: maxUsed,
  };
  if (isNonNegative(init)) record.initDurationMs = init;
  if (time !== undefined && Number.isFinite(time)) record.timestampMs = time;
  return record;
}

function leadingTime(line: string, before: number): number | undefined {
  if (before === 0) return undefined;
  const fast = fastUtcTime(line);
  if (fast !== undefined) return fast;
  const m = LEADING_ISO_TIME.exec(line);
  return m ? Date.parse(m[1]) : undefined;
}

/** The digit at `i`, or -1000 when it is not one (so any field built from it goes out of range). */
function digit(line: string, i: number): number {
  const d = line.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1000;
}

/** The last `YYYY-MM-DDTHH:MM` read and its Date.UTC: consecutive log lines nearly always share the minute. */
let cachedMinute = "";
let cachedMinuteMs = 0;
/** Where the last time read by fastUtcTime ended (the index after its `Z`). */
let timeEnd = 0;

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff...]Z` at `at`, read by character codes with Date.UTC (once per minute):
 * about 5x faster than a regex plus Date.parse. Other forms (offsets, spaces) take the slow path.
 */
function fastUtcTime(line: string, at = 0): number | undefined {
  if (cachedMinute !== "" && line.startsWith(cachedMinute, at) && line.charCodeAt(at + 16) === 58) {
    const second = digit(line, at + 17) * 10 + digit(line, at + 18);
    const ms = fractionMs(line, at + 19);
    if (second >= 0 && second <= 59 && line.charCodeAt(timeEnd - 1) === 90 /* Z */)
      return cachedMinuteMs + second * 1000 + ms;
  }
  if (
    line.charCodeAt(at + 4) !== 45 ||
    line.charCodeAt(at + 7) !== 45 ||
    line.charCodeAt(at + 10) !== 84 ||
    line.charCodeAt(at + 13) !== 58 ||
    line.charCodeAt(at + 16) !== 58
  )
    return undefined;
  const ms = fractionMs(line, at + 19);
  if (line.charCodeAt(timeEnd - 1) !== 90 /* Z */) return undefined;
  const year = digit(line, at) * 1000 + digit(line, at + 1) * 100 + digit(line, at + 2) * 10 + digit(line, at + 3);
  const month = digit(line, at + 5) * 10 + digit(line, at + 6);
  const day = digit(line, at + 8) * 10 + digit(line, at + 9);
  const hour = digit(line, at + 11) * 10 + digit(line, at + 12);
  const minute = digit(line, at + 14) * 10 + digit(line, at + 15);
  const second = digit(line, at + 17) * 10 + digit(line, at + 18);
  // Out-of-range fields would roll over in Date.UTC; leave them to Date.parse, which rejects them.
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  )
    return undefined;
  cachedMinute = line.slice(at, at + 16);
  cachedMinuteMs = Date.UTC(year, month - 1, day, hour, minute);
  return cachedMinuteMs + second * 1000 + ms;
}

/** `.fff...` at `at` in milliseconds (0 when absent), like Date.parse: finer digits are dropped. Sets timeEnd after them. */
function fractionMs(line: string, at: number): number {
  let end = at;
  let ms = 0;
  if (line.charCodeAt(end) === 46) {
    let scale = 100;
    for (end++; digit(line, end) >= 0; end++) {
      if (scale >= 1) ms += digit(line, end) * scale;
      scale /= 10;
    }
  }
  timeEnd = end + 1;
  return ms;
}

/** " " or tab: what Lambda and the AWS CLI put between fields. */
function isSeparator(c: number): boolean {
  return c === 9 || c === 32;
}

/** `label` then a number then ` ms`/` MB` at `at` (the number, with scanEnd after it), else undefined. */
function labelledNumberAt(text: string, at: number, label: string): number | undefined {
  return text.startsWith(label, at) ? numberAt(text, at + label.length) : undefined;
}

/**
 * The hot path for the plain-text REPORT line as Lambda writes it, read in place from a chunk of text
 * (`text` from `start` to `end`, no copy of the line): an optional leading UTC time and log stream name,
 * then the marker, the request id and the fields in Lambda's order (Init Duration last, when present).
 * Returns undefined for anything else, which the caller hands to parseReportLine: this path only ever
 * gives the record parseReportLine would give for the same line (a spec checks both on every fixture line).
 */
export function parseCommonPlainAt(text: string, start: number, end: number): ReportRecord | undefined {
  let at = start;
  let time: number | undefined;
  if (!text.startsWith(PLAIN_MARKER, at)) {
    time = fastUtcTime(text, at);
    if (time === undefined || text.charCodeAt(timeEnd) !== 32) return undefined;
    // The log stream name, then the marker.
    const space = text.indexOf(" ", timeEnd + 1);
    if (space < 0 || space >= end || !text.startsWith(PLAIN_MARKER, space + 1)) return undefined;
    at = space + 1;
  }
  const id = text.indexOf("\t", at + PLAIN_MARKER.length);
  if (id < 0 || id >= end) return undefined;
  const duration = labelledNumberAt(text, id + 1, "Duration: ");
  if (duration === undefined || !isSeparator(text.charCodeAt(scanEnd + 3))) return undefined;
  const billed = labelledNumberAt(text, scanEnd + 4, "Billed Duration: ");
  if (billed === undefined || !isSeparator(text.charCodeAt(scanEnd + 3))) return undefined;
  const memorySize = labelledNumberAt(text, scanEnd + 4, "Memory Size: ");
  if (memorySize === undefined || !isSeparator(text.charCodeAt(scanEnd + 3))) return undefined;
  const maxUsed = labelledNumberAt(text, scanEnd + 4, "Max Memory Used: ");
  if (maxUsed === undefined) return undefined;
  let rest = scanEnd + 3;
  let init: number | undefined;
  if (rest < end && isSeparator(text.charCodeAt(rest)) && text.startsWith("Init Duration: ", rest + 1)) {
    init = numberAt(text, rest + 1 + 15);
    if (init === undefined) return undefined;
    rest = scanEnd + 3;
  }
  // Only trailing separators may follow; anything else (SnapStart fields, a second record) takes the general path.
  for (; rest < end; rest++) if (!isSeparator(text.charCodeAt(rest))) return undefined;
  return buildRecord(duration, billed, memorySize, maxUsed, init, time);
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonNegative(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}
