import * as fs from "fs";
import { pipeline, Readable } from "stream";
import * as zlib from "zlib";
import { fsErrorText, UsageError } from "../errors";
import { LineSplitter } from "./lines";
import { eventTimestampMs, newReportValues, parseReportLine, readPlainReportAt, VALUE_TIME } from "./parse";
import { FunctionStats } from "./stats";

/**
 * Streams one function's log lines (a file, or stdin for `-`) into its stats, line by line (lines over
 * 1 MB are skipped and counted, see LineSplitter).
 * Gzipped input (S3 exports of log groups, `aws logs ... | gzip`) is recognised by its magic bytes
 * and inflated on the fly.
 */
export async function readLogInto(stats: FunctionStats, file: string, stdin: Readable): Promise<void> {
  let source: Readable | undefined;
  if (file === "-") source = stdin;
  else {
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw new UsageError(`${stats.name}: '${file}' is not a regular file`);
      fs.accessSync(file, fs.constants.R_OK);
      if (isGzipFile(file)) source = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${stats.name}: cannot read '${file}': ${fsErrorText(err)}`);
    }
  }
  // Pretty-printed `aws logs filter-log-events` output carries each event's time on the line before its message.
  let previousLineTime: number | undefined;
  const values = newReportValues();
  const lines = new LineSplitter((bytes, start, end) => {
    if (end === start) return;
    // Lambda's own plain-text line is read in place from the bytes; everything else as a line of its own.
    if (readPlainReportAt(bytes, start, end, values)) {
      if (Number.isNaN(values[VALUE_TIME]) && previousLineTime !== undefined) values[VALUE_TIME] = previousLineTime;
      previousLineTime = undefined;
      stats.addValues(values);
      return;
    }
    // latin1: one character per byte, so no chunk boundary can cut one; every field optimize reads is ASCII.
    const line = bytes.toString("latin1", start, end);
    const record = parseReportLine(line);
    if (record) {
      if (record.timestampMs === undefined && previousLineTime !== undefined) record.timestampMs = previousLineTime;
      previousLineTime = undefined;
    } else previousLineTime = eventTimestampMs(line);
    stats.addRecord(record);
  });
  try {
    if (source === undefined) readFileChunks(file, (chunk) => lines.push(chunk));
    else
      for await (const chunk of await inflateIfGzipped(source))
        lines.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    lines.end();
  } catch (err) {
    throw new UsageError(`${stats.name}: error while reading '${file}': ${(err as Error).message}`);
  }
  stats.overlongLines += lines.overlongLines;
  stats.skippedLines += lines.overlongLines;
  requireReports(stats, file === "-" ? "stdin" : `'${file}'`);
}

const CHUNK_BYTES = 1 << 20;

function isGzipFile(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A plain file, 1 MB at a time into one reused buffer: a read stream allocates a new buffer per chunk, and an
 * async read leaves the thread idle while it waits; for a large log both cost more than reading it.
 * `onChunk` must be done with the bytes when it returns (LineSplitter copies what it keeps).
 */
function readFileChunks(file: string, onChunk: (chunk: Buffer) => void): void {
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let n; (n = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null)) > 0;) onChunk(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/** The stream itself, or a gunzip of it when its first bytes are gzip's magic number (1f 8b). */
async function inflateIfGzipped(source: Readable): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return Readable.from([]);
  const head: Buffer = Buffer.isBuffer(first.value) ? first.value : Buffer.from(String(first.value));
  async function* all() {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  const body = Readable.from(all(), { objectMode: false });
  if (head[0] !== 0x1f || head[1] !== 0x8b) return body;
  // Larger output chunks than zlib's 16 KB default: fewer, bigger pieces for the line splitter.
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 18 });
  // pipeline forwards an error on either side (a truncated or corrupt .gz) to the line reader.
  pipeline(body, gunzip, () => undefined);
  return gunzip;
}

export function requireReports(stats: FunctionStats, where: string): void {
  if (stats.invocations > 0) return;
  if (stats.implausibleRecords > 0) {
    throw new UsageError(
      `${stats.name}: no usable REPORT lines in ${where}: ${stats.implausibleRecords} with values Lambda cannot produce (first: ${stats.firstImplausible}), ${stats.skippedLines} other line(s) skipped`,
    );
  }
  throw new UsageError(`${stats.name}: no REPORT lines in ${where} (${stats.skippedLines} other line(s) skipped)`);
}

export interface LiveOptions {
  region: string;
  sinceMs: number;
  endpoint?: string;
}

/**
 * Pulls the REPORT lines of `/aws/lambda/NAME` from CloudWatch Logs, page by page, feeding each
 * event through the same parser as files. The filter matches both the plain-text and the JSON format
 * (`?term ?term` is CloudWatch's OR of terms), so the service does the noise filtering.
 */
export async function readLiveInto(stats: FunctionStats, opts: LiveOptions): Promise<void> {
  // The SDK warns (8 lines on stderr) that releases after January 2027 will need Node 22; the pinned
  // release works on Node 20, so keep the CLI's stderr for real errors unless the user opted in.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Loaded here so the file mode never pays for the SDK.
  const { CloudWatchLogsClient, paginateFilterLogEvents } = await import("@aws-sdk/client-cloudwatch-logs");
  const client = new CloudWatchLogsClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
  });
  const logGroupName = `/aws/lambda/${stats.name}`;
  const endTime = Date.now();
  try {
    const pages = paginateFilterLogEvents(
      { client, pageSize: 10_000 },
      {
        logGroupName,
        filterPattern: '?"REPORT RequestId" ?"platform.report"',
        startTime: endTime - opts.sinceMs,
        endTime,
      },
    );
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const record = parseReportLine(event.message ?? "");
        if (record && record.timestampMs === undefined && event.timestamp !== undefined)
          record.timestampMs = event.timestamp;
        stats.addRecord(record);
      }
    }
  } catch (err) {
    const e = err as Error;
    throw new UsageError(
      `${stats.name}: CloudWatch Logs FilterLogEvents on ${logGroupName} failed: ${e.name}: ${e.message.split("\n")[0]}`,
    );
  } finally {
    client.destroy();
  }
  requireReports(stats, `${logGroupName} for the requested period`);
}
