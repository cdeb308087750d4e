import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { UsageError } from "../../src/errors";
import { snapshotEnv } from "../support/env";
import { optimize } from "./helpers";

/**
 * A stand-in for CloudWatch Logs on 127.0.0.1 speaking its JSON protocol: POST with
 * `X-Amz-Target: Logs_20140328.FilterLogEvents`, answering pages joined by nextToken. The real AWS
 * SDK client talks to it through `--endpoint`, so signing, serialisation and pagination are real.
 */
function fakeCloudWatchLogs(pagesByGroup: Record<string, Array<Array<{ timestamp: number; message: string }>>>) {
  const requests: Array<{ target: string; body: any }> = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}");
      const target = String(req.headers["x-amz-target"]);
      requests.push({ target, body });
      res.setHeader("content-type", "application/x-amz-json-1.1");
      const pages = pagesByGroup[body.logGroupName];
      if (target !== "Logs_20140328.FilterLogEvents" || !pages) {
        res.statusCode = 400;
        res.end(
          JSON.stringify({ __type: "ResourceNotFoundException", message: "The specified log group does not exist." }),
        );
        return;
      }
      const index = body.nextToken ? Number(body.nextToken) : 0;
      const events = pages[index].map((e, i) => ({
        ...e,
        logStreamName: "s",
        eventId: `${index}-${i}`,
        ingestionTime: e.timestamp,
      }));
      res.end(JSON.stringify({ events, ...(index + 1 < pages.length ? { nextToken: String(index + 1) } : {}) }));
    });
  });
  return new Promise<{ url: string; requests: typeof requests; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

const plain = (used: number, billed: number, memory = 1024) =>
  `REPORT RequestId: r\tDuration: ${billed - 0.5} ms\tBilled Duration: ${billed} ms\tMemory Size: ${memory} MB\tMax Memory Used: ${used} MB\t`;
const json = (used: number, billed: number, memory = 1024) =>
  JSON.stringify({
    type: "platform.report",
    record: {
      metrics: { durationMs: billed - 0.5, billedDurationMs: billed, memorySizeMB: memory, maxMemoryUsedMB: used },
    },
  });

describe("optimize --live (CloudWatch Logs FilterLogEvents through the AWS SDK)", () => {
  let restoreEnv: () => void;
  before(() => {
    restoreEnv = snapshotEnv();
    // The SDK's default credential chain reads these; nothing leaves 127.0.0.1.
    process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "secret";
    delete process.env.AWS_PROFILE;
  });
  after(() => {
    restoreEnv();
  });

  it("pulls every page of /aws/lambda/NAME with a REPORT filter and analyses both formats", async () => {
    const t0 = Date.parse("2026-11-01T00:00:00Z");
    // 60 invocations, one a minute: 30 plain in page 1, 30 JSON in page 2. Peak 200 MB.
    const page1 = Array.from({ length: 30 }, (_, i) => ({
      timestamp: t0 + i * 60_000,
      message: plain(i === 10 ? 200 : 100, 100),
    }));
    const page2 = Array.from({ length: 30 }, (_, i) => ({
      timestamp: t0 + (30 + i) * 60_000,
      message: json(120, 300),
    }));
    const fake = await fakeCloudWatchLogs({ "/aws/lambda/tap-processor-dev": [page1, [], page2] });
    try {
      const { reports } = await optimize([
        "--live",
        "tap-processor-dev",
        "--endpoint",
        fake.url,
        "--region",
        "us-east-1",
        "--since",
        "7d",
      ]);
      expect(fake.requests).to.have.length(3);
      for (const r of fake.requests) {
        expect(r.target).to.equal("Logs_20140328.FilterLogEvents");
        expect(r.body.logGroupName).to.equal("/aws/lambda/tap-processor-dev");
        expect(r.body.filterPattern).to.equal('?"REPORT RequestId" ?"platform.report"');
        expect(r.body.endTime - r.body.startTime).to.equal(7 * 86_400_000);
      }
      expect(fake.requests.map((r) => r.body.nextToken)).to.deep.equal([undefined, "1", "2"]);
      const r = reports[0];
      // 200 x 1.2 = 240 -> 256.
      expect(r).to.include({
        invocations: 60,
        maxMemoryUsedMb: 200,
        recommendedMemoryMb: 256,
        status: "overprovisioned",
      });
      // The events' own timestamps give the rate: 59 gaps over 59 minutes = 1 a minute = 43,800 in 730 h.
      expect(r.invocationsPerMonth).to.be.closeTo(43_800, 1e-6);
      // Mean billed (30 x 100 + 30 x 300) / 60 = 200 ms at 1 GB:
      // 43,800 x (0.0000002 + 0.2 x 1 x 0.0000166667) = 43,800 x 0.00000353334 = $0.15
      expect(r.monthlyCostCurrentUsd).to.be.closeTo(0.15, 0.005);
    } finally {
      await fake.close();
    }
  });

  it("turns a service error into a one-line UsageError", async () => {
    const fake = await fakeCloudWatchLogs({});
    try {
      const err = await optimize(["--live", "missing-fn", "--endpoint", fake.url, "--region", "us-east-1"]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(UsageError);
      expect(err!.message).to.match(
        /^missing-fn: CloudWatch Logs FilterLogEvents on \/aws\/lambda\/missing-fn failed: ResourceNotFoundException/,
      );
      expect(err!.message).to.not.contain("\n");
    } finally {
      await fake.close();
    }
  });

  it("reports a log group without REPORT lines as bad input", async () => {
    const fake = await fakeCloudWatchLogs({ "/aws/lambda/quiet": [[]] });
    try {
      const err = await optimize(["--live", "quiet", "--endpoint", fake.url]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(UsageError);
      expect(err!.message).to.match(/quiet: no REPORT lines in \/aws\/lambda\/quiet/);
    } finally {
      await fake.close();
    }
  });
});
