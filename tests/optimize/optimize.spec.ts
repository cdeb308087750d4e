import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { UsageError } from "../../src/errors";
import { useTempDirs } from "../support/temp";
import { cli, fixture, optimize } from "./helpers";

// Fixtures come from `scripts/generate-sample-logs.ts fixtures` (seed 42). Each profile pins the peak
// Max Memory Used, a repeating Billed Duration cycle and first/last timestamps; the values below are
// worked out by hand from those profiles.
const PROCESSOR = `tap-processor-dev=${fixture("processor-plain.log")}`; // 3008 MB, peak 180, 400 calls, 2 s apart
const ENRICHER = `tap-enricher-dev=${fixture("enricher-json.log")}`; //   512 MB, peak 470, 120 calls, JSON
const VALIDATOR = `tap-validator-dev=${fixture("validator-sparse.log")}`; // 1024 MB, peak 60, 12 calls
const REPORTS_API = `reports-api=${fixture("reports-api-json.log")}`; //   192 MB, peak 150, 80 calls
const RESIZER = `image-resizer=${fixture("image-resizer-plain.log")}`; //  2048 MB, peak 900, 60 calls

const CENT = 0.005;
const countLines = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0).length;

describe("optimize: recommendations and statuses from the generated fixtures", () => {
  const tempDir = useTempDirs("optimize-");
  it("sizes each function from its peak with 20% headroom, rounded up to 64 MB", async () => {
    const { reports } = await optimize([PROCESSOR, ENRICHER, VALIDATOR, REPORTS_API]);
    const byName = Object.fromEntries(reports.map((r) => [r.name, r]));
    // processor: 180 x 1.2 = 216 -> next 64 MB step 256; 256 < 3008 configured.
    expect(byName["tap-processor-dev"]).to.include({
      recommendedMemoryMb: 256,
      maxMemoryUsedMb: 180,
      currentMemoryMb: 3008,
      status: "overprovisioned",
    });
    // enricher: 470 x 1.2 = 564 > 512 configured -> under-provisioned; 564 -> 576.
    expect(byName["tap-enricher-dev"]).to.include({
      recommendedMemoryMb: 576,
      maxMemoryUsedMb: 470,
      status: "underprovisioned",
    });
    expect(byName["tap-enricher-dev"].warnings.join(" ")).to.match(
      /needs more memory: peak 470 MB is within 20% headroom of the 512 MB limit/,
    );
    // validator: 60 x 1.2 = 72 -> floor of 128; only 12 invocations (< 50).
    expect(byName["tap-validator-dev"]).to.include({
      recommendedMemoryMb: 128,
      invocations: 12,
      status: "insufficient-data",
    });
    expect(byName["tap-validator-dev"].warnings[0]).to.match(/only 12 invocation\(s\) observed, fewer than 50/);
    // reports-api: 150 x 1.2 = 180 -> 192, which is what it has.
    expect(byName["reports-api"]).to.include({ recommendedMemoryMb: 192, status: "optimized" });
  });

  it("counts invocations, cold starts and skipped noise lines", async () => {
    const { reports } = await optimize([PROCESSOR, ENRICHER]);
    const [processor, enricher] = reports;
    expect(processor.invocations).to.equal(400);
    expect(processor.coldStarts).to.equal(10); // every 40th of 400 invocations
    expect(processor.p95InitDurationMs).to.be.within(180, 290);
    expect(processor.skippedLines).to.equal(countLines(fixture("processor-plain.log")) - 400);
    expect(enricher.invocations).to.equal(120);
    expect(enricher.coldStarts).to.equal(0);
    expect(enricher.p95InitDurationMs).to.equal(null);
    expect(enricher.skippedLines).to.equal(countLines(fixture("enricher-json.log")) - 120);
    // The billed cycle 100/300 ms gives exact percentiles: half are 100, half 300.
    expect(enricher.p50BilledDurationMs).to.equal(100);
    expect(enricher.p95BilledDurationMs).to.equal(300);
    expect(processor.p95MemoryUsedMb).to.be.within(70, 180);
    expect(processor.p50MemoryUsedMb).to.be.at.most(processor.p95MemoryUsedMb);
  });

  it("prices now and after to the cent from the observed rate (x86_64)", async () => {
    const { reports } = await optimize([PROCESSOR]);
    const r = reports[0];
    // 400 invocations from t0 to t0 + 399 x 2 s: 399 gaps / 798 s = 0.5 per s; x 730 h x 3600 s = 1,314,000 a month.
    expect(r.invocationsPerMonth).to.be.closeTo(1_314_000, 1e-6);
    // Mean billed = (400 + 600 + 800 + 1000) / 4 = 700 ms.
    // Now: 1,314,000 x ($0.0000002 + 0.7 s x 3008/1024 GB x $0.0000166667)
    //    = 1,314,000 x (0.0000002 + 2.05625 x 0.0000166667) = 1,314,000 x 0.000034470904 = $45.29
    expect(r.monthlyCostCurrentUsd).to.be.closeTo(45.29, CENT);
    // After at 256 MB: duration factor = 0.5 + 0.5 x (1769/1769) / (256/1769) = 3.955078125,
    // mean billed 700 x 3.955078125 = 2768.5546875 ms; 2.7685546875 s x 0.25 GB = 0.692138671875 GB-s.
    // 1,314,000 x (0.0000002 + 0.692138671875 x 0.0000166667) = 1,314,000 x 0.000011735667 = $15.42
    expect(r.monthlyCostRecommendedUsd).to.be.closeTo(15.42, CENT);
    expect(r.warnings.join(" ")).to.match(
      /CPU scales with memory below 1769 MB: at 256 MB duration may grow; estimated x3\.96 assuming 50%/,
    );
  });

  it("prices a fixed monthly volume and the arm64 alternative to the cent", async () => {
    const enricher = (await optimize([ENRICHER, "--invocations-per-month", "10000000"])).reports[0];
    // The same volume written with digit groups or an exponent.
    for (const volume of ["10,000,000", "10_000_000", "1e7", "tap-enricher-dev=1E7"]) {
      expect(
        (await optimize([ENRICHER, "--invocations-per-month", volume])).reports[0].invocationsPerMonth,
        volume,
      ).to.equal(10_000_000);
    }
    // Mean billed (100 + 300) / 2 = 200 ms. Now at 512 MB: 0.2 s x 0.5 GB = 0.1 GB-s.
    // 10,000,000 x (0.0000002 + 0.1 x 0.0000166667) = 10,000,000 x 0.00000186667 = $18.67
    expect(enricher.monthlyCostCurrentUsd).to.be.closeTo(18.67, CENT);
    // After at 576 MB (a larger size: duration assumed unchanged): 0.2 x 0.5625 = 0.1125 GB-s.
    // 10,000,000 x (0.0000002 + 0.1125 x 0.0000166667) = 10,000,000 x 0.00000207500 = $20.75
    expect(enricher.monthlyCostRecommendedUsd).to.be.closeTo(20.75, CENT);

    const arm = (await optimize([PROCESSOR, "--arch", "arm64"])).reports[0];
    // Now stays x86_64 ($45.29 above). After on arm64 at 256 MB, same estimated duration:
    // 1,314,000 x (0.0000002 + 0.692138671875 x 0.0000133334) = 1,314,000 x 0.000009428642 = $12.39
    expect(arm.monthlyCostCurrentUsd).to.be.closeTo(45.29, CENT);
    expect(arm.monthlyCostRecommendedUsd).to.be.closeTo(12.39, CENT);
  });

  it("prices provisioned concurrency to the cent", async () => {
    const r = (await optimize([PROCESSOR, "--provisioned-concurrency", "tap-processor-dev=2"])).reports[0];
    // Now: 2 x 2.9375 GB x 2,628,000 s x $0.0000041667 = $64.33 kept warm
    //    + 1,314,000 x (0.0000002 + 2.05625 GB-s x $0.0000097222) = 1,314,000 x 0.000020191 = $26.53 -> $90.86
    expect(r.monthlyCostCurrentUsd).to.be.closeTo(90.86, CENT);
    // After: 2 x 0.25 x 2,628,000 x 0.0000041667 = $5.48
    //    + 1,314,000 x (0.0000002 + 0.692138671875 x 0.0000097222) = 1,314,000 x 0.000006929 = $9.10 -> $14.58
    expect(r.monthlyCostRecommendedUsd).to.be.closeTo(14.58, CENT);
  });

  it("goes above the pack's 768 MB ceiling only when the peak needs it, and says so loudly", async () => {
    const r = (await optimize([RESIZER])).reports[0];
    // 900 MB peak is itself above 768: 900 x 1.2 = 1080 -> 1088.
    expect(r).to.include({ recommendedMemoryMb: 1088, exceedsPackLimit: true, status: "overprovisioned" });
    expect(r.warnings.join(" ")).to.match(
      /EXCEEDS POLICY LIMIT: recommending 1088 MB, above the pack's maxMemoryMb 768 MB/,
    );
    const text = (await optimize([RESIZER])).stdout;
    expect(text).to.match(/2048 -> 1088 MB \(!\)/);
  });

  it("takes the ceiling from --policy-pack-config and caps at it when the peak fits below", async () => {
    const dir = tempDir();
    const config = path.join(dir, "policy-config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ all: "mandatory", "lambda-memory-limit": { enforcementLevel: "advisory", maxMemoryMb: 1024 } }),
    );
    const r = (await optimize([RESIZER, "--policy-pack-config", config])).reports[0];
    // 1088 would exceed 1024, but the 900 MB peak fits under it: cap at 1024 (13% headroom left).
    expect(r).to.include({ recommendedMemoryMb: 1024, exceedsPackLimit: false });
    expect(r.warnings.join(" ")).to.match(
      /capped at the pack's maxMemoryMb 1024 MB: only 13% headroom above the 900 MB peak instead of 20%/,
    );
    // A config without maxMemoryMb keeps the pack default.
    fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
    expect((await optimize([RESIZER, "--policy-pack-config", config])).reports[0].recommendedMemoryMb).to.equal(1088);
  });

  it("at the boundaries: exactly --min-invocations is enough, and peak + headroom exactly filling the size is optimized", async () => {
    // 50 invocations (the default minimum) of a 192 MB function peaking at 160 MB: 160 x 1.2 = 192.
    const report = (i: number) =>
      `REPORT RequestId: r-${i}\tDuration: 99.50 ms\tBilled Duration: 100 ms\tMemory Size: 192 MB\tMax Memory Used: ${i === 7 ? 160 : 120} MB\t`;
    const log = Array.from({ length: 50 }, (_, i) => report(i)).join("\n") + "\n";
    const [r] = (await optimize(["edge=-", "--invocations-per-month", "1000000"], Readable.from([log]))).reports;
    expect(r).to.include({
      invocations: 50,
      maxMemoryUsedMb: 160,
      currentMemoryMb: 192,
      recommendedMemoryMb: 192,
      status: "optimized",
    });
    expect(r.warnings.join(" ")).to.not.match(/too few|needs more memory/);
  });

  it("honours --headroom and --min-invocations", async () => {
    const { reports } = await optimize([PROCESSOR, VALIDATOR, "--headroom", "50", "--min-invocations", "10"]);
    // 180 x 1.5 = 270 -> 320; validator 60 x 1.5 = 90 -> 128, 12 >= 10 invocations now counts.
    expect(reports[0].recommendedMemoryMb).to.equal(320);
    expect(reports[1]).to.include({ recommendedMemoryMb: 128, status: "overprovisioned" });
  });
});

