import { expect } from "chai";
import { createHash } from "crypto";
import { MAX_BATCH_SIZE, MAX_EPOCH_MS, MAX_PAYLOAD_NESTING } from "../../lambdas/shared/records";
import {
  startDynalite,
  startThrottlingProxy,
  type LocalDynamo,
  type ThrottlingOptions,
  type ThrottlingProxy,
} from "../support/dynalite";
import { snapshotEnv } from "../support/env";

type Handler = (event: unknown) => Promise<any>;
let validator: Handler;
let enricher: Handler;
let processor: Handler;

let dynamo: LocalDynamo;
let tableCounter = 0;

/** A fresh table per test, so "nothing written" is a statement about that test alone. */
async function freshTable(db: LocalDynamo = dynamo): Promise<string> {
  const name = `tap-records-test-${++tableCounter}`;
  await db.createRecordsTable(name);
  process.env.TABLE_NAME = name;
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  return name;
}

/**
 * Runs `fn` with the handlers talking to DynamoDB through a throttling proxy (see startThrottlingProxy) and
 * the SDK making `maxAttempts` attempts per request; the direct endpoint is back afterwards.
 */
async function throughThrottlingProxy(
  options: ThrottlingOptions & { maxAttempts: number },
  fn: (proxy: ThrottlingProxy) => Promise<void>,
): Promise<void> {
  const proxy = await startThrottlingProxy(dynamo.endpoint, ["PutItem"], options);
  try {
    process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
    process.env.AWS_MAX_ATTEMPTS = String(options.maxAttempts);
    await fn(proxy);
  } finally {
    delete process.env.AWS_MAX_ATTEMPTS;
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    await proxy.stop();
  }
}

async function runPipeline(event: unknown) {
  return processor(await enricher(await validator(event)));
}

function record(id: string, extra: Record<string, unknown> = {}) {
  return {
    recordId: id,
    source: "checkout",
    occurredAt: "2026-11-27T10:00:00+01:00",
    payload: { amount: 42, currency: "EUR" },
    ...extra,
  };
}

/** Collects what the handlers write to stderr (Powertools sends ERROR lines there) while `fn` runs. */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ lines: string[]; outcome: T | Error }> {
  const lines: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  (process.stderr as any).write = (chunk: any, ..._rest: any[]) => {
    lines.push(String(chunk));
    return true;
  };
  try {
    return { lines, outcome: await fn() };
  } catch (error) {
    return { lines, outcome: error as Error };
  } finally {
    (process.stderr as any).write = original;
  }
}

function errorLogs(lines: string[]) {
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l))
    .filter((l) => l.level === "ERROR");
}

