import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LambdaComponent, type LambdaComponentArgs } from "./lambda-component";

export interface TapStackArgs {
  environmentSuffix: string;
  memoryMb: { validator: number; enricher: number; processor: number };
  /** Bundle directory per function (lambdas/build.ts `buildHandlers()`). */
  codeDirs: { validator: string; enricher: string; processor: string };
  /** Warm executions kept on the processor's `live` alias; default 1. */
  processorProvisionedConcurrency?: number;
  /** Optional SNS topic the DLQ alarm notifies. */
  alarmTopicArn?: pulumi.Input<string>;
  logLevel?: string;
}

/** 14 days, SQS's maximum: time to inspect and redrive failed events. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * The record pipeline: validator -> enricher -> processor (chained by Lambda Destinations on async
 * invocations), one DynamoDB table, one shared dead-letter queue and an alarm on it.
 * Tags come from the AWS provider's defaultTags: pass `providers: { aws }` in `opts`.
 */
export class TapStack extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly deadLetterAlarm: aws.cloudwatch.MetricAlarm;
  readonly validator: LambdaComponent;
  readonly enricher: LambdaComponent;
  readonly processor: LambdaComponent;

  readonly tableName: pulumi.Output<string>;
  readonly dlqUrl: pulumi.Output<string>;

  constructor(name: string, args: TapStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tap:index:TapStack", name, {}, opts);
    const child = { parent: this };
    const suffix = args.environmentSuffix;

    this.table = new aws.dynamodb.Table(
      "records",
      {
        name: `tap-records-${suffix}`,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "recordId",
        attributes: [{ name: "recordId", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
      },
      child,
    );

    const dlqName = `tap-dlq-${suffix}`;
    this.deadLetterQueue = new aws.sqs.Queue(
      "dlq",
      { name: dlqName, messageRetentionSeconds: DLQ_RETENTION_SECONDS, sqsManagedSseEnabled: true },
      child,
    );

    this.deadLetterAlarm = new aws.cloudwatch.MetricAlarm(
      "dlq-visible",
      {
        name: `tap-dlq-visible-${suffix}`,
        alarmDescription: `Events failed every retry and wait in ${dlqName}`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: args.alarmTopicArn ? [args.alarmTopicArn] : [],
      },
      child,
    );

    type Stage = keyof TapStackArgs["codeDirs"];
    const stage = (name: Stage, extra: Partial<LambdaComponentArgs>) =>
      new LambdaComponent(
        name,
        {
          functionName: `tap-${name}-${suffix}`,
          codeDir: args.codeDirs[name],
          memoryMb: args.memoryMb[name],
          environment: {
            POWERTOOLS_SERVICE_NAME: `tap-${name}`,
            LOG_LEVEL: args.logLevel ?? "INFO",
            TABLE_NAME: this.table.name,
          },
          deadLetterQueueArn: this.deadLetterQueue.arn,
          ...extra,
        },
        child,
      );

    // Built last-to-first: each function's success destination must exist before it.
    this.processor = stage("processor", {
      timeoutSeconds: 30,
      statements: [{ actions: ["dynamodb:PutItem"], resources: [this.table.arn] }],
      provisionedConcurrency: { aliasName: "live", executions: args.processorProvisionedConcurrency ?? 1 },
    });
    this.enricher = stage("enricher", { onSuccessInvokeArn: this.processor.invokeTargetArn });
    this.validator = stage("validator", { onSuccessInvokeArn: this.enricher.invokeTargetArn });

    this.tableName = this.table.name;
    this.dlqUrl = this.deadLetterQueue.url;
    this.registerOutputs({
      tableName: this.tableName,
      dlqUrl: this.dlqUrl,
      validatorFunctionArn: this.validator.functionArn,
      enricherFunctionArn: this.enricher.functionArn,
      processorFunctionArn: this.processor.functionArn,
    });
  }
}
