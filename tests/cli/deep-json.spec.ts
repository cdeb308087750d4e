import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { MAX_JSON_NESTING, nestingExceeds } from "../../src/json-depth";
import { runNode } from "../support/spawn";
import { useTempDirs } from "../support/temp";

// Deeply nested JSON in an export or a policy config is one line naming the file, exit 2 (not a stack overflow).
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

describe("deeply nested JSON input", () => {
  const tempDir = useTempDirs("sg-deep-");

  it("measures nesting exactly at the limit", () => {
    expect(nestingExceeds(JSON.parse(nested(MAX_JSON_NESTING)))).to.equal(false);
    expect(nestingExceeds(JSON.parse(nested(MAX_JSON_NESTING + 1)))).to.equal(true);
    expect(nestingExceeds({ a: [1, { b: "x" }], c: null })).to.equal(false);
  });

  it("rejects an export nested 5,000 levels deep: FILE: nesting too deep, exit 2", async () => {
    const file = path.join(tempDir(), "deep.json");
    const resource = `{"urn":"urn:pulumi:dev::p::aws:sqs/queue:Queue::q","type":"aws:sqs/queue:Queue","inputs":{"x":${nested(5000)}}}`;
    fs.writeFileSync(file, `{"version":3,"deployment":{"resources":[${resource}]}}`);
    const r = await runNode([bin, "audit", file], { cwd: root });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(
      `serverless-guard audit: ${file}: nesting too deep (more than ${MAX_JSON_NESTING} levels of objects and arrays)\n`,
    );
  });

  it("rejects a policy pack config nested 5,000 levels deep, exit 2", async () => {
    const file = path.join(tempDir(), "config.json");
    fs.writeFileSync(file, `{"lambda-memory-limit":{"maxMemoryMb":${nested(5000)}}}`);
    const r = await runNode(
      [bin, "audit", path.join(root, "tests", "fixtures", "exports", "clean.json"), "--policy-pack-config", file],
      { cwd: root },
    );
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(
      `serverless-guard audit: policy pack config ${file}: nesting too deep (more than ${MAX_JSON_NESTING} levels of objects and arrays)\n`,
    );
  });
});
