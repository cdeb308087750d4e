import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import * as zlib from "zlib";
import { UsageError } from "../../src/errors";
import { useTempDirs } from "../support/temp";
import { fixture, optimize } from "./helpers";

// The same function's log in the containers real exports come in must give the same report as the
// plain fixture: 400 invocations, peak 180 MB -> 256 MB, $45.29 -> $15.42 at the observed rate.
const PROCESSOR_LOG = fs.readFileSync(fixture("processor-plain.log"), "utf8");
const ENRICHER_LOG = fs.readFileSync(fixture("enricher-json.log"), "utf8");
const nonEmpty = (text: string) => text.split("\n").filter((l) => l.length > 0);

async function processorReport(file: string, stdin?: Readable) {
  const { reports } = await optimize([`tap-processor-dev=${file}`], stdin);
  return reports[0];
}

function expectProcessor(r: Awaited<ReturnType<typeof processorReport>>) {
  expect(r).to.include({
    invocations: 400,
    maxMemoryUsedMb: 180,
    recommendedMemoryMb: 256,
    coldStarts: 10,
    invocationsPerMonthSource: "observed",
  });
  expect(r.invocationsPerMonth).to.be.closeTo(1_314_000, 1e-6);
  expect(r.monthlyCostCurrentUsd).to.be.closeTo(45.29, 0.005);
  expect(r.monthlyCostRecommendedUsd).to.be.closeTo(15.42, 0.005);
}

/** The events `aws logs filter-log-events` returns for the REPORT lines of a plain log. */
function filterLogEventsOf(plainLog: string) {
  return nonEmpty(plainLog)
    .filter((l) => l.includes("REPORT RequestId:") && !l.endsWith("Billed Dur"))
    .map((l, i) => ({
      logStreamName: "2026/11/01/[$LATEST]abc",
      timestamp: Date.parse(l.slice(0, 24)),
      message: l.slice(l.indexOf("REPORT")) + "\n",
      ingestionTime: Date.parse(l.slice(0, 24)) + 500,
      eventId: String(i),
    }));
}

describe("optimize: input containers (CRLF, gzip, AWS CLI output, mixed formats)", () => {
  const tempDir = useTempDirs("optimize-inputs-");
  function tempFile(name: string, body: string | Buffer): string {
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, body);
    return file;
  }

  it("reads CRLF line endings like LF", async () => {
    expectProcessor(await processorReport(tempFile("crlf.log", PROCESSOR_LOG.replace(/\n/g, "\r\n"))));
  });

  it("inflates a gzipped file and gzipped stdin, recognised by their magic bytes whatever the name", async () => {
    const gz = zlib.gzipSync(PROCESSOR_LOG);
    expectProcessor(await processorReport(tempFile("export-000001.gz", gz)));
    expectProcessor(await processorReport(tempFile("no-extension", gz)));
    expectProcessor(await processorReport("-", Readable.from([gz.subarray(0, 100), gz.subarray(100)])));
    // Two gzip members back to back (`cat a.gz b.gz`) are one stream.
    const [head, tail] = [PROCESSOR_LOG.slice(0, 50_000), PROCESSOR_LOG.slice(50_000)];
    expectProcessor(
      await processorReport(tempFile("joined.gz", Buffer.concat([zlib.gzipSync(head), zlib.gzipSync(tail)]))),
    );
  });

  it("reads a file of several MB (read 1 MB at a time into one buffer) as it reads the same bytes on stdin or gzipped", async () => {
    const events = JSON.stringify({ events: filterLogEventsOf(PROCESSOR_LOG) }, null, 4);
    const body = Array.from({ length: 12 }, (_, i) =>
      i % 2 ? PROCESSOR_LOG + events : ENRICHER_LOG + PROCESSOR_LOG,
    ).join("");
    expect(body.length).to.be.above(3 << 20);
    const json = async (file: string, stdin?: Readable) =>
      (await optimize([`f=${file}`, "--format", "json"], stdin)).stdout;
    const fromFile = await json(tempFile("big.log", body));
    expect(JSON.parse(fromFile).functions[0].invocations).to.equal(6 * (400 + 400) + 6 * (120 + 400));
    // Stdin in odd-sized chunks, so lines break at other places than in the file's 1 MB reads.
    const bytes = Buffer.from(body);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 65_521) }, (_, i) =>
      bytes.subarray(i * 65_521, (i + 1) * 65_521),
    );
    expect(await json("-", Readable.from(pieces))).to.equal(fromFile);
    expect(await json(tempFile("big.log.gz", zlib.gzipSync(bytes)))).to.equal(fromFile);
  });

  it("rejects a truncated gzip file with one line naming the file", async () => {
    const file = tempFile("cut.log.gz", zlib.gzipSync(PROCESSOR_LOG).subarray(0, 3000));
    const err = await processorReport(file).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(UsageError);
    expect(err!.message).to.equal(`tap-processor-dev: error while reading '${file}': unexpected end of file`);
  });

  it("reads `aws logs filter-log-events` JSON output, pretty-printed or one event per line, timed by each event's timestamp", async () => {
    const events = filterLogEventsOf(PROCESSOR_LOG);
    expect(events).to.have.length(400);
    expectProcessor(
      await processorReport(tempFile("events.json", JSON.stringify({ events, searchedLogStreams: [] }, null, 4))),
    );
    expectProcessor(await processorReport(tempFile("events.jsonl", events.map((e) => JSON.stringify(e)).join("\n"))));
  });

  it("reads the JSON log format wrapped in filter-log-events output", async () => {
    const events = nonEmpty(ENRICHER_LOG).map((l, i) => ({ timestamp: i, message: l + "\n", eventId: String(i) }));
    const { reports } = await optimize([
      `tap-enricher-dev=${tempFile("enricher.json", JSON.stringify({ events }, null, 4))}`,
    ]);
    // The records' own "time" (10 s apart) wins over the event timestamp: 262,800 a month, as from the raw log.
    expect(reports[0]).to.include({ invocations: 120, maxMemoryUsedMb: 470, recommendedMemoryMb: 576 });
    expect(reports[0].invocationsPerMonth).to.be.closeTo(262_800, 1e-6);
  });

  it("reads plain and JSON records mixed in one file, and warns that the memory size changed", async () => {
    const { reports } = await optimize([`mixed=${tempFile("mixed.log", PROCESSOR_LOG + ENRICHER_LOG)}`]);
    const r = reports[0];
    // Both logs start at the same instant, the processor ends at +798 s and the enricher at +1190 s,
    // so the newest record is the enricher's 512 MB; the peak is the enricher's 470 MB.
    expect(r).to.include({ invocations: 520, currentMemoryMb: 512, maxMemoryUsedMb: 470, status: "underprovisioned" });
    expect(r.warnings.join("\n")).to.contain(
      "memory size changed during the log (512, 3008 MB); using the latest, 512 MB",
    );
  });
});
