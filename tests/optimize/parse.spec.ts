import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import {
  newReportValues,
  parseReportLine,
  readPlainReportAt,
  recordOfValues,
  ReportRecord,
} from "../../src/optimize/parse";

describe("optimize: REPORT line parsing", () => {
  it("reads the plain-text REPORT line (tab-separated) with a cold start", () => {
    const line =
      "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 469.40 ms\tBilled Duration: 470 ms\tMemory Size: 1024 MB\tMax Memory Used: 21 MB\tInit Duration: 100.99 ms";
    expect(parseReportLine(line)).to.deep.equal({
      durationMs: 469.4,
      billedDurationMs: 470,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 21,
      initDurationMs: 100.99,
    });
  });

  it("reads a plain line with an `aws logs tail` time prefix and space-separated fields", () => {
    const line =
      "2026-11-01T00:00:02.000000+00:00 2026/11/01/[$LATEST]abc REPORT RequestId: x Duration: 12.50 ms Billed Duration: 13 ms Memory Size: 128 MB Max Memory Used: 70 MB";
    const r = parseReportLine(line)!;
    expect(r.durationMs).to.equal(12.5);
    expect(r.billedDurationMs).to.equal(13);
    expect(r.initDurationMs).to.equal(undefined);
    expect(r.timestampMs).to.equal(Date.parse("2026-11-01T00:00:02Z"));
  });

  it("does not take SnapStart's Restore Duration for the Duration", () => {
    const line =
      "REPORT RequestId: x\tRestore Duration: 300.00 ms\tDuration: 20.00 ms\tBilled Restore Duration: 100 ms\tBilled Duration: 121 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB";
    const r = parseReportLine(line)!;
    expect(r.durationMs).to.equal(20);
    expect(r.billedDurationMs).to.equal(121);
  });

  it("reads the JSON log format's platform.report record and its time", () => {
    const line = JSON.stringify({
      time: "2026-11-01T10:00:00.000Z",
      type: "platform.report",
      record: {
        requestId: "r",
        metrics: {
          durationMs: 99.41,
          billedDurationMs: 100,
          memorySizeMB: 512,
          maxMemoryUsedMB: 342,
          initDurationMs: 210.5,
        },
      },
    });
    expect(parseReportLine(line)).to.deep.equal({
      durationMs: 99.41,
      billedDurationMs: 100,
      memorySizeMb: 512,
      maxMemoryUsedMb: 342,
      initDurationMs: 210.5,
      timestampMs: Date.parse("2026-11-01T10:00:00Z"),
    });
  });

  it("ignores START/END, application logs, other platform records and malformed or truncated REPORTs", () => {
    const noise = [
      "START RequestId: 1 Version: $LATEST",
      "END RequestId: 1",
      "2026-11-01T00:00:00.000Z\t1\tINFO\tREPORT generated for customer",
      "REPORT RequestId: 1\tDuration: 12.00 ms\tBilled Dur",
      "REPORT RequestId: 1\tDuration: oops ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB",
      '{"time":"2026-11-01T00:00:00Z","type":"platform.report","record":{"metrics":{"durationMs":12.5,',
      '{"type":"platform.report","record":{"metrics":{"durationMs":"12","billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":1}}}',
      '{"type":"platform.runtimeDone","record":{"metrics":{"durationMs":12}}}',
      '{"type":"platform.report","record":null}',
      "platform.report",
      "",
    ];
    for (const line of noise) expect(parseReportLine(line), line).to.equal(undefined);
  });

  it("reads any leading UTC or offset time exactly as Date.parse does", () => {
    const line =
      "REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB";
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.constantFrom("ms", "s", "us", "offset"),
        (date, form) => {
          const iso = date.toISOString();
          const stamp =
            form === "s"
              ? iso.slice(0, 19) + "Z"
              : form === "us"
                ? iso.replace("Z", "123Z")
                : form === "offset"
                  ? iso.replace("Z", "+00:00")
                  : iso;
          expect(parseReportLine(`${stamp} stream ${line}`)!.timestampMs).to.equal(Date.parse(stamp));
        },
      ),
    );
  });

  it("reads a CloudWatch event's escaped \"message\" as `aws logs filter-log-events` prints it, with the event's timestamp", () => {
    const plain =
      "REPORT RequestId: x\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 101.25 ms\t\n";
    const record = {
      durationMs: 12.5,
      billedDurationMs: 13,
      memorySizeMb: 128,
      maxMemoryUsedMb: 70,
      initDurationMs: 101.25,
    };
    // One event per line (`jq -c '.events[]'`): the timestamp sits on the same line.
    const compact = JSON.stringify({
      logStreamName: "s",
      timestamp: 1793491200000,
      message: plain,
      ingestionTime: 1793491201000,
      eventId: "1",
    });
    expect(parseReportLine(compact)).to.deep.equal({ ...record, timestampMs: 1793491200000 });
    // Pretty-printed: the message line alone (sources.ts takes the time from the line before).
    expect(parseReportLine(`            "message": ${JSON.stringify(plain)},`)).to.deep.equal(record);
    // The JSON log format's record, escaped inside the message string; its own "time" wins.
    const jsonRecord = JSON.stringify({
      time: "2026-11-01T10:00:00.000Z",
      type: "platform.report",
      record: { metrics: { durationMs: 9.5, billedDurationMs: 10, memorySizeMB: 256, maxMemoryUsedMB: 80 } },
    });
    expect(parseReportLine(JSON.stringify({ timestamp: 1, message: jsonRecord }))).to.deep.equal({
      durationMs: 9.5,
      billedDurationMs: 10,
      memorySizeMb: 256,
      maxMemoryUsedMb: 80,
      timestampMs: Date.parse("2026-11-01T10:00:00Z"),
    });
    // A quoted REPORT that is not an event's "message" (a Logs Insights CSV export) is read as it stands.
    expect(parseReportLine(`2026-11-01 10:00:00.000,"${plain.trimEnd()}"`)).to.deep.equal(record);
    // Truncated or non-REPORT messages stay skipped.
    expect(parseReportLine(`"message": "REPORT RequestId: x\\tDuration: 12.50 ms\\tBilled`)).to.equal(undefined);
    expect(
      parseReportLine(JSON.stringify({ timestamp: 1, message: "INFO REPORT RequestId: is not a report" })),
    ).to.equal(undefined);
  });

  it("keeps the record but drops a garbled leading time stamp", () => {
    expect(
      parseReportLine(
        "2026-13-99T00:00:00Z REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB",
      )!.timestampMs,
    ).to.equal(undefined);
    expect(
      parseReportLine(
        "20x6-11-01T00:00:00Z REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB",
      )!.timestampMs,
    ).to.equal(undefined);
  });
});

