import * as aws from "@pulumi/aws";
import { buildHandlers } from "../lambdas/build";
import { loadTapConfig } from "./config";
import { TapStack } from "./tap-stack";

const config = loadTapConfig();

// Cost-allocation tags reach every taggable resource through this provider's defaultTags.
const provider = new aws.Provider("tap-aws", {
  ...(config.region ? { region: config.region } : {}),
  defaultTags: { tags: config.tags },
});

const tap = new TapStack(
  "tap",
  {
    environmentSuffix: config.environmentSuffix,
    memoryMb: config.memoryMb,
    codeDirs: buildHandlers(),
    alarmTopicArn: config.alarmTopicArn,
  },
  { providers: { aws: provider } },
);

export const tableName = tap.tableName;
export const dlqUrl = tap.dlqUrl;
export const validatorFunctionArn = tap.validator.functionArn;
export const enricherFunctionArn = tap.enricher.functionArn;
export const processorFunctionArn = tap.processor.functionArn;
/** Invoke the pipeline here (asynchronously): `aws lambda invoke --invocation-type Event ...`. */
export const validatorFunctionName = tap.validator.functionName;
