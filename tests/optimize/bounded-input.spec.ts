import { expect } from "chai";
import { NESTING_TOO_DEEP } from "../../src/json-depth";
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { pipeline } from "stream/promises";
import * as zlib from "zlib";
import { UsageError } from "../../src/errors";
import { LineSplitter } from "../../src/optimize/lines";
import { useTempDirs } from "../support/temp";
import { cli, fixture, optimize } from "./helpers";

const report = (i: number, o: { size?: number; used?: number; billed?: number; time?: string } = {}) =>
  `${o.time ?? new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString()} s REPORT RequestId: r-${i}\tDuration: 99.50 ms\tBilled Duration: ${o.billed ?? 100} ms\tMemory Size: ${o.size ?? 1024} MB\tMax Memory Used: ${o.used ?? 200} MB\t`;
/** n records a minute apart (a span of n - 1 minutes). */
const log = (n: number, o: Parameters<typeof report>[1] = {}) =>
  Array.from({ length: n }, (_, i) => report(i, o)).join("\n") + "\n";

async function failure(argv: string[], stdin?: Readable): Promise<Error> {
  const err = await optimize(argv, stdin).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, argv.join(" ")).to.be.instanceOf(UsageError);
  return err!;
}

describe("optimize: the line splitter", () => {
  function split(chunks: Array<string | Buffer>, max?: number) {
    const lines: string[] = [];
    const splitter = new LineSplitter((bytes, start, end) => lines.push(bytes.toString("latin1", start, end)), max);
    for (const c of chunks) splitter.push(Buffer.isBuffer(c) ? c : Buffer.from(c, "latin1"));
    splitter.end();
    return { lines, overlong: splitter.overlongLines };
  }

  it("gives the same lines whatever the chunk boundaries (CRLF, a last line without newline, empty lines)", () => {
    const text = "alpha\r\nbeta\n\ngamma REPORT\r\n\r\ndelta";
    const expected = ["alpha", "beta", "", "gamma REPORT", "", "delta"];
    for (let size = 1; size <= text.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(split(chunks).lines, `chunks of ${size}`).to.deep.equal(expected);
    }
  });

  it("skips and counts lines longer than the limit, in one chunk or across many, and keeps the lines around them", () => {
    expect(split(["ok\n" + "x".repeat(11) + "\nfine\n"], 10)).to.deep.equal({ lines: ["ok", "fine"], overlong: 1 });
    expect(split(["ok\nxxxx", "xxxx", "xxxx", "xx\nfine", "\n", "y".repeat(30)], 10)).to.deep.equal({
      lines: ["ok", "fine"],
      overlong: 2,
    });
    // Exactly the limit is a line.
    expect(split(["0123456789\n"], 10)).to.deep.equal({ lines: ["0123456789"], overlong: 0 });
  });

  it("keeps UTF-8 bytes as they are (one character per byte), wherever a chunk boundary falls", () => {
    const bytes = Buffer.from("héllo ☃\nnext\n", "utf8");
    const { lines } = split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]);
    expect(lines.map((l) => Buffer.from(l, "latin1").toString("utf8"))).to.deep.equal(["héllo ☃", "next"]);
  });
});

