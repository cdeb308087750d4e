import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One IAM statement; every statement names the ARNs it applies to (no `*` resources). */
export interface ScopedStatement {
  actions: string[];
  resources: pulumi.Input<string>[];
}

export interface LambdaComponentArgs {
  /** Physical function name; also fixes the log group name `/aws/lambda/<functionName>` before deploy. */
  functionName: string;
  /** Directory holding the bundled `index.js` (see lambdas/build.ts). */
  codeDir: string;
  memoryMb: number;
  timeoutSeconds?: number;
  environment?: Record<string, pulumi.Input<string>>;
  /** The shared dead-letter queue; the role is granted sqs:SendMessage on it. */
  deadLetterQueueArn: pulumi.Input<string>;
  /** What the function's code needs, beyond logging and the DLQ. */
  statements?: ScopedStatement[];
  /** Publishes a version, points an alias at it and keeps this many executions warm on the alias. */
  provisionedConcurrency?: { aliasName: string; executions: number };
  /** Async invocations that succeed pass their result on to this function (Lambda Destinations). */
  onSuccessInvokeArn?: pulumi.Input<string>;
  logRetentionDays?: number;
}

const ASSUME_LAMBDA_ROLE = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * A Lambda function with everything the serverless-guard pack expects around it: its own log group
 * (7-day retention, created first), a least-privilege role, the shared DLQ and, optionally, an alias
 * with provisioned concurrency.
 */
export class LambdaComponent extends pulumi.ComponentResource {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly function: aws.lambda.Function;
  readonly alias?: aws.lambda.Alias;
  readonly provisionedConcurrencyConfig?: aws.lambda.ProvisionedConcurrencyConfig;
  readonly eventInvokeConfig?: aws.lambda.FunctionEventInvokeConfig;

  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  /** What callers should invoke: the alias when there is one (so provisioned concurrency is used). */
  readonly invokeTargetArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: LambdaComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tap:components:LambdaComponent", name, {}, opts);
    const child = { parent: this };

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${args.functionName}`, retentionInDays: args.logRetentionDays ?? 7 },
      child,
    );

    this.role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: ASSUME_LAMBDA_ROLE }, child);

    const statements: ScopedStatement[] = [
      // Only stream writes: the log group itself is managed here, so no logs:CreateLogGroup.
      {
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [pulumi.interpolate`${this.logGroup.arn}:*`],
      },
      // Lambda sends the event here after its async retries are exhausted.
      { actions: ["sqs:SendMessage"], resources: [args.deadLetterQueueArn] },
      ...(args.onSuccessInvokeArn
        ? [{ actions: ["lambda:InvokeFunction"], resources: [args.onSuccessInvokeArn] }]
        : []),
      ...(args.statements ?? []),
    ];
    this.rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi.all(statements.map((s) => pulumi.all(s.resources))).apply((resolved) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: statements.map((s, i) => ({ Effect: "Allow", Action: s.actions, Resource: resolved[i] })),
          }),
        ),
      },
      child,
    );

    const publish = args.provisionedConcurrency !== undefined;
    this.function = new aws.lambda.Function(
      name,
      {
        name: args.functionName,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.FileArchive(args.codeDir),
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds ?? 10,
        role: this.role.arn,
        publish,
        deadLetterConfig: { targetArn: args.deadLetterQueueArn },
        loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        environment: { variables: args.environment ?? {} },
      },
      // The log group must exist first (else Lambda creates a never-expiring one), and the role's
      // policy too: CreateFunction checks that the role may send to the DLQ.
      { ...child, dependsOn: [this.logGroup, this.rolePolicy] },
    );

    if (args.provisionedConcurrency) {
      this.alias = new aws.lambda.Alias(
        `${name}-${args.provisionedConcurrency.aliasName}`,
        {
          name: args.provisionedConcurrency.aliasName,
          functionName: this.function.name,
          functionVersion: this.function.version,
        },
        child,
      );
      this.provisionedConcurrencyConfig = new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned`,
        {
          functionName: this.function.name,
          qualifier: this.alias.name,
          provisionedConcurrentExecutions: args.provisionedConcurrency.executions,
        },
        child,
      );
    }

    if (args.onSuccessInvokeArn) {
      this.eventInvokeConfig = new aws.lambda.FunctionEventInvokeConfig(
        `${name}-destinations`,
        {
          functionName: this.function.name,
          maximumRetryAttempts: 2,
          destinationConfig: { onSuccess: { destination: args.onSuccessInvokeArn } },
        },
        // Lambda checks that the role may invoke the destination, also when only the destination changes.
        { ...child, dependsOn: [this.rolePolicy] },
      );
    }

    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.invokeTargetArn = this.alias ? this.alias.arn : this.function.arn;
    this.roleArn = this.role.arn;
    this.logGroupName = this.logGroup.name;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      invokeTargetArn: this.invokeTargetArn,
      roleArn: this.roleArn,
      logGroupName: this.logGroupName,
    });
  }
}
