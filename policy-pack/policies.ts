import { ServerlessGuardPolicy } from "./common/define";
import { lambdaMemoryLimit } from "./lambda-memory-limit";
import { lambdaDeadLetterQueue } from "./lambda-dead-letter-queue";
import { iamScopedPermissions } from "./iam-scoped-permissions";
import { logGroupRetention } from "./log-group-retention";
import { dynamodbOnDemand } from "./dynamodb-on-demand";
import { costAllocationTags } from "./cost-allocation-tags";
import { criticalFunctionProvisionedConcurrency } from "./critical-function-provisioned-concurrency";
import { dlqAlarm } from "./dlq-alarm";
import { lambdaLogGroup } from "./lambda-log-group";

/** Every serverless-guard policy, in the order the pack reports them. Importing this starts no server. */
export const policies: ServerlessGuardPolicy[] = [
  lambdaMemoryLimit,
  lambdaDeadLetterQueue,
  iamScopedPermissions,
  logGroupRetention,
  costAllocationTags,
  dynamodbOnDemand,
  criticalFunctionProvisionedConcurrency,
  dlqAlarm,
  lambdaLogGroup,
];
