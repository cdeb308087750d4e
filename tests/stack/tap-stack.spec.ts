import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildHandlers } from "../../lambdas/build";
import { LambdaComponent } from "../../stack/lambda-component";
import { TapStack } from "../../stack/tap-stack";
import { installMockEngine, registeredAll, valueOf, type Registered } from "./mock-engine";

const TAGS = { Environment: "unit", Project: "tap", Owner: "platform-team", CostCenter: "engineering" };

function componentResources(c: LambdaComponent): (pulumi.Resource | undefined)[] {
  return [
    c,
    c.logGroup,
    c.role,
    c.rolePolicy,
    c.function,
    c.alias,
    c.provisionedConcurrencyConfig,
    c.eventInvokeConfig,
  ];
}

describe("stack: TapStack under Pulumi mocks", () => {
  let registered: Registered[];
  let tap: TapStack;
  let provider: aws.Provider;
  const ofType = (type: string) => registered.filter((r) => r.type === type);
  const one = (type: string, name: string) => {
    const found = registered.filter((r) => r.type === type && r.name === name);
    expect(found, `${type} ${name}`).to.have.length(1);
    return found[0];
  };
  const policyOf = (component: string) =>
    JSON.parse(one("aws:iam/rolePolicy:RolePolicy", `${component}-policy`).inputs.policy);

  before(async () => {
    registered = installMockEngine("tap", "unit");
    provider = new aws.Provider("tap-aws", { defaultTags: { tags: TAGS } });
    tap = new TapStack(
      "tap",
      {
        environmentSuffix: "unit",
        memoryMb: { validator: 512, enricher: 512, processor: 768 },
        codeDirs: buildHandlers(),
      },
      { providers: { aws: provider } },
    );
    await registeredAll([
      provider,
      tap,
      tap.table,
      tap.deadLetterQueue,
      tap.deadLetterAlarm,
      ...componentResources(tap.validator),
      ...componentResources(tap.enricher),
      ...componentResources(tap.processor),
    ]);
  });

  it("creates one on-demand table with point-in-time recovery and encryption", () => {
    const [table, ...others] = ofType("aws:dynamodb/table:Table");
    expect(others).to.deep.equal([]);
    expect(table.inputs).to.include({ name: "tap-records-unit", billingMode: "PAY_PER_REQUEST", hashKey: "recordId" });
    expect(table.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true });
    expect(table.inputs.serverSideEncryption).to.deep.equal({ enabled: true });
    expect(table.inputs).to.not.have.any.keys("readCapacity", "writeCapacity");
  });

  it("creates one encrypted DLQ keeping messages 14 days, and an alarm on its visible messages", () => {
    const [dlq, ...others] = ofType("aws:sqs/queue:Queue");
    expect(others).to.deep.equal([]);
    expect(dlq.inputs).to.include({
      name: "tap-dlq-unit",
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
    });
    const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms).to.have.length(1);
    expect(alarms[0].inputs).to.include({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      threshold: 0,
    });
    expect(alarms[0].inputs.dimensions).to.deep.equal({ QueueName: "tap-dlq-unit" });
  });

  it("reuses LambdaComponent three times, each with its own function, role, policy and log group", async () => {
    const components = ofType("tap:components:LambdaComponent");
    expect(components.map((c) => c.name).sort()).to.deep.equal(["enricher", "processor", "validator"]);
    for (const type of [
      "aws:lambda/function:Function",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:cloudwatch/logGroup:LogGroup",
    ]) {
      const resources = ofType(type);
      expect(resources, type).to.have.length(3);
      expect(new Set(resources.map((r) => r.urn)).size, type).to.equal(3);
      // Each lives inside its own component.
      expect(new Set(resources.map((r) => r.parent)), type).to.deep.equal(new Set(components.map((c) => c.urn)));
    }
    const memory: Record<string, number> = { validator: 512, enricher: 512, processor: 768 };
    for (const name of ["validator", "enricher", "processor"]) {
      const fn = one("aws:lambda/function:Function", name);
      expect(fn.inputs).to.include({
        name: `tap-${name}-unit`,
        runtime: "nodejs22.x",
        handler: "index.handler",
        memorySize: memory[name],
      });
      expect(fn.inputs.architectures).to.deep.equal(["arm64"]);
      expect(fn.inputs.role).to.match(new RegExp(`^arn:aws:iam::123456789012:role/${name}-role-`));
      expect(fn.inputs.deadLetterConfig).to.deep.equal({
        targetArn: "arn:aws:sqs:us-east-1:123456789012:tap-dlq-unit",
      });
      expect(fn.inputs.environment.variables).to.deep.equal({
        POWERTOOLS_SERVICE_NAME: `tap-${name}`,
        LOG_LEVEL: "INFO",
        TABLE_NAME: "tap-records-unit",
      });
      // The deployed code is the esbuild bundle of this function.
      expect(await fn.inputs.code.path).to.match(new RegExp(`lambdas/dist/${name}$`));
    }
  });

  it("gives every function an explicit 7-day log group that exists before it", () => {
    for (const name of ["validator", "enricher", "processor"]) {
      const logGroup = one("aws:cloudwatch/logGroup:LogGroup", `${name}-logs`);
      expect(logGroup.inputs).to.deep.equal({ name: `/aws/lambda/tap-${name}-unit`, retentionInDays: 7 });
      const fn = one("aws:lambda/function:Function", name);
      expect(fn.inputs.loggingConfig).to.deep.equal({ logFormat: "Text", logGroup: `/aws/lambda/tap-${name}-unit` });
      expect(fn.dependencies).to.include(logGroup.urn);
      // CreateFunction checks the role may send to the DLQ, so the policy must be attached first.
      expect(fn.dependencies).to.include(one("aws:iam/rolePolicy:RolePolicy", `${name}-policy`).urn);
    }
  });

  it("grants each role exactly what its function needs, naming every resource ARN", () => {
    const logs = (fn: string) => ({
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/tap-${fn}-unit:*`],
    });
    const dlq = {
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: ["arn:aws:sqs:us-east-1:123456789012:tap-dlq-unit"],
    };
    expect(policyOf("validator").Statement).to.deep.equal([
      logs("validator"),
      dlq,
      {
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: ["arn:aws:lambda:us-east-1:123456789012:function:tap-enricher-unit"],
      },
    ]);
    expect(policyOf("enricher").Statement).to.deep.equal([
      logs("enricher"),
      dlq,
      {
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: ["arn:aws:lambda:us-east-1:123456789012:function:tap-processor-unit:live"],
      },
    ]);
    expect(policyOf("processor").Statement).to.deep.equal([
      logs("processor"),
      dlq,
      {
        Effect: "Allow",
        Action: ["dynamodb:PutItem"],
        Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/tap-records-unit"],
      },
    ]);
    // No managed policies (AWSLambdaBasicExecutionRole grants its log actions on "*").
    expect(registered.filter((r) => /PolicyAttachment|iam\/policy:Policy/.test(r.type))).to.deep.equal([]);
    for (const role of ofType("aws:iam/role:Role")) {
      expect(role.inputs).to.not.have.any.keys("managedPolicyArns", "inlinePolicies");
      expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).to.deep.equal([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  it("keeps the processor warm on its `live` alias, and only the processor", () => {
    const [config, ...others] = ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    expect(others).to.deep.equal([]);
    expect(config.inputs).to.deep.equal({
      functionName: "tap-processor-unit",
      qualifier: "live",
      provisionedConcurrentExecutions: 1,
    });
    const aliases = ofType("aws:lambda/alias:Alias");
    expect(aliases.map((a) => a.inputs)).to.deep.equal([
      { name: "live", functionName: "tap-processor-unit", functionVersion: "1" },
    ]);
    expect(one("aws:lambda/function:Function", "processor").inputs.publish).to.equal(true);
    expect(one("aws:lambda/function:Function", "validator").inputs.publish).to.equal(false);
    expect(one("aws:lambda/function:Function", "enricher").inputs.publish).to.equal(false);
  });

  it("chains validator -> enricher -> processor's alias with Lambda Destinations", () => {
    for (const name of ["validator", "enricher"]) {
      // PutFunctionEventInvokeConfig checks that the role may invoke the destination.
      const config = one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `${name}-destinations`);
      expect(config.dependencies).to.include(one("aws:iam/rolePolicy:RolePolicy", `${name}-policy`).urn);
    }
    const configs = ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").map((r) => r.inputs);
    expect(configs).to.have.deep.members([
      {
        functionName: "tap-validator-unit",
        maximumRetryAttempts: 2,
        destinationConfig: {
          onSuccess: { destination: "arn:aws:lambda:us-east-1:123456789012:function:tap-enricher-unit" },
        },
      },
      {
        functionName: "tap-enricher-unit",
        maximumRetryAttempts: 2,
        destinationConfig: {
          onSuccess: { destination: "arn:aws:lambda:us-east-1:123456789012:function:tap-processor-unit:live" },
        },
      },
    ]);
  });

  it("tags every taggable resource through the provider's defaultTags", async () => {
    const providerUrn = await valueOf(provider.urn);
    const providerInputs = one("pulumi:providers:aws", "tap-aws").inputs;
    const defaultTags =
      typeof providerInputs.defaultTags === "string"
        ? JSON.parse(providerInputs.defaultTags)
        : providerInputs.defaultTags;
    expect(defaultTags.tags).to.deep.equal(TAGS);

    // Taggable = the @pulumi/aws resource class declares a `tags` property.
    const instances: pulumi.Resource[] = [
      tap.table,
      tap.deadLetterQueue,
      tap.deadLetterAlarm,
      ...[tap.validator, tap.enricher, tap.processor].flatMap((c) => componentResources(c).slice(1)),
    ].filter((r): r is pulumi.Resource => r !== undefined);
    const taggable = new Set<string>();
    const untaggable = new Set<string>();
    for (const r of instances) {
      const type = (r as any).__pulumiType as string;
      ((r as any).tags !== undefined ? taggable : untaggable).add(type);
    }
    expect([...taggable].sort()).to.deep.equal([
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:dynamodb/table:Table",
      "aws:iam/role:Role",
      "aws:lambda/function:Function",
      "aws:sqs/queue:Queue",
    ]);
    expect(untaggable).to.include("aws:iam/rolePolicy:RolePolicy").and.include("aws:lambda/alias:Alias");
    // Every AWS resource, taggable or not, is managed by the tagged provider.
    const awsResources = registered.filter((r) => r.type.startsWith("aws:"));
    expect(awsResources).to.have.length(instances.length);
    for (const r of awsResources) {
      expect(r.provider?.split("::").slice(0, -1).join("::"), `${r.type} ${r.name}`).to.equal(providerUrn);
    }
  });

  it("exposes typed outputs", async () => {
    expect(await valueOf(tap.tableName)).to.equal("tap-records-unit");
    expect(await valueOf(tap.dlqUrl)).to.equal("https://sqs.us-east-1.amazonaws.com/123456789012/tap-dlq-unit");
    expect(await valueOf(tap.processor.functionArn)).to.equal(
      "arn:aws:lambda:us-east-1:123456789012:function:tap-processor-unit",
    );
    expect(await valueOf(tap.processor.invokeTargetArn)).to.equal(
      "arn:aws:lambda:us-east-1:123456789012:function:tap-processor-unit:live",
    );
    expect(await valueOf(tap.validator.invokeTargetArn)).to.equal(
      "arn:aws:lambda:us-east-1:123456789012:function:tap-validator-unit",
    );
    expect(await valueOf(tap.enricher.logGroupName)).to.equal("/aws/lambda/tap-enricher-unit");
  });
});
