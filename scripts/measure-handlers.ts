/**
 * Right-sizing evidence for the stack's memory settings: runs each deployed bundle (lambdas/dist) on
 * a batch of records against a real DynamoDB API server (dynalite on 127.0.0.1) and prints peak RSS
 * (what Lambda reports as "Max Memory Used") and duration, cold and warm.
 *
 *   node -r ts-node/register/transpile-only scripts/measure-handlers.ts [--records 1000]
 *
 * Each function runs in a fresh child process, as in a Lambda sandbox, so one handler's heap never
 * inflates another's number. The local CPU is not Lambda's arm64 slice: durations are indicative,
 * memory is the number to size by.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildHandlers, FUNCTION_NAMES, type FunctionName } from "../lambdas/build";
import { DEFAULT_MEMORY_MB } from "../stack/config";
import { startDynalite } from "../tests/support/dynalite";

interface ChildResult {
  coldMs: number;
  warmMs: number;
  peakRssMb: number;
  output: unknown;
}

function records(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => ({
    recordId: `${prefix}-${String(i).padStart(6, "0")}`,
    source: "checkout",
    occurredAt: new Date(Date.UTC(2026, 10, 27, 10, 0, 0) + i * 1000).toISOString().replace("Z", "+00:00"),
    payload: {
      orderId: `o-${i}`,
      customerId: `c-${i % 97}`,
      amount: Math.round(((i * 7919) % 100000) / 7) / 100,
      currency: "EUR",
      items: Array.from({ length: 3 }, (_, j) => ({ sku: `sku-${(i + j) % 250}`, quantity: 1 + ((i + j) % 4) })),
      note: "x".repeat(200),
    },
  }));
}

/**
 * The child: plain JavaScript run with `node -e`, so ts-node (about 100 MB of TypeScript compiler)
 * never counts against a handler's memory. Loads one bundle, invokes it on two batches (cold, then
 * warm) and writes what it measured; maxRSS is in kilobytes.
 */
const CHILD_SOURCE = `
const fs = require("fs");
const [bundle, coldFile, warmFile, resultFile] = process.argv.slice(1);
(async () => {
  const coldEvent = JSON.parse(fs.readFileSync(coldFile, "utf8"));
  const warmEvent = JSON.parse(fs.readFileSync(warmFile, "utf8"));
  const started = process.hrtime.bigint();
  const { handler } = require(bundle);
  const output = await handler(coldEvent);
  const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
  const warmStarted = process.hrtime.bigint();
  await handler(warmEvent);
  const warmMs = Number(process.hrtime.bigint() - warmStarted) / 1e6;
  fs.writeFileSync(resultFile, JSON.stringify({ coldMs, warmMs, peakRssMb: process.resourceUsage().maxRSS / 1024, output }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function main(): Promise<void> {
  const countArg = process.argv.indexOf("--records");
  const count = countArg >= 0 ? Number(process.argv[countArg + 1]) : 1000;
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    console.error("--records must be a whole number from 1 to 1000 (the handlers' batch limit)");
    process.exit(2);
  }
  const dirs = buildHandlers();
  const dynamo = await startDynalite();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tap-measure-"));
  try {
    const table = "tap-records-measure";
    await dynamo.createRecordsTable(table);
    // Each stage's input is the previous stage's real output.
    const inputs: Record<FunctionName, [unknown, unknown]> = {
      validator: [{ records: records(count, "cold") }, { records: records(count, "warm") }],
      enricher: [undefined, undefined],
      processor: [undefined, undefined],
    };
    const rows: string[] = [];
    for (const [i, name] of FUNCTION_NAMES.entries()) {
      const [cold, warm] = inputs[name];
      const coldFile = path.join(work, `${name}-cold.json`);
      const warmFile = path.join(work, `${name}-warm.json`);
      const resultFile = path.join(work, `${name}-result.json`);
      fs.writeFileSync(coldFile, JSON.stringify(cold));
      fs.writeFileSync(warmFile, JSON.stringify(warm));
      // Asynchronous: dynalite runs in this process and must keep answering while the child writes.
      const child = spawn(
        process.execPath,
        ["-e", CHILD_SOURCE, path.join(dirs[name], "index.js"), coldFile, warmFile, resultFile],
        {
          env: {
            ...process.env,
            DYNAMODB_ENDPOINT: dynamo.endpoint,
            TABLE_NAME: table,
            LOG_LEVEL: "WARN",
            POWERTOOLS_SERVICE_NAME: `tap-${name}`,
          },
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
      const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      if (status !== 0) throw new Error(`${name} failed (exit ${status})`);
      const result: ChildResult = JSON.parse(fs.readFileSync(resultFile, "utf8"));
      const next = FUNCTION_NAMES[i + 1];
      if (next) {
        // The next stage gets this stage's real output (cold) and the same with fresh ids (warm), so
        // the processor's second batch writes new items rather than finding duplicates.
        inputs[next] = [
          result.output,
          {
            records: (result.output as { records: unknown[] }).records.map((r: any) => ({
              ...r,
              recordId: `w${r.recordId}`,
            })),
          },
        ];
      }
      const memory = DEFAULT_MEMORY_MB[name];
      rows.push(
        `| ${name} | ${memory} MB | ${count} | ${result.peakRssMb.toFixed(0)} MB | ${((100 * result.peakRssMb) / memory).toFixed(0)}% | ${result.coldMs.toFixed(0)} ms | ${result.warmMs.toFixed(0)} ms |`,
      );
    }
    const stored = (await dynamo.scanAll(table)).length;
    console.log(
      `Node ${process.version}, ${os.arch()}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "unknown"})`,
    );
    console.log("| function | memory | records | peak RSS | of memory | cold (load + 1st batch) | warm (2nd batch) |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log(`items stored by the processor: ${stored} (expected ${2 * count})`);
    if (stored !== 2 * count) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(`measure-handlers: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
