import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";
import { ServerlessGuardPolicy } from "../../policy-pack/common/define";
import { TYPES } from "../../policy-pack/common/types";
import { generatedPages } from "../../scripts/generate-policy-docs";
import { analyzeResources, analyzeStack, FixtureResource, PACK_POLICY_NAMES } from "../support/policy-harness";

const PACK_DIR = path.join(__dirname, "../../policy-pack");

const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const queue = (name: string, physical: string, extra: Record<string, unknown> = {}): FixtureResource => ({
  name,
  type: TYPES.sqsQueue,
  props: {
    name: physical,
    arn: queueArn(physical),
    url: `https://sqs.us-east-1.amazonaws.com/123456789012/${physical}`,
    ...extra,
  },
});

/**
 * For each policy, a small stack its documented example finding comes from: the spec runs the policy on it and
 * expects `metadata.example` among the messages, so an example the policy no longer prints fails here.
 */
const EXAMPLE_FIXTURES: Record<string, FixtureResource[]> = {
  "lambda-memory-limit": [{ name: "resize-images", type: TYPES.lambdaFunction, props: { memorySize: 3008 } }],
  "lambda-dead-letter-queue": [
    { name: "thumbnailer", type: TYPES.lambdaFunction, props: { name: "thumbnailer-1", arn: fnArn("thumbnailer-1") } },
    {
      name: "uploads-notify",
      type: TYPES.s3BucketNotification,
      props: { bucket: "uploads", lambdaFunctions: [{ lambdaFunctionArn: fnArn("thumbnailer-1") }] },
    },
  ],
  "iam-scoped-permissions": [
    {
      name: "basic-exec",
      type: TYPES.iamRolePolicyAttachment,
      props: { role: "api-role", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
    },
  ],
  "log-group-retention": [{ name: "api-logs", type: TYPES.logGroup, props: { name: "/aws/lambda/api" } }],
  "cost-allocation-tags": [
    { name: "orders", type: TYPES.dynamodbTable, props: { tags: { Environment: "prod", Project: "shop" } } },
  ],
  "dynamodb-on-demand": [
    {
      name: "orders",
      type: TYPES.dynamodbTable,
      props: { billingMode: "PROVISIONED", readCapacity: 20, writeCapacity: 5 },
    },
  ],
  "critical-function-provisioned-concurrency": [
    {
      name: "payment-processor",
      type: TYPES.lambdaFunction,
      props: { name: "payment-processor-1", arn: fnArn("payment-processor-1") },
    },
    {
      name: "payment-processor-pc",
      type: TYPES.lambdaProvisionedConcurrency,
      props: { functionName: "payment-processor-1", qualifier: "$LATEST", provisionedConcurrentExecutions: 5 },
    },
  ],
  "dlq-alarm": [
    queue("jobs-dlq", "jobs-dlq-1"),
    queue("jobs", "jobs-1", {
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("jobs-dlq-1"), maxReceiveCount: 3 }),
    }),
  ],
  "lambda-log-group": [{ name: "worker", type: TYPES.lambdaFunction, props: { name: "worker-5678" } }],
};

/** The findings the policy reports on its example stack, without the description line the SDK puts first. */
async function exampleFindings(policy: ServerlessGuardPolicy): Promise<string[]> {
  const fixture = EXAMPLE_FIXTURES[policy.name];
  const diags =
    "validateStack" in policy ? await analyzeStack([policy], fixture) : await analyzeResources([policy], fixture);
  return diags.map((d) => d.message.slice(d.message.indexOf("\n") + 1));
}

describe("policy metadata", () => {
  it("the pack lists exactly the nine policies, each once", () => {
    expect(policies.map((p) => p.name).sort()).to.deep.equal([...PACK_POLICY_NAMES]);
  });

  it("every policy has an example stack in this spec, and no other name does", () => {
    expect(Object.keys(EXAMPLE_FIXTURES).sort()).to.deep.equal([...PACK_POLICY_NAMES]);
  });

  for (const policy of policies) {
    describe(policy.name, () => {
      it("lives in policy-pack/<name>.ts, which exports this very policy object", () => {
        const file = path.join(PACK_DIR, `${policy.name}.ts`);
        expect(fs.existsSync(file), file).to.equal(true);

        const exported = Object.values(require(file));
        expect(exported).to.include(policy);
      });

      it("has a description, a severity, remediation steps, the SDK's url and tags, and metadata", () => {
        expect(policy.description).to.be.a("string").with.length.above(20);
        expect(["low", "medium", "high", "critical"]).to.include(policy.severity);
        expect(policy.remediationSteps).to.be.a("string").with.length.above(20);
        expect(policy.tags).to.be.an("array").that.is.not.empty;
        for (const tag of policy.tags) expect(tag).to.match(/^[a-z][a-z0-9-]*$/);
        expect(policy.metadata.equivalents).to.be.an("object");
        for (const list of Object.values(policy.metadata.equivalents)) expect(list).to.be.an("array");
        expect(policy.metadata.example).to.be.a("string").with.length.above(20);
        expect(policy.metadata.details).to.be.a("string").with.length.above(20);
        // Its docs page, which the SDK sends to the engine (SARIF helpUri).
        expect(policy.url).to.equal(
          `https://github.com/serverless-guard/serverless-guard/blob/main/docs/policies/${policy.name}.md`,
        );
        // The pack's default (mandatory) applies unless the config file says otherwise.
        expect(policy.enforcementLevel).to.equal(undefined);
      });

      it("its config schema documents every key, with a default for every key but exclude", () => {
        const props = (policy.configSchema?.properties ?? {}) as Record<
          string,
          { description?: string; default?: unknown }
        >;
        expect(props).to.have.property("exclude");
        expect(props).to.not.have.property("enforcementLevel");
        for (const [key, schema] of Object.entries(props)) {
          expect(schema.description, `${key}.description`).to.be.a("string").that.is.not.empty;
          if (key !== "exclude") expect(schema, `${key}.default`).to.have.property("default");
        }
      });

      it("its example finding is one the policy really reports, on a small failing stack", async () => {
        expect(await exampleFindings(policy)).to.include(policy.metadata.example);
      });

      it("its generated page states the rule, config keys with defaults, the example, the fix and the equivalents", () => {
        const page = generatedPages().get(`${policy.name}.md`)!;
        expect(page).to.include(policy.description);
        expect(page).to.include(policy.remediationSteps);
        const props = (policy.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
        for (const [key, schema] of Object.entries(props)) {
          const row = page.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
          expect(row, `config row for ${key}`).to.be.a("string");
          if (key !== "exclude") expect(row, `default of ${key}`).to.include(`\`${JSON.stringify(schema.default)}\``);
        }
        expect(page).to.include("## Example finding\n\n```text\n" + policy.metadata.example + "\n```");
        const e = policy.metadata.equivalents;
        for (const id of [...(e.checkov ?? []), ...(e.awsConfig ?? []), ...(e.other ?? [])])
          expect(page).to.include(id);
      });
    });
  }
});
