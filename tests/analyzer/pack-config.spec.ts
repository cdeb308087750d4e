import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import { localAnalyzerInfo, readPolicyPackConfigFile, reconcilePolicyPackConfig } from "../../src/pack-config";
import { AnalyzerInfo } from "../../src/analyzer/policy-info";
import { UsageError } from "../../src/errors";

// An AnalyzerInfo as GetAnalyzerInfo would describe a two-policy pack.
const info = (): AnalyzerInfo => ({
  name: "demo",
  version: "1.0.0",
  supportsConfig: true,
  initialConfig: {},
  policies: [
    {
      name: "memory",
      description: "d",
      enforcementLevel: "mandatory",
      policyType: "resource",
      configSchema: {
        properties: {
          maxMemoryMb: { type: "integer", minimum: 128, default: 768 },
          exclude: { type: "array", items: { type: "string" } },
        },
        required: [],
      },
    },
    {
      name: "tags",
      description: "d",
      enforcementLevel: "advisory",
      policyType: "resource",
      configSchema: {
        properties: { requiredTags: { type: "array", items: { type: "string" } } },
        required: ["requiredTags"],
      },
    },
  ],
});

describe("policy pack config (--policy-pack-config)", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-cfg-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
    return f;
  };
  const usageError = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).to.be.instanceOf(UsageError);
      expect((e as Error).message).to.not.contain("\n");
      return (e as Error).message;
    }
    throw new Error("expected a UsageError");
  };

  it("fills schema defaults and keeps each policy's own level when there is no file", () => {
    const withRequired = info();
    withRequired.policies[1].configSchema!.required = [];
    expect(reconcilePolicyPackConfig(withRequired)).to.deep.equal({
      memory: { enforcementLevel: "mandatory", properties: { maxMemoryMb: 768 } },
      tags: { enforcementLevel: "advisory", properties: {} },
    });
  });

  it("checks a policy's schema only where a config layer set its properties (its own defaults come from it)", () => {
    const i = info();
    // A default its own schema would refuse: nothing sets maxMemoryMb, so the schema is not compiled for it.
    i.policies[0].configSchema!.properties.maxMemoryMb = { type: "integer", minimum: 1024, default: 768 };
    const tagsOnly = readPolicyPackConfigFile(file("tags-only.json", { tags: { requiredTags: ["Owner"] } }));
    expect(reconcilePolicyPackConfig(i, tagsOnly).memory.properties).to.deep.equal({ maxMemoryMb: 768 });
    const memory = readPolicyPackConfigFile(file("memory-exclude.json", { memory: { exclude: [] }, tags: "advisory" }));
    expect(usageError(() => reconcilePolicyPackConfig(i, memory))).to.contain(
      "policy 'memory': property 'maxMemoryMb' must be >= 1024",
    );
    // A required property is checked either way, naming the pack's defaults when there is no file.
    expect(usageError(() => reconcilePolicyPackConfig(info()))).to.equal(
      "policy pack 'demo' defaults: policy 'tags': property 'requiredTags' is required",
    );
  });

  it("our pack's defaults satisfy their own schemas", () => {
    const ajv = new Ajv({ strict: false });
    const own = localAnalyzerInfo();
    expect(own.policies.length).to.be.greaterThan(5);
    for (const p of own.policies) {
      const validate = ajv.compile({ type: "object", ...p.configSchema, additionalProperties: false });
      const defaults = reconcilePolicyPackConfig(own)[p.name].properties;
      expect(validate(defaults), `${p.name}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
  });

  it("applies 'all' first, then per-policy levels and properties over the defaults", () => {
    const cfg = readPolicyPackConfigFile(
      file("a.json", {
        all: "disabled",
        memory: { enforcementLevel: "remediate", maxMemoryMb: 1024 },
        tags: { requiredTags: ["Owner"] },
      }),
    );
    expect(reconcilePolicyPackConfig(info(), cfg)).to.deep.equal({
      memory: { enforcementLevel: "remediate", properties: { maxMemoryMb: 1024 } },
      tags: { enforcementLevel: "disabled", properties: { requiredTags: ["Owner"] } },
    });
  });

  it("applies the pack's own initial config between the defaults and the file", () => {
    const i = info();
    i.initialConfig = {
      memory: { properties: { maxMemoryMb: 512 } },
      tags: { enforcementLevel: "mandatory", properties: { requiredTags: ["A"] } },
    };
    const cfg = readPolicyPackConfigFile(file("b.json", { tags: { requiredTags: ["B"] } }));
    expect(reconcilePolicyPackConfig(i, cfg)).to.deep.equal({
      memory: { enforcementLevel: "mandatory", properties: { maxMemoryMb: 512 } },
      tags: { enforcementLevel: "mandatory", properties: { requiredTags: ["B"] } },
    });
  });

  it("rejects, in one line naming the file, policy and property: a wrong type, a missing required property, an unknown property, an unknown policy", () => {
    const bad = (name: string, content: unknown) =>
      usageError(() => reconcilePolicyPackConfig(info(), readPolicyPackConfigFile(file(name, content))));
    expect(bad("type.json", { memory: { maxMemoryMb: "big" }, tags: { requiredTags: [] } })).to.equal(
      `policy pack config ${path.join(dir, "type.json")}: policy 'memory': property 'maxMemoryMb' must be integer`,
    );
    expect(bad("min.json", { memory: { maxMemoryMb: 64 }, tags: { requiredTags: [] } })).to.contain(
      "policy 'memory': property 'maxMemoryMb' must be >= 128",
    );
    expect(bad("req.json", { memory: "advisory" })).to.contain("policy 'tags': property 'requiredTags' is required");
    expect(bad("extra.json", { memory: { maxMemory: 1 }, tags: { requiredTags: [] } })).to.contain(
      "policy 'memory': property 'maxMemory' is not a configuration property",
    );
    expect(bad("unknown.json", { memroy: "advisory" }))
      .to.contain("unknown.json")
      .and.contain("unknown policy 'memroy'");
  });

  it("rejects a __proto__ key anywhere, which JSON.parse keeps but copying would silently drop", () => {
    const proto = (name: string, text: string) => usageError(() => readPolicyPackConfigFile(file(name, text)));
    expect(proto("p1.json", '{"__proto__": {"memory": "disabled"}}')).to.equal(
      `policy pack config ${path.join(dir, "p1.json")}: key '__proto__' is not a policy name`,
    );
    expect(proto("p2.json", '{"memory": {"__proto__": {"maxMemoryMb": 1}}}')).to.equal(
      `policy pack config ${path.join(dir, "p2.json")}: key '__proto__' in policy 'memory' is not a configuration property`,
    );
    expect(proto("p3.json", '{"memory": {"limits": {"a": {"__proto__": 1}}}}')).to.contain(
      "key '__proto__' in policy 'memory' (at limits.a) is not allowed",
    );
    // An ordinary unknown key is still caught by the schema check.
    expect(
      usageError(() =>
        reconcilePolicyPackConfig(
          info(),
          readPolicyPackConfigFile(file("ctor.json", '{"memory": {"constructor": 1}, "tags": {"requiredTags": []}}')),
        ),
      ),
    ).to.contain("property 'constructor' is not a configuration property");
  });

  it("rejects malformed files before any pack is involved", () => {
    expect(usageError(() => readPolicyPackConfigFile(path.join(dir, "absent.json")))).to.contain(
      "absent.json: cannot read file (ENOENT)",
    );
    expect(usageError(() => readPolicyPackConfigFile(file("nj.json", "{")))).to.contain("nj.json: not valid JSON");
    expect(usageError(() => readPolicyPackConfigFile(file("arr.json", [])))).to.contain("expected a JSON object");
    expect(usageError(() => readPolicyPackConfigFile(file("lvl.json", { memory: "loud" })))).to.contain(
      "policy 'memory': unknown enforcement level 'loud'",
    );
    expect(
      usageError(() => readPolicyPackConfigFile(file("lvl2.json", { memory: { enforcementLevel: 3 } }))),
    ).to.contain("property 'enforcementLevel' must be one of");
    expect(usageError(() => readPolicyPackConfigFile(file("num.json", { memory: 5 })))).to.contain(
      "expected an enforcement level string or an object",
    );
    expect(
      usageError(() =>
        readPolicyPackConfigFile(file("allp.json", { all: { enforcementLevel: "advisory", maxMemoryMb: 1 } })),
      ),
    ).to.contain("only an enforcement level can apply to all");
  });
});