describe("optimize: bounded and implausible input", () => {
  const tempDir = useTempDirs("optimize-bounded-");

  it("streams a gzip of hundreds of MB of zeros (one endless line) in bounded memory: the line is skipped and counted", async function () {
    this.timeout(60_000);
    const file = path.join(tempDir(), "zeros.gz");
    const MB = 1 << 20;
    const zeros = Buffer.alloc(MB);
    const total = 256;
    // A few REPORT lines before the bomb, so the run still has something to report.
    await pipeline(
      Readable.from(
        (function* () {
          yield Buffer.from(log(60));
          for (let i = 0; i < total; i++) yield zeros;
        })(),
      ),
      zlib.createGzip({ level: 1 }),
      fs.createWriteStream(file),
    );
    expect(fs.statSync(file).size).to.be.below(4 * MB);
    const before = process.memoryUsage().rss;
    const { reports } = await optimize([`fn=${file}`, "--format", "json"]);
    expect(process.memoryUsage().rss - before).to.be.below(128 * MB);
    expect(reports[0]).to.include({ invocations: 60, skippedLines: 1, overlongLines: 1 });
    expect(reports[0].warnings).to.include("skipped 1 line(s) longer than 1 MB, which cannot be Lambda log lines");
  });

  it("the CLI on a zip bomb alone: one line on stderr, exit 2", async function () {
    this.timeout(60_000);
    const file = path.join(tempDir(), "bomb.gz");
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < 64; i++) yield Buffer.alloc(1 << 20);
        })(),
      ),
      zlib.createGzip(),
      fs.createWriteStream(file),
    );
    const r = cli(["optimize", `fn=${file}`]);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(
      `serverless-guard optimize: fn: no REPORT lines in '${file}' (1 other line(s) skipped)\n`,
    );
  });

  it("skips REPORT records Lambda cannot produce, with a warning and a count, and prices only the rest", async () => {
    const bad = [
      report(1, { used: 2048 }),
      report(2, { size: 99_999, used: 100 }),
      report(3, { size: 64, used: 10 }),
    ].join("\n");
    const { reports, stdout } = await optimize(["fn=-", "--format", "json"], Readable.from([log(60) + bad + "\n"]));
    const r = reports[0];
    expect(r).to.include({ invocations: 60, implausibleRecords: 3, maxMemoryUsedMb: 200, currentMemoryMb: 1024 });
    expect(r.warnings).to.include(
      "skipped 3 REPORT record(s) with values Lambda cannot produce (first: Max Memory Used 2048 MB is above Memory Size 1024 MB)",
    );
    expect(JSON.parse(stdout).functions[0].implausibleRecords).to.equal(3);
    // Absent when there are none, so reports of clean logs are unchanged.
    const clean = JSON.parse((await optimize([`fn=${fixture("processor-plain.log")}`, "--format", "json"])).stdout)
      .functions[0];
    expect(clean).to.not.have.any.keys("implausibleRecords", "overlongLines", "insufficientData");
  });

  it("a memorySizeMB of 1e308 in a JSON record is skipped, never priced as $Infinity", async () => {
    const record = JSON.stringify({
      time: "2026-11-01T00:00:00Z",
      type: "platform.report",
      record: { metrics: { durationMs: 1, billedDurationMs: 1, memorySizeMB: 1e308, maxMemoryUsedMB: 100 } },
    });
    const err = await failure(["fn=-"], Readable.from([record + "\n"]));
    expect(err.message).to.equal(
      "fn: no usable REPORT lines in stdin: 1 with values Lambda cannot produce (first: Memory Size 1e+308 MB is outside Lambda's 128..10240 MB), 0 other line(s) skipped",
    );
  });

  it("a cost beyond any Lambda bill is an error naming the function, not $Infinity", async () => {
    const huge = "9".repeat(300);
    const err = await failure(["fn=-"], Readable.from([log(60, { billed: huge as unknown as number })]));
    expect(err.message).to.match(
      /^fn: monthly cost out of range \(above \$1e\+15\): mean Billed Duration 1e\+300 ms, \d+ invocation\(s\) a month; check the log's Billed Duration values$/,
    );
    const r = cli(["optimize", "fn=-"], log(60, { billed: huge as unknown as number }));
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.not.contain("Infinity");
  });

  it("does not extrapolate a monthly volume from less than 10 minutes: insufficient-data, priced at the observed count", async () => {
    // 60 records 1 ms apart would otherwise be billions of invocations a month.
    const fast = Array.from({ length: 60 }, (_, i) =>
      report(i, { time: new Date(Date.UTC(2026, 10, 1) + i).toISOString() }),
    ).join("\n");
    const { reports, stdout } = await optimize(["fn=-"], Readable.from([fast]));
    const r = reports[0];
    expect(r).to.include({
      status: "insufficient-data",
      invocationsPerMonth: 60,
      invocationsPerMonthSource: "observed",
    });
    expect(r.warnings).to.include(
      "the log spans only 0.059 s of timestamped REPORT lines (extrapolating a monthly volume needs 10 minutes), so the monthly cost prices only the 60 observed invocation(s); pass --invocations-per-month",
    );
    expect(stdout).to.match(/^fn .*insufficient-data$/m);
    // --emit leaves it alone and says why; a given volume makes it a normal recommendation.
    const emitted = (await optimize(["tap-processor-x=-", "--emit", "pulumi"], Readable.from([fast]))).stdout;
    expect(emitted).to.contain(
      "# tap-processor-x: not changed, the log's time span is too short to price the change (pass --invocations-per-month)",
    );
    const given = (await optimize(["fn=-", "--invocations-per-month", "1e6"], Readable.from([fast]))).reports[0];
    expect(given).to.include({ status: "overprovisioned", invocationsPerMonth: 1e6 });
    // Exactly 10 minutes is enough: 11 records a minute apart, 10 gaps in 600 s.
    const enough = (await optimize(["fn=-", "--min-invocations", "1"], Readable.from([log(11)]))).reports[0];
    expect(enough.status).to.equal("overprovisioned");
    expect(enough.invocationsPerMonth).to.be.closeTo((10 / 600) * 730 * 3600, 1e-9);
  });

  it("a log without timestamps is insufficient-data too, unless a volume is given", async () => {
    const untimed = log(60).replace(/^\S+ s /gm, "");
    const r = (await optimize(["fn=-"], Readable.from([untimed]))).reports[0];
    expect(r).to.include({ status: "insufficient-data", invocationsPerMonth: 60 });
    expect(r.warnings.join("\n")).to.contain("the log carries no time span (needs 2+ timestamped REPORT lines)");
  });

  it("deeply nested JSON: a log line is skipped like any other; a policy config names the file, exit 2", () => {
    const dir = tempDir();
    const deep = (n: number) => `{"type":"platform.report","record":${'{"a":'.repeat(n)}1${"}".repeat(n)}}`;
    const logFile = path.join(dir, "deep.log");
    fs.writeFileSync(logFile, log(60) + deep(100_000) + "\n");
    const ok = cli(["optimize", `fn=${logFile}`, "--format", "json", "--invocations-per-month", "1000"]);
    expect(ok.status, ok.stderr).to.equal(0);
    expect(JSON.parse(ok.stdout).functions[0]).to.include({ invocations: 60, skippedLines: 1 });

    const config = path.join(dir, "deep-config.json");
    fs.writeFileSync(
      config,
      `{"lambda-memory-limit":{"enforcementLevel":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}}`,
    );
    const r = cli(["optimize", `fn=${logFile}`, "--policy-pack-config", config]);
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal(`serverless-guard optimize: policy pack config ${config}: ${NESTING_TOO_DEEP}\n`);
  });
});