describe("lambdas: validator -> enricher -> processor against a real DynamoDB API (dynalite)", () => {
  let restoreEnv: () => void;
  before(async () => {
    restoreEnv = snapshotEnv();
    // Handlers read LOG_LEVEL when their module loads: quiet the success logs, keep ERROR lines (asserted below).
    process.env.LOG_LEVEL = "ERROR";
    process.env.POWERTOOLS_SERVICE_NAME = "tap-test";
    dynamo = await startDynalite();
    validator = require("../../lambdas/validator").handler;
    enricher = require("../../lambdas/enricher").handler;
    processor = require("../../lambdas/processor").handler;
  });
  after(async () => {
    await dynamo?.stop();
    // TABLE_NAME, DYNAMODB_ENDPOINT, the log settings and what Powertools adds on load (AWS_SDK_UA_APP_ID).
    restoreEnv?.();
  });

  it("stores valid records once, normalised and hashed, even when the same event is delivered twice", async () => {
    const table = await freshTable();
    const event = {
      records: [
        record("r-1"),
        record("r-2", { occurredAt: 1764237600000 }),
        record("r-3", { payload: { b: 2, a: 1 } }),
      ],
    };

    const first = await runPipeline(event);
    expect(first.written.sort()).to.deep.equal(["r-1", "r-2", "r-3"]);
    expect(first.alreadyProcessed).to.deep.equal([]);
    const afterFirst = await dynamo.scanAll(table);

    const second = await runPipeline(event);
    expect(second.written).to.deep.equal([]);
    expect(second.alreadyProcessed.sort()).to.deep.equal(["r-1", "r-2", "r-3"]);

    const items = await dynamo.scanAll(table);
    expect(items).to.have.length(3);
    // The retry wrote nothing: every stored item is byte-for-byte the first delivery's.
    expect(items).to.have.deep.members(afterFirst);
    const byId = Object.fromEntries(items.map((i) => [i.recordId as string, i]));
    expect(byId["r-1"].occurredAt).to.equal("2026-11-27T09:00:00.000Z");
    expect(byId["r-2"].occurredAt).to.equal(new Date(1764237600000).toISOString());
    expect(byId["r-1"].stage).to.equal("processed");
    expect(byId["r-1"].payload).to.deep.equal({ amount: 42, currency: "EUR" });
    const expectedHash = createHash("sha256")
      .update('{"payload":{"amount":42,"currency":"EUR"},"source":"checkout"}')
      .digest("hex");
    expect(byId["r-1"].contentHash).to.equal(expectedHash);
  });

  it("writes each record once when two deliveries of the same event run at the same time", async () => {
    const table = await freshTable();
    const ids = Array.from({ length: 50 }, (_, i) => `c-${i}`);
    const batch = await enricher(await validator({ records: ids.map((id) => record(id)) }));
    // Async invocations are at-least-once: the same event can reach two instances concurrently.
    const [a, b] = await Promise.all([processor(batch), processor(batch)]);
    expect([...a.written, ...b.written].sort()).to.deep.equal([...ids].sort());
    expect([...a.alreadyProcessed, ...b.alreadyProcessed].sort()).to.deep.equal([...ids].sort());
    expect(await dynamo.scanAll(table)).to.have.length(ids.length);
  });

  it("hashes content independently of key order", async () => {
    const a = await enricher({ records: [record("h-1", { payload: { x: 1, y: { q: 1, p: [2, { n: 1, m: 0 }] } } })] });
    const b = await enricher({ records: [record("h-2", { payload: { y: { p: [2, { m: 0, n: 1 }], q: 1 }, x: 1 } })] });
    const c = await enricher({ records: [record("h-3", { payload: { x: 2, y: { q: 1, p: [2, { n: 1, m: 0 }] } } })] });
    // A key holding undefined is no key at all, as in the stored item (the document client drops it).
    const d = await enricher({
      records: [record("h-4", { payload: { x: 1, gone: undefined, y: { q: 1, p: [2, { n: 1, m: 0 }] } } })],
    });
    expect(a.records[0].contentHash).to.equal(b.records[0].contentHash);
    expect(a.records[0].contentHash).to.equal(d.records[0].contentHash);
    expect(a.records[0].contentHash).to.not.equal(c.records[0].contentHash);
  });

  it("accepts the Lambda Destinations envelope that chains the functions when deployed", async () => {
    const table = await freshTable();
    const envelope = (payload: unknown) => ({
      version: "1.0",
      timestamp: "2026-11-27T10:00:01.000Z",
      requestContext: {
        requestId: "x",
        functionArn: "arn:aws:lambda:us-east-1:123456789012:function:f",
        condition: "Success",
        approximateInvokeCount: 1,
      },
      requestPayload: {},
      responseContext: { statusCode: 200, executedVersion: "$LATEST" },
      responsePayload: payload,
    });
    const validated = await validator({ records: [record("d-1")] });
    const enriched = await enricher(envelope(validated));
    const result = await processor(envelope(enriched));
    expect(result.written).to.deep.equal(["d-1"]);
    expect((await dynamo.scanAll(table)).map((i) => i.recordId)).to.deep.equal(["d-1"]);
  });

  it("rejects a batch with an invalid record, naming each bad field, and writes nothing", async () => {
    const table = await freshTable();
    const bad = {
      records: [record("ok-1"), record("bad id!", { occurredAt: "yesterday" }), { ...record("ok-2"), extra: true }],
    };
    const { lines, outcome } = await captureStderr(() => runPipeline(bad));
    const error = outcome as any;
    expect(error, "the pipeline must throw").to.be.instanceOf(Error);
    expect(errorLogs(lines).map((l) => l.error.name)).to.deep.equal(["ValidationError"]);
    expect(error.name).to.equal("ValidationError");
    expect(error.message).to.match(/^invalid record batch: /);
    expect(error.message).to.include("records.1.recordId");
    expect(error.message).to.include("records.1.occurredAt");
    expect(error.message).to.include("records.2");
    expect(error.message).to.not.include("records.0");
    expect(await dynamo.scanAll(table)).to.deep.equal([]);
  });

  it("rejects, before anything is written, values the enricher or DynamoDB could not handle", async () => {
    const table = await freshTable();
    // MAX_PAYLOAD_NESTING + 1 objects below payload.
    let nested: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < MAX_PAYLOAD_NESTING; level++) nested = { n: nested };
    const bad = {
      records: [
        record("u-1", { occurredAt: MAX_EPOCH_MS + 1 }), // year 10000: no ISO-8601 four-digit year
        record("u-2", { payload: { orderNo: 2 ** 53 } }), // lib-dynamodb refuses it
        record("u-3", { payload: { list: [1, { tiny: 1e-200 }] } }), // below DynamoDB's number range
        record("u-4", { payload: { n: nested } }), // deeper than DynamoDB nests
      ],
    };
    const { outcome } = await captureStderr(() => runPipeline(bad));
    const error = outcome as Error;
    expect(error.name).to.equal("ValidationError");
    expect(error.message).to.include("records.0.occurredAt: Too big", error.message);
    expect(error.message).to.include("records.1.payload.orderNo: number 9007199254740992 is beyond ±2^53");
    expect(error.message).to.include("records.2.payload.list.1.tiny: number 1e-200 is smaller than DynamoDB's 1e-130");
    expect(error.message, error.message).to.match(/records\.3\.payload(\.n)+: nested deeper than 30 levels/);
    expect(await dynamo.scanAll(table)).to.deep.equal([]);
  });

  it("stores the extremes that are still valid: the last Date, ±2^53-1, 1e-130 and 30 levels of nesting", async () => {
    const table = await freshTable();
    // Exactly MAX_PAYLOAD_NESTING objects below payload.
    let nested: Record<string, unknown> = { leaf: 1 };
    for (let level = 1; level < MAX_PAYLOAD_NESTING; level++) nested = { n: nested };
    const payload = { max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER, small: 1e-130, zero: 0, n: nested };
    const result = await runPipeline({ records: [record("x-1", { occurredAt: MAX_EPOCH_MS, payload })] });
    expect(result.written).to.deep.equal(["x-1"]);
    const [item] = await dynamo.scanAll(table);
    expect(item.occurredAt).to.equal("9999-12-31T23:59:59.999Z");
    expect(item.payload).to.deep.equal(payload);
  });

  it("accepts a batch of MAX_BATCH_SIZE records and rejects one record more", async () => {
    const batchOf = (n: number) => ({ records: Array.from({ length: n }, (_, i) => record(`m-${i}`)) });
    expect((await validator(batchOf(MAX_BATCH_SIZE))).records).to.have.length(MAX_BATCH_SIZE);
    const { outcome } = await captureStderr(() => validator(batchOf(MAX_BATCH_SIZE + 1)));
    expect((outcome as Error).name).to.equal("ValidationError");
    expect((outcome as Error).message, (outcome as Error).message).to.match(
      new RegExp(`^invalid record batch: records: .*${MAX_BATCH_SIZE}`),
    );
  });

  it("rejects events that are not a batch, and empty batches", async () => {
    for (const event of [undefined, null, "text", { records: [] }, { Records: [{ body: "{}" }] }]) {
      const { outcome } = await captureStderr(() => validator(event));
      expect((outcome as any)?.name, JSON.stringify(event)).to.equal("ValidationError");
    }
  });

  it("the processor refuses records that skipped the enricher and writes none of the batch", async () => {
    const table = await freshTable();
    const enriched = await enricher({ records: [record("p-1")] });
    const mixed = { records: [...enriched.records, record("p-2")] };
    const { lines, outcome } = await captureStderr(() => processor(mixed));
    expect(outcome).to.be.instanceOf(Error);
    expect((outcome as Error).name).to.equal("ValidationError");
    expect(await dynamo.scanAll(table)).to.deep.equal([]);
    const logged = errorLogs(lines);
    expect(logged).to.have.length(1);
    expect(logged[0].message).to.equal("handler failed");
    expect(logged[0].service).to.equal("tap-test");
    expect(logged[0].error.name).to.equal("ValidationError");
  });

  it("throws (so Lambda retries, then the DLQ) when the DynamoDB server stops mid-run", async () => {
    const doomed = await startDynalite();
    try {
      await freshTable(doomed);
      const batch = await enricher(
        await validator({ records: Array.from({ length: 40 }, (_, i) => record(`s-${i}`)) }),
      );
      // The server goes away after answering five writes, with the rest of the batch still to write.
      let served = 0;
      doomed.server.on("request", (_req, res) => {
        res.on("finish", () => {
          if (++served === 5) doomed.crash();
        });
      });
      const { lines, outcome } = await captureStderr(() => processor(batch));
      expect(outcome, "the processor must fail").to.be.instanceOf(Error);
      expect((outcome as Error).name).to.not.equal("ConditionalCheckFailedException");
      expect(served).to.be.at.least(5);
      expect(errorLogs(lines).map((l) => l.message)).to.deep.equal(["handler failed"]);
    } finally {
      await doomed.stop();
    }
  });

  it("throws when DynamoDB throttles the writes, after the SDK's own retries, and writes nothing", async () => {
    const table = await freshTable();
    // Two attempts instead of the SDK's default three keep the throttling back-off short.
    await throughThrottlingProxy({ maxAttempts: 2 }, async (proxy) => {
      const batch = await enricher(await validator({ records: [record("t-1")] }));
      const { lines, outcome } = await captureStderr(() => processor(batch));
      expect(outcome).to.be.instanceOf(Error);
      expect((outcome as Error).name).to.equal("ProvisionedThroughputExceededException");
      // The SDK retried the throttled write before giving up.
      expect(proxy.throttled.get("PutItem")).to.equal(2);
      expect(errorLogs(lines)[0].error.name).to.equal("ProvisionedThroughputExceededException");
      expect(await dynamo.scanAll(table)).to.deep.equal([]);
    });
  });

  it("fails only after the batch's other writes have finished, leaving nothing running into the next invocation", async () => {
    const table = await freshTable();
    // One record's write is throttled at once; every other write takes a while to answer.
    await throughThrottlingProxy(
      { onlyIfBodyIncludes: '"w-0"', forwardDelayMs: 150, maxAttempts: 1 },
      async (proxy) => {
        const batch = await enricher(
          await validator({ records: Array.from({ length: 8 }, (_, i) => record(`w-${i}`)) }),
        );
        const { outcome } = await captureStderr(() => processor(batch));
        expect((outcome as Error).name).to.equal("ProvisionedThroughputExceededException");
        // Lambda freezes the sandbox once the handler settles: a write still open here would resume
        // inside whatever invocation runs next.
        expect(proxy.inFlight()).to.equal(0);
        expect((await dynamo.scanAll(table)).map((i) => i.recordId).sort()).to.deep.equal([
          "w-1",
          "w-2",
          "w-3",
          "w-4",
          "w-5",
          "w-6",
          "w-7",
        ]);
      },
    );
  });

  it("starts no further writes once one has failed, leaving the rest of the batch to the retry", async () => {
    const table = await freshTable();
    // Four times the records the processor writes at once; the first fails at once, the others take a while,
    // so by the time any worker could pick up another record, the failure is long known.
    await throughThrottlingProxy(
      { onlyIfBodyIncludes: '"f-0"', forwardDelayMs: 300, maxAttempts: 1 },
      async (proxy) => {
        const ids = Array.from({ length: 32 }, (_, i) => `f-${i}`);
        const batch = await enricher(await validator({ records: ids.map((id) => record(id)) }));
        const { outcome } = await captureStderr(() => processor(batch));
        expect((outcome as Error).name).to.equal("ProvisionedThroughputExceededException");
        expect(proxy.inFlight()).to.equal(0);
        const written = (await dynamo.scanAll(table)).map((i) => i.recordId as string);
        expect(written).to.not.include("f-0");
        expect(written.length, `written: ${written.join(", ")}`)
          .to.be.greaterThan(0)
          .and.lessThan(ids.length - 1);
      },
    );
  });

  it("the esbuild bundles the stack deploys run the same pipeline", async () => {
    const { buildHandlers } = require("../../lambdas/build");
    const dirs: Record<string, string> = buildHandlers();
    const load = (name: string): Handler => {
      const file = require.resolve(`${dirs[name]}/index.js`);
      delete require.cache[file];
      return require(file).handler;
    };
    const table = await freshTable();
    const [v, e, p] = [load("validator"), load("enricher"), load("processor")];
    const event = { records: [record("b-1"), record("b-2")] };
    expect((await p(await e(await v(event)))).written.sort()).to.deep.equal(["b-1", "b-2"]);
    expect((await p(await e(await v(event)))).alreadyProcessed.sort()).to.deep.equal(["b-1", "b-2"]);
    expect(await dynamo.scanAll(table)).to.have.length(2);
  });
});
