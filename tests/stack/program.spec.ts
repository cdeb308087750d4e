import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { loadTapConfig } from "../../stack/config";
import { installMockEngine, valueOf, type Registered } from "./mock-engine";

const PROGRAM = require.resolve("../../stack/index");

function withSettings<T>(config: Record<string, string>, env: Record<string, string | undefined>, fn: () => T): T {
  const savedConfig = pulumi.runtime.allConfig();
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  pulumi.runtime.setAllConfig(config);
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  try {
    return fn();
  } finally {
    pulumi.runtime.setAllConfig(savedConfig);
    for (const [k, v] of Object.entries(savedEnv))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

describe("stack: the program (stack/index.ts) and its config", () => {
  describe("loadTapConfig", () => {
    before(() => installMockEngine("tap", "config"));

    it("defaults to suffix dev and 512/512/768 MB", () => {
      const config = withSettings({}, { ENVIRONMENT_SUFFIX: undefined }, loadTapConfig);
      expect(config.environmentSuffix).to.equal("dev");
      expect(config.memoryMb).to.deep.equal({ validator: 512, enricher: 512, processor: 768 });
      expect(config.tags).to.deep.equal({
        Environment: "dev",
        Project: "tap",
        Owner: "platform-team",
        CostCenter: "engineering",
      });
    });

    it("reads the memory keys `optimize` emits, and the suffix from ENVIRONMENT_SUFFIX or tap:environmentSuffix", () => {
      const fromEnv = withSettings(
        { "tap:processorMemoryMb": "640", "tap:validatorMemoryMb": "256" },
        { ENVIRONMENT_SUFFIX: "pr42" },
        loadTapConfig,
      );
      expect(fromEnv.memoryMb).to.deep.equal({ validator: 256, enricher: 512, processor: 640 });
      expect(fromEnv.environmentSuffix).to.equal("pr42");
      const fromConfig = withSettings(
        { "tap:environmentSuffix": "stage" },
        { ENVIRONMENT_SUFFIX: "pr42" },
        loadTapConfig,
      );
      expect(fromConfig.environmentSuffix).to.equal("stage");
      expect(fromConfig.tags.Environment).to.equal("stage");
    });

    it("rejects memory outside 128..10240 MB or not a whole number, naming the key", () => {
      for (const [key, value] of [
        ["tap:processorMemoryMb", "64"],
        ["tap:enricherMemoryMb", "10241"],
        ["tap:validatorMemoryMb", "lots"],
        ["tap:processorMemoryMb", "640.5"],
      ]) {
        expect(() => withSettings({ [key]: value }, {}, loadTapConfig), `${key}=${value}`).to.throw(key);
      }
    });

    it("rejects a suffix that would make invalid resource names", () => {
      expect(() => withSettings({}, { ENVIRONMENT_SUFFIX: "Prod_1" }, loadTapConfig)).to.throw(
        /ENVIRONMENT_SUFFIX 'Prod_1' must be/,
      );
    });
  });

  describe("running stack/index.ts", () => {
    let registered: Registered[];
    let outputs: Record<string, pulumi.Output<string>>;
    const saved = { suffix: process.env.ENVIRONMENT_SUFFIX, config: {} as Record<string, string> };

    before(() => {
      registered = installMockEngine("tap", "qa");
      saved.config = pulumi.runtime.allConfig();
      process.env.ENVIRONMENT_SUFFIX = "qa1";
      pulumi.runtime.setAllConfig({ "tap:processorMemoryMb": "640" });
      delete require.cache[PROGRAM];
      outputs = require(PROGRAM);
    });
    after(() => {
      // Others (the check CLI's tests) run this program in-process too: leave no cached copy behind.
      delete require.cache[PROGRAM];
      pulumi.runtime.setAllConfig(saved.config);
      if (saved.suffix === undefined) delete process.env.ENVIRONMENT_SUFFIX;
      else process.env.ENVIRONMENT_SUFFIX = saved.suffix;
    });

    it("exports the stack outputs, named with ENVIRONMENT_SUFFIX", async () => {
      expect(Object.keys(outputs).sort()).to.include.members([
        "dlqUrl",
        "enricherFunctionArn",
        "processorFunctionArn",
        "tableName",
        "validatorFunctionArn",
      ]);
      expect(await valueOf(outputs.tableName)).to.equal("tap-records-qa1");
      expect(await valueOf(outputs.dlqUrl)).to.equal("https://sqs.us-east-1.amazonaws.com/123456789012/tap-dlq-qa1");
      for (const fn of ["validator", "enricher", "processor"]) {
        expect(await valueOf(outputs[`${fn}FunctionArn`])).to.equal(
          `arn:aws:lambda:us-east-1:123456789012:function:tap-${fn}-qa1`,
        );
      }
    });

    it("sizes the functions from config and tags through its own AWS provider", async () => {
      await valueOf(outputs.validatorFunctionArn);
      const memory = Object.fromEntries(
        registered.filter((r) => r.type === "aws:lambda/function:Function").map((r) => [r.name, r.inputs.memorySize]),
      );
      expect(memory).to.deep.equal({ validator: 512, enricher: 512, processor: 640 });
      const providers = registered.filter((r) => r.type === "pulumi:providers:aws");
      expect(providers.map((p) => p.name)).to.deep.equal(["tap-aws"]);
      const defaultTags = JSON.parse(providers[0].inputs.defaultTags);
      expect(defaultTags.tags).to.deep.equal({
        Environment: "qa1",
        Project: "tap",
        Owner: "platform-team",
        CostCenter: "engineering",
      });
    });
  });
});
