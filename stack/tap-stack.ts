import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LambdaComponent } from "./lambda-component";

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

    this.deadLetterQueue = new aws.sqs.Queue(
      "dlq",
      { name: `tap-dlq-${suffix}`, messageRetentionSeconds: DLQ_RETENTION_SECONDS, sqsManagedSseEnabled: true },
      child,
    );

    this.deadLetterAlarm = new aws.cloudwatch.MetricAlarm(
      "dlq-visible",
      {
        name: `tap-dlq-visible-${suffix}`,
        alarmDescription: `Events failed every retry and wait in ${`tap-dlq-${suffix}`}`,
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

    const common = (service: string) => ({
      POWERTOOLS_SERVICE_NAME: service,
      LOG_LEVEL: args.logLevel ?? "INFO",
      TABLE_NAME: this.table.name,
    });

    // Built last-to-first: each function's success destination must exist before it.
    this.processor = new LambdaComponent(
      "processor",
      {
        functionName: `tap-processor-${suffix}`,
        codeDir: args.codeDirs.processor,
        memoryMb: args.memoryMb.processor,
        timeoutSeconds: 30,
        environment: common("tap-processor"),
        deadLetterQueueArn: this.deadLetterQueue.arn,
        statements: [{ actions: ["dynamodb:PutItem"], resources: [this.table.arn] }],
        provisionedConcurrency: { aliasName: "live", executions: args.processorProvisionedConcurrency ?? 1 },
      },
      child,
    );
    this.enricher = new LambdaComponent(
      "enricher",
      {
        functionName: `tap-enricher-${suffix}`,
        codeDir: args.codeDirs.enricher,
        memoryMb: args.memoryMb.enricher,
        environment: common("tap-enricher"),
        deadLetterQueueArn: this.deadLetterQueue.arn,
        onSuccessInvokeArn: this.processor.invokeTargetArn,
      },
      child,
    );
    this.validator = new LambdaComponent(
      "validator",
      {
        functionName: `tap-validator-${suffix}`,
        codeDir: args.codeDirs.validator,
        memoryMb: args.memoryMb.validator,
        environment: common("tap-validator"),
        deadLetterQueueArn: this.deadLetterQueue.arn,
        onSuccessInvokeArn: this.enricher.invokeTargetArn,
      },
      child,
    );

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
