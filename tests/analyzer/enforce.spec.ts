// enforce(): the driver on the built pack and on throw-away packs, through the real launcher and gRPC.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { enforce } from "../../src/analyzer/enforce";
import { readPolicyPackConfigFile } from "../../src/pack-config";
import { ResourceGraph, ResourceRecord, SECRET_SIG, SECRET_SIG_VALUE } from "../../src/analyzer/resource-record";
import { writeEmptyPack, writePack } from "../../scripts/policy-packs";
import { customResource, devUrn } from "../support/resource-records";

const TAGS = { Environment: "t", Project: "p", Owner: "o", CostCenter: "c" };
const urn = (type: string, name: string) => devUrn("proj", type, name);
const res = (type: string, name: string, inputs: Record<string, unknown>, outputs = inputs): ResourceRecord =>
  customResource("proj", type, name, inputs, outputs);
const graph = (...resources: ResourceRecord[]): ResourceGraph => ({
  project: "proj",
  stack: "dev",
  resources,
  fakedInvokes: ["aws:ec2/getAmi:getAmi"],
});

describe("enforce() driver", function () {
  this.timeout(120_000);
  const temp: string[] = [];
  after(() => temp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("reports resource findings from Analyze and stack findings from AnalyzeStack, with counts and faked invokes", async () => {
    const fn = res("aws:lambda/function:Function", "big", { name: "big-1", memorySize: 3008, tags: TAGS });
    const r = await enforce(graph(fn));
    const memory = r.violations.find((v) => v.policyName === "lambda-memory-limit")!;
    expect(memory).to.include({
      resourceUrn: fn.urn,
      enforcementLevel: "mandatory",
      phase: "analyze",
      policyPackName: "serverless-guard",
    });
    const logGroup = r.violations.find((v) => v.policyName === "lambda-log-group")!;
    expect(logGroup).to.include({ resourceUrn: fn.urn, phase: "analyzeStack" });
    expect(r.summary).to.deep.equal({
      resources: 1,
      mandatory: r.violations.length,
      advisory: 0,
      fakedInvokes: ["aws:ec2/getAmi:getAmi"],
    });
    expect(r.policies.map((p) => p.name)).to.include("lambda-memory-limit");
    expect(r.config["lambda-memory-limit"].enforcementLevel).to.equal("mandatory");
    expect(r.logs.some((l) => l.message.includes("Running program"))).to.equal(true);
  });

  it("fails with the graph's own error, before starting any pack, when the graph has already failed", async () => {
    // The pack directory does not exist: were a pack started, its start-up error would come first.
    const failed = Promise.reject(new Error("state.json: not valid JSON"));
    const err = await enforce(failed, { packDir: path.join(__dirname, "no-such-pack") }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.equal("state.json: not valid JSON");
  });

  it("never crashes or gives a mandatory verdict on an encrypted secret the policy needs", async () => {
    const fn = res("aws:lambda/function:Function", "secret-mem", {
      memorySize: { [SECRET_SIG]: SECRET_SIG_VALUE, ciphertext: "v1:abc" },
      deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:1:dlq" },
      tags: TAGS,
    });
    const r = await enforce(graph(fn));
    // Not a silent pass either: the secret reaches the pack as a value it cannot know, which it says in an advisory.
    const memory = r.violations.filter((v) => v.policyName === "lambda-memory-limit");
    expect(memory.map((v) => [v.enforcementLevel, v.phase])).to.deep.equal([["advisory", "analyze"]]);
    expect(memory[0].message).to.contain("can't be known during preview").and.contain("memorySize");
  });

  it("applies remediations before Analyze, as the engine does, and returns the whole property bag", async () => {
    const dir = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "sg-enf-")));
    temp.push(dir);
    const cfg = path.join(dir, "cfg.json");
    fs.writeFileSync(cfg, JSON.stringify({ "lambda-memory-limit": "remediate" }));
    const fn = res("aws:lambda/function:Function", "big", {
      name: "big-1",
      memorySize: 3008,
      runtime: "nodejs20.x",
      tags: TAGS,
    });
    const r = await enforce(graph(fn), { policyPackConfig: readPolicyPackConfigFile(cfg) });
    expect(r.remediations).to.deep.equal([
      {
        policyName: "lambda-memory-limit",
        resourceUrn: fn.urn,
        description: r.remediations[0].description,
        properties: { name: "big-1", memorySize: 768, runtime: "nodejs20.x", tags: TAGS },
        previous: fn.inputs,
      },
    ]);
    expect(r.violations.map((v) => v.policyName)).to.not.include("lambda-memory-limit");
  });

  it("drives any pack: an empty one reports nothing", async () => {
    const dir = writeEmptyPack();
    temp.push(dir);
    const r = await enforce(graph(res("aws:lambda/function:Function", "f", { memorySize: 9999 })), { packDir: dir });
    expect(r.policyPack).to.deep.equal({ name: "empty", version: "0.0.1" });
    expect(r.violations).to.deep.equal([]);
    expect(r.policies).to.deep.equal([]);
  });

  it("passes inputs, provider properties and options through to the pack as the engine would", async () => {
    // A pack that reports what it was given, so the wire format itself is asserted.
    const dir = writePack(
      "echo",
      `new PolicyPack("echo", { enforcementLevel: "advisory", policies: [{
        name: "echo", description: "echo",
        validateResource: (args, report) => report(JSON.stringify({ props: args.props, provider: args.provider && { name: args.provider.name, props: args.provider.props }, protect: args.opts.protect, parent: args.opts.parent })),
      }, {
        name: "echo-stack", description: "echo-stack",
        validateStack: (args, report) => report(JSON.stringify(args.resources.map((r) => ({ name: r.name, deps: r.dependencies.map((d) => d.name), parent: r.parent && r.parent.name })))),
      }] });`,
    );
    temp.push(dir);
    const parent = { ...res("app:Comp", "comp", {}), custom: false };
    const child = res(
      "aws:sqs/queue:Queue",
      "q",
      { name: "q-1", visibility: 30, nested: { a: [1, null, "x"] } },
      { arn: "arn:q" },
    );
    child.parent = parent.urn;
    child.dependencies = [parent.urn];
    child.options = { protect: true };
    child.provider = {
      urn: urn("pulumi:providers:aws", "prov"),
      name: "prov",
      type: "pulumi:providers:aws",
      properties: { defaultTags: { tags: TAGS } },
    };
    const r = await enforce(graph(parent, child), { packDir: dir });
    const echo = r.violations.find((v) => v.policyName === "echo" && v.resourceUrn === child.urn)!;
    expect(JSON.parse(echo.message.split("\n")[1])).to.deep.equal({
      props: { name: "q-1", visibility: 30, nested: { a: [1, null, "x"] } },
      provider: { name: "prov", props: { defaultTags: { tags: TAGS } } },
      protect: true,
      parent: parent.urn,
    });
    const stack = r.violations.find((v) => v.policyName === "echo-stack")!;
    expect(stack.phase).to.equal("analyzeStack");
    expect(JSON.parse(stack.message.split("\n")[1])).to.deep.equal(
      [{ name: "comp" }, { name: "q", deps: ["comp"], parent: "comp" }].map((x) => ({ deps: [], ...x })),
    );
    expect(r.summary.advisory).to.equal(r.violations.length);
  });

  it("analyzes every registered resource, default providers included, but not reads (external)", async () => {
    const dir = writePack(
      "seen",
      `new PolicyPack("seen", { policies: [{ name: "seen", description: "seen", enforcementLevel: "advisory", validateResource: (args, report) => report(args.name) }] });`,
    );
    temp.push(dir);
    const defaultProvider = res("pulumi:providers:aws", "default_7_48_0", { region: "us-east-1" });
    const read = { ...res("aws:iam/role:Role", "shared", {}), external: true };
    const queue = res("aws:sqs/queue:Queue", "q", { name: "q-1" });
    const r = await enforce(graph(defaultProvider, read, queue), { packDir: dir });
    expect(
      r.violations
        .filter((v) => v.phase === "analyze")
        .map((v) => v.message.split("\n")[1])
        .sort(),
    ).to.deep.equal(["default_7_48_0", "q"]);
    expect(r.summary.resources).to.equal(3);
  });

  it("fails with the pack's own error when the pack cannot start", async () => {
    const dir = writePack("broken", `throw new Error("pack exploded on load");`);
    temp.push(dir);
    let err: Error | undefined;
    try {
      await enforce(graph(), { packDir: dir });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message)
      .to.match(/exited with code \d+ before serving/)
      .and.to.contain("pack exploded on load");
  });

  it("turns a policy that throws into a one-line error naming the RPC and the resource", async () => {
    const dir = writePack(
      "throws",
      `new PolicyPack("throws", { policies: [{ name: "boom", description: "boom", validateResource: () => { throw new Error("policy bug"); } }] });`,
    );
    temp.push(dir);
    const fn = res("aws:lambda/function:Function", "f", {});
    let err: Error | undefined;
    try {
      await enforce(graph(fn), { packDir: dir });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.not.contain("\n");
    expect(err?.message).to.match(
      new RegExp(`^policy pack analyze on ${fn.urn.replace(/[$]/g, "\\$")} failed: .*policy bug`),
    );
  });

  it("fails a policy that never returns at the RPC deadline, naming the RPC and the resource, instead of hanging", async () => {
    const dir = writePack(
      "hangs",
      `new PolicyPack("hangs", { policies: [{ name: "waits", description: "waits", validateResource: () => new Promise(() => undefined) }] });`,
    );
    temp.push(dir);
    const fn = res("aws:lambda/function:Function", "f", {});
    // The deadline applies to every RPC: leave the set-up calls room on a loaded two-core machine.
    const err = await enforce(graph(fn), { packDir: dir, rpcTimeoutMs: 3000 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/^policy pack analyze on \S+::f failed: Deadline exceeded/);
  });
});
