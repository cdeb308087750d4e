import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * A child Node process that loads stack/index.ts the way `pulumi up` in stack/ does, minus the engine:
 * cwd stack/, and ts-node registered with the options @pulumi/pulumi/cmd/run/run.js passes when
 * Pulumi.yaml says `typescript: true` (type-checking on, `module`/`moduleResolution` nodenext, no
 * project file unless stack/tsconfig.json exists). Only the engine is mocked. The specs elsewhere
 * load the program through the repo's transpile-only CommonJS setup, which would not notice a
 * program that fails to type-check or loads as ESM under Pulumi's settings.
 */
const CHILD = `
const fs = require("fs");
const path = require("path");
const [root] = process.argv.slice(1);
process.chdir(path.join(root, "stack"));
const fromRoot = (m) => require.resolve(m, { paths: [root] });
require(fromRoot("ts-node")).register({
  compiler: fromRoot("typescript"),
  transpileOnly: undefined,
  project: "tsconfig.json",
  skipProject: !fs.existsSync("tsconfig.json"),
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" },
});
const pulumi = require(fromRoot("@pulumi/pulumi"));
const registered = [];
pulumi.runtime.setMocks({
  newResource(args) {
    registered.push({ type: args.type, name: args.name, memorySize: args.inputs.memorySize });
    const name = args.inputs.name ?? args.name;
    return { id: args.name + "-id", state: { ...args.inputs, name, arn: "arn:aws:mock:us-east-1:123456789012:" + name, url: "https://mock/" + name, version: "1" } };
  },
  call: (args) => args.inputs,
}, "tap", "dev", false);
const program = require(path.join(root, "stack", "index.ts"));
let outputs;
pulumi.all(program).apply((resolved) => (outputs = resolved));
// Once nothing is left to do, every registration has reached the mocks.
process.once("beforeExit", () => process.stdout.write(JSON.stringify({ outputs, registered })));
`;

describe("stack: loading stack/ the way the Pulumi CLI's Node.js runtime does", () => {
  let run: ReturnType<typeof spawnSync>;
  let result: { outputs: Record<string, string>; registered: { type: string; name: string; memorySize?: number }[] };

  before(function () {
    // Type-checking the program against @pulumi/aws's declarations takes 10-20 s on two cores.
    this.timeout(120_000);
    const env: NodeJS.ProcessEnv = { ...process.env, ENVIRONMENT_SUFFIX: "dev" };
    delete env.TS_NODE_PROJECT;
    delete env.TS_NODE_TRANSPILE_ONLY;
    run = spawnSync(process.execPath, ["-e", CHILD, ROOT], { cwd: ROOT, encoding: "utf8", env, timeout: 110_000 });
    result = run.stdout ? JSON.parse(String(run.stdout)) : undefined;
  });

  it("type-checks and runs from stack/ with Pulumi's TypeScript settings, finding modules in the repo root", () => {
    expect(run.status, String(run.stderr)).to.equal(0);
    expect(Object.keys(result.outputs)).to.include.members([
      "tableName",
      "dlqUrl",
      "validatorFunctionArn",
      "enricherFunctionArn",
      "processorFunctionArn",
    ]);
    expect(result.outputs.tableName).to.equal("tap-records-dev");
  });

  it("registers the whole stack, each function sized as configured", () => {
    // 3 x (component, function, role, policy, log group) + alias, provisioned concurrency,
    // 2 destination configs, table, DLQ, alarm, TapStack and the explicit provider.
    expect(result.registered).to.have.length(24);
    const memory = result.registered
      .filter((r) => r.type === "aws:lambda/function:Function")
      .map((r) => [r.name, r.memorySize]);
    expect(memory).to.have.deep.members([
      ["validator", 512],
      ["enricher", 512],
      ["processor", 768],
    ]);
  });
});
