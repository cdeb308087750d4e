import { expect } from "chai";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  analyzeResources,
  analyzeStack,
  failingNames,
  remediate,
  secret,
  unknown,
  urnOf,
} from "../support/policy-harness";

// The harness itself, checked with tiny policies: it must carry config, providers, unknowns, secrets and the stack
// graph through the SDK exactly as the engine would.
const echoConfig: ResourceValidationPolicy = {
  name: "echo-config",
  description: "echoes config",
  validateResource: (args, report) => report(`config=${JSON.stringify(args.getConfig())}`),
};

const readsSize: ResourceValidationPolicy = {
  name: "reads-size",
  description: "reads props.size",
  validateResource: (args, report) => {
    if (args.props.size > 1) report(`size ${args.props.size}`);
  },
};

const readsProvider: ResourceValidationPolicy = {
  name: "reads-provider",
  description: "reads provider props",
  validateResource: (args, report) =>
    report(`provider=${JSON.stringify(args.provider?.props.region)} pw=${args.props.password}`),
};

const fixSize: ResourceValidationPolicy = {
  name: "fix-size",
  description: "clamps size",
  validateResource: () => undefined,
  remediateResource: (args) => ({ ...args.props, size: 1 }),
};

const graph: StackValidationPolicy = {
  name: "graph",
  description: "reports dependencies",
  validateStack: (args, report) => {
    for (const r of args.resources) {
      if (r.dependencies.length)
        report(`${r.name} depends on ${r.dependencies.map((d) => d.name).join(",")}; parent ${r.parent?.name}`, r.urn);
    }
  },
};

describe("policy harness (SDK serve() over gRPC)", () => {
  it("sends each call's config and nothing left over from the previous call", async () => {
    const first = await analyzeResources([echoConfig], [{ name: "a", type: "t:m:T", props: {} }], {
      "echo-config": { x: 1 },
    });
    const second = await analyzeResources([echoConfig], [{ name: "a", type: "t:m:T", props: {} }]);
    expect(first[0].message).to.include('config={"x":1}');
    expect(second[0].message).to.include("config={}");
  });

  it("applies enforcement levels from config, including all and disabled", async () => {
    const res = [{ name: "big", type: "t:m:T", props: { size: 5 } }];
    expect(failingNames(await analyzeResources([readsSize], res), "reads-size")).to.deep.equal(["big"]);
    expect(
      failingNames(await analyzeResources([readsSize], res, { all: "advisory" }), "reads-size", "advisory"),
    ).to.deep.equal(["big"]);
    expect(await analyzeResources([readsSize], res, { "reads-size": "disabled" })).to.deep.equal([]);
  });

  it("encodes unknowns as the SDK's sentinels, so reading one yields the SDK's preview advisory", async () => {
    const diags = await analyzeResources([readsSize], [{ name: "u", type: "t:m:T", props: { size: unknown.number } }]);
    expect(diags).to.have.length(1);
    expect(diags[0].enforcementLevel).to.equal("advisory");
    expect(diags[0].message).to.include("during preview");
  });

  it("passes the provider's properties and unwraps secrets", async () => {
    const diags = await analyzeResources(
      [readsProvider],
      [
        {
          name: "p",
          type: "t:m:T",
          props: { password: secret("hunter2") },
          provider: { name: "default", props: { region: "eu-west-1" } },
        },
      ],
    );
    expect(diags[0].message).to.include('provider="eu-west-1" pw=hunter2');
  });

  it("returns remediated properties only for policies at level remediate", async () => {
    const r = { name: "big", type: "t:m:T", props: { size: 5, keep: "yes" } };
    expect(await remediate([fixSize], r)).to.deep.equal([]);
    const out = await remediate([fixSize], r, { "fix-size": "remediate" });
    expect(out.map((o) => [o.policyName, o.properties])).to.deep.equal([["fix-size", { size: 1, keep: "yes" }]]);
  });

  it("builds the stack graph (parent, dependencies) for stack policies and names findings by URN", async () => {
    const parentUrn = urnOf("my:component:C", "parent");
    const diags = await analyzeStack(
      [graph],
      [
        { name: "parent", type: "my:component:C", props: {} },
        { name: "a", type: "t:m:T", props: {}, parent: parentUrn },
        { name: "b", type: "t:m:T", props: {}, parent: parentUrn, dependencies: [urnOf("t:m:T", "a")] },
      ],
    );
    expect(failingNames(diags, "graph")).to.deep.equal(["b"]);
    expect(diags[0].message).to.include("b depends on a; parent parent");
  });
});