describe("optimize: the in-place byte reader for Lambda's plain-text line", () => {
  /** The record readPlainReportAt reads from `line` in place in a larger buffer, or undefined when it leaves the line to parseReportLine. */
  function readInPlace(line: string): ReportRecord | undefined {
    const bytes = Buffer.from(`noise before\n${line}\nnoise after`, "latin1");
    const v = newReportValues();
    return readPlainReportAt(bytes, 13, 13 + Buffer.byteLength(line, "latin1"), v) ? recordOfValues(v) : undefined;
  }

  /** A time for the line's leading stamp, or none. */
  const maybeDate = fc.option(
    fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }),
    { nil: undefined },
  );

  /** The byte reader must give parseReportLine's answer whenever it gives one. */
  function expectSameAsGeneral(line: string) {
    const fast = readInPlace(line);
    if (fast !== undefined) expect(fast, line).to.deep.equal(parseReportLine(line));
    return fast;
  }

  it("agrees with parseReportLine on every line of the fixtures and sample logs, and takes the common ones", () => {
    const root = path.join(__dirname, "..", "..");
    const files = [
      ...fs
        .readdirSync(path.join(root, "tests/fixtures/optimize"))
        .filter((f) => f.endsWith(".log"))
        .map((f) => path.join(root, "tests/fixtures/optimize", f)),
      ...fs.readdirSync(path.join(root, "samples/logs")).map((f) => path.join(root, "samples/logs", f)),
    ];
    let taken = 0;
    for (const file of files)
      for (const line of fs.readFileSync(file, "utf8").split("\n")) if (expectSameAsGeneral(line)) taken++;
    expect(taken).to.be.above(4000);
  });

  it("agrees with parseReportLine on generated variants (times, separators, cold starts, damaged fields)", () => {
    fc.assert(
      fc.property(
        maybeDate,
        fc.constantFrom("\t", " "),
        fc.option(fc.integer({ min: 0, max: 99_999 }), { nil: undefined }),
        fc.constantFrom("", "\t", " ", "\tExtra: 1 ms", "\tRestore Duration: 5.00 ms"),
        fc.integer({ min: 0, max: 5 }),
        (date, sep, init, tail, damage) => {
          const fields = [
            `Duration: 12.50 ms`,
            `Billed Duration: 13 ms`,
            `Memory Size: 128 MB`,
            `Max Memory Used: 70 MB`,
          ];
          if (init !== undefined) fields.push(`Init Duration: ${init / 100} ms`);
          if (damage < fields.length) fields[damage] = fields[damage].replace(/ m[sB]$/, "");
          const prefix = date ? `${date.toISOString()} 2026/11/01/[$LATEST]abc ` : "";
          expectSameAsGeneral(`${prefix}REPORT RequestId: 1f2e${sep}${fields.join(sep)}${tail}`);
        },
      ),
    );
  });

  const LAMBDA_ORDER = [
    "Duration: 12.50 ms",
    "Billed Duration: 13 ms",
    "Memory Size: 128 MB",
    "Max Memory Used: 70 MB",
  ];

  it("agrees with parseReportLine on odd stream names, request ids, separators and field orders", () => {
    let taken = 0;
    fc.assert(
      fc.property(
        maybeDate,
        // Stream names and request ids that hide a space, a tab, a field or a second marker.
        fc.array(fc.constantFrom("s", " ", "\t", "\u00e9", "Init", "Duration: 5 ms", "REPORT RequestId:", '"'), {
          maxLength: 4,
        }),
        fc.array(fc.constantFrom("1f2e", " ", "\t", "Init", "Billed", " Duration: 5 ms", "Restore", "\r"), {
          maxLength: 4,
        }),
        fc.constantFrom("\t", " ", "  ", "\t "),
        fc.oneof(
          // Lambda's order, with and without a cold start, or any other choice and order of fields.
          fc.constant(LAMBDA_ORDER),
          fc.constant([...LAMBDA_ORDER, "Init Duration: 1.5 ms"]),
          fc.shuffledSubarray([...LAMBDA_ORDER, "Init Duration: 1.5 ms", "Restore Duration: 3.00 ms"]),
        ),
        fc.constantFrom("", "\t", " x", "\tInit Duration: 2 ms", "\t\t"),
        (date, stream, id, sep, fields, tail) => {
          const prefix = date ? `${date.toISOString()} ${stream.join("")} ` : "";
          const line = `${prefix}REPORT RequestId: ${id.join("")}${sep}${fields.join(sep)}${tail}`;
          if (expectSameAsGeneral(line)) taken++;
        },
      ),
      { numRuns: 2000 },
    );
    // The generator does produce Lambda's own shape, which the byte reader must take.
    expect(taken).to.be.above(0);
  });

  it("takes no line whose marker or fields are cut by the end it is given", () => {
    const line =
      "2026-11-01T00:00:00.000Z s REPORT RequestId: 1f2e\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t";
    const bytes = Buffer.from(line, "latin1");
    for (let end = 0; end < bytes.length - 1; end++)
      expect(readPlainReportAt(bytes, 0, end, newReportValues()), `cut at ${end}`).to.equal(false);
    expect(readPlainReportAt(bytes, 0, bytes.length, newReportValues())).to.equal(true);
  });
});