describe("optimize: output formats", () => {
  const tempDir = useTempDirs("optimize-");
  it("text: an Infracost-style table with a total line", async () => {
    const { stdout } = await optimize([PROCESSOR, ENRICHER]);
    const lines = stdout.split("\n");
    expect(lines).to.satisfy((ls: string[]) =>
      ls.some((l) =>
        /^Name\s+\| Memory now -> recommended \| Peak used \| p95 duration \| Monthly cost now -> after \| Change$/.test(
          l,
        ),
      ),
    );
    expect(stdout).to.match(
      /^tap-processor-dev\s+\| 3008 -> 256 MB\s+\| 180 MB\s+\| \d+ ms\s+\| \$45\.29 -> \$15\.42\s+\| -\$29\.87 \(-66%\)\s+overprovisioned$/m,
    );
    expect(stdout).to.match(/^tap-enricher-dev\s+\| 512 -> 576 MB\s+\| 470 MB/m);
    // Total = processor + enricher (enricher observed: 119 gaps / 1190 s x 2,628,000 = 262,800 a month,
    // x 0.00000186667 = $0.490561 now; x 0.000002075 = $0.545301 after):
    // now 45.294765 + 0.490561 = $45.79, after 15.420667 + 0.545301 = $15.97, change -$29.82 (-65%).
    expect(stdout).to.match(/^Total monthly cost: \$45\.79 -> \$15\.97 {2}-\$29\.82 \(-65%\)$/m);
    expect(stdout).to.contain("https://aws.amazon.com/lambda/pricing/");
  });

  it("json: the documented document shape", async () => {
    const { stdout } = await optimize([PROCESSOR, VALIDATOR, "--format", "json"]);
    const doc = JSON.parse(stdout);
    expect(doc.functions).to.have.length(2);
    for (const f of doc.functions) {
      expect(f).to.include.keys(
        "name",
        "invocations",
        "currentMemoryMb",
        "recommendedMemoryMb",
        "maxMemoryUsedMb",
        "p95MemoryUsedMb",
        "p95DurationMs",
        "coldStarts",
        "monthlyCostCurrentUsd",
        "monthlyCostRecommendedUsd",
        "status",
        "warnings",
      );
      expect(f).to.not.have.key("memoryUsedDistribution");
    }
    expect(doc.functions[0]).to.include({
      name: "tap-processor-dev",
      status: "overprovisioned",
      monthlyCostCurrentUsd: 45.2948,
    });
    expect(doc.totals.functions).to.equal(2);
    expect(doc.totals.monthlyCostCurrentUsd).to.be.closeTo(
      doc.functions[0].monthlyCostCurrentUsd + doc.functions[1].monthlyCostCurrentUsd,
      0.0002,
    );
    expect(doc.pricing.source).to.equal("https://aws.amazon.com/lambda/pricing/");
  });

  it("--emit pulumi: config set commands for the reference stack, a JSON patch for others", async () => {
    const { stdout } = await optimize([
      PROCESSOR,
      ENRICHER,
      VALIDATOR,
      REPORTS_API,
      RESIZER,
      "--emit",
      "pulumi",
      "--stack",
      "dev",
    ]);
    const commands = stdout.split("\n").filter((l) => l.startsWith("pulumi "));
    expect(commands.map((c) => c.replace(/\s+#.*$/, ""))).to.deep.equal([
      "pulumi config set --stack dev tap:processorMemoryMb 256",
      "pulumi config set --stack dev tap:enricherMemoryMb 576",
    ]);
    expect(stdout).to.match(/# tap-validator-dev: not changed, too few invocations \(12\)/);
    expect(stdout).to.match(/# reports-api: not changed, 192 MB is already right/);
    const patchLine = stdout.split("\n").find((l) => l.startsWith("# [{"))!;
    expect(JSON.parse(patchLine.slice(2))).to.deep.equal([
      { op: "replace", path: "/image-resizer/memorySize", value: 1088 },
    ]);
  });

  it("--output (or -o) writes the whole report to a file and says so on stderr, as check and audit do", async () => {
    const dir = tempDir();
    const out = path.join(dir, "report.json");
    const { stdout, stderr } = await optimize([PROCESSOR, "--format", "json", "--output", out]);
    expect(stdout).to.equal("");
    expect(stderr).to.equal(
      `1 function(s), 400 invocation(s), monthly cost $45.29 -> $15.42; report written to ${out}\n`,
    );
    expect(JSON.parse(fs.readFileSync(out, "utf8")).functions[0].recommendedMemoryMb).to.equal(256);
    expect(fs.readdirSync(dir)).to.deep.equal(["report.json"]);
    const short = path.join(dir, "short.txt");
    await optimize([PROCESSOR, "-o", short]);
    expect(fs.readFileSync(short, "utf8")).to.equal((await optimize([PROCESSOR])).stdout);
  });

  it("--output through the CLI: stdout stays empty, the notice is the one stderr line", () => {
    const out = path.join(tempDir(), "report.txt");
    const r = cli(["optimize", PROCESSOR, "--output", out]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal(
      `1 function(s), 400 invocation(s), monthly cost $45.29 -> $15.42; report written to ${out}\n`,
    );
    expect(fs.readFileSync(out, "utf8")).to.match(/^Lambda memory right-sizing: 1 function\(s\)/);
  });

  it("reads `-` from stdin", async () => {
    const { reports } = await optimize(
      [`tap-enricher-dev=-`],
      Readable.from([fs.readFileSync(fixture("enricher-json.log"))]),
    );
    expect(reports[0]).to.include({ invocations: 120, recommendedMemoryMb: 576 });
  });
});

describe("optimize: bad input is one line on stderr and exit 2, with no output file", () => {
  const tempDir = useTempDirs("optimize-");
  const expectUsage = (r: ReturnType<typeof cli>, pattern: RegExp) => {
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.match(pattern);
  };

  it("an unreadable file", () => {
    expectUsage(
      cli(["optimize", "fn=/nonexistent/x.log"]),
      /^serverless-guard optimize: fn: cannot read '\/nonexistent\/x\.log': ENOENT$/m,
    );
  });

  it("a file with no REPORT lines", () => {
    expectUsage(
      cli(["optimize", `fn=${fixture("no-reports.log")}`]),
      /fn: no REPORT lines in '.*no-reports\.log' \(3 other line\(s\) skipped\)/,
    );
  });

  it("a bad NAME=FILE through the CLI", () => {
    expectUsage(cli(["optimize", "just-a-file.log"]), /bad argument 'just-a-file\.log': expected NAME=FILE/);
  });

  it("rejects bad options and a bad policy config with a UsageError naming the problem", async () => {
    const rejects = async (argv: string[], pattern: RegExp) => {
      const err = await optimize(argv).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err, argv.join(" ")).to.be.instanceOf(UsageError);
      expect(err!.message).to.match(pattern);
    };
    await rejects(["fn="], /bad argument 'fn=': expected NAME=FILE/);
    await rejects(
      [PROCESSOR, "--frobnicate"],
      /^Unknown option '--frobnicate'; see 'serverless-guard optimize --help'$/,
    );
    await rejects([PROCESSOR, "--headroom", "lots"], /bad --headroom 'lots'/);
    await rejects([PROCESSOR, "--format", "yaml"], /^unknown --format 'yaml' \(expected one of: text, json, html\)$/);
    await rejects([PROCESSOR, "--arch", "sparc"], /bad --arch 'sparc'/);
    await rejects([PROCESSOR, PROCESSOR], /function 'tap-processor-dev' given twice/);
    await rejects([PROCESSOR, "--since", "3d"], /only apply with --live/);
    await rejects(
      [PROCESSOR, "--emit", "pulumi", "--format", "html"],
      /^--emit pulumi prints commands, not a report: drop --format$/,
    );
    await rejects(
      [PROCESSOR, "--invocations-per-month", "tap-procesor-dev=1000"],
      /^--invocations-per-month names 'tap-procesor-dev', which is not one of the functions given \(tap-processor-dev\)$/,
    );
    await rejects(
      [PROCESSOR, "--provisioned-concurrency", "other=2"],
      /^--provisioned-concurrency names 'other', which is not one of the functions given/,
    );
    await rejects(
      [PROCESSOR, "--provisioned-concurrency", "tap-processor-dev=1.5"],
      /^bad --provisioned-concurrency 'tap-processor-dev=1\.5': expected a whole number$/,
    );
    await rejects(
      [PROCESSOR, "--invocations-per-month", "1,00"],
      /^bad --invocations-per-month '1,00': expected a number/,
    );
    await rejects([], /^expected at least one NAME=FILE argument; see 'serverless-guard optimize --help'$/);
    await rejects([PROCESSOR, "--output", ""], /^--output needs a file name$/);
    await rejects([PROCESSOR, "--output", os.tmpdir()], /is a directory; give a file name$/);
    await rejects([`fn=${os.tmpdir()}`], /fn: '.*' is not a regular file/);
    // The same wording as check and audit (the same helper).
    await rejects(
      [PROCESSOR, "--output", "/nonexistent/dir/report.txt"],
      /^--output \/nonexistent\/dir\/report\.txt: directory \/nonexistent\/dir does not exist$/,
    );
    const dir = tempDir();
    const config = path.join(dir, "bad.json");
    fs.writeFileSync(config, JSON.stringify({ "lambda-memory-limit": { maxMemoryMb: "lots" } }));
    // The same reader and errors as check/audit: file, policy and property named.
    await rejects(
      [PROCESSOR, "--policy-pack-config", config],
      /policy pack config .*bad\.json: policy 'lambda-memory-limit': property 'maxMemoryMb' must be integer/,
    );
    fs.writeFileSync(config, JSON.stringify({ "lambda-memory-limit": { maxMemoryMb: 64 } }));
    await rejects([PROCESSOR, "--policy-pack-config", config], /property 'maxMemoryMb' must be >= 128/);
    fs.writeFileSync(config, JSON.stringify({ "lambda-memory-limt": { maxMemoryMb: 1024 } }));
    await rejects([PROCESSOR, "--policy-pack-config", config], /unknown policy 'lambda-memory-limt'/);
    fs.writeFileSync(config, "{not json");
    await rejects([PROCESSOR, "--policy-pack-config", config], /bad\.json: not valid JSON/);
    await rejects(
      [PROCESSOR, "--policy-pack-config", path.join(dir, "missing.json")],
      /missing\.json: cannot read file \(.*ENOENT/,
    );
  });

  it("writes no partial --output file when a later input fails", () => {
    const dir = tempDir();
    const out = path.join(dir, "report.html");
    expectUsage(
      cli(["optimize", PROCESSOR, "fn=/nonexistent/x.log", "--format", "html", "--output", out]),
      /cannot read/,
    );
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("words bad flags and --output problems as audit does, and both take -o", () => {
    const exportFile = path.join(__dirname, "..", "fixtures", "exports", "clean.json");
    for (const [command, input] of [
      ["optimize", PROCESSOR],
      ["audit", exportFile],
    ]) {
      const unknown = cli([command, input, "--frobnicate"]);
      expect(unknown.stderr, command).to.equal(
        `serverless-guard ${command}: Unknown option '--frobnicate'; see 'serverless-guard ${command} --help'\n`,
      );
      const missingDir = cli([command, input, "-o", "/nonexistent/dir/report.txt"]);
      expect(missingDir.stderr, command).to.equal(
        `serverless-guard ${command}: --output /nonexistent/dir/report.txt: directory /nonexistent/dir does not exist\n`,
      );
      expect([unknown.status, missingDir.status]).to.deep.equal([2, 2]);
    }
    const out = path.join(tempDir(), "audit.json");
    const audit = cli(["audit", exportFile, "--format", "json", "-o", out]);
    expect(audit.stdout).to.equal("");
    expect(audit.stderr).to.match(new RegExp(`; report written to ${out}\\n$`));
    expect(JSON.parse(fs.readFileSync(out, "utf8"))).to.have.property("summary");
  });

  it("--help prints usage and exits 0", () => {
    const r = cli(["optimize", "--help"]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^Usage: serverless-guard optimize NAME=FILE/);
    expect(r.stdout).to.contain("--headroom PCT");
  });

  it("reads stdin through the CLI", () => {
    const r = cli(
      ["optimize", "tap-enricher-dev=-", "--format", "json"],
      fs.readFileSync(fixture("enricher-json.log"), "utf8"),
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).functions[0].recommendedMemoryMb).to.equal(576);
  });
});
