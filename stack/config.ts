import * as pulumi from "@pulumi/pulumi";

/** Lambda accepts 128..10240 MB in 1 MB steps. */
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10240;

export const DEFAULT_MEMORY_MB = { validator: 512, enricher: 512, processor: 768 } as const;

export interface TapConfig {
  environmentSuffix: string;
  memoryMb: { validator: number; enricher: number; processor: number };
  /** Cost-allocation tags applied through the AWS provider's defaultTags. */
  tags: Record<string, string>;
  /** Optional SNS topic the DLQ alarm notifies. */
  alarmTopicArn?: string;
  region?: string;
}

function memory(config: pulumi.Config, key: string, fallback: number): number {
  // getNumber rejects non-numbers and out-of-range values with an error naming the key.
  const value = config.getNumber(key, { min: MIN_MEMORY_MB, max: MAX_MEMORY_MB }) ?? fallback;
  if (!Number.isInteger(value)) {
    throw new pulumi.RunError(`Configuration '${config.name}:${key}' must be a whole number of MB, got ${value}`);
  }
  return value;
}

/** Lowercase letters, digits and '-' keep every derived name valid for Lambda, SQS, DynamoDB and IAM. */
const SUFFIX_PATTERN = /^[a-z0-9][a-z0-9-]{0,19}$/;

/**
 * Reads the stack's settings from `tap:*` config, with ENVIRONMENT_SUFFIX (env var, default `dev`)
 * naming every resource; the `tap:environmentSuffix` config key overrides the env var.
 */
export function loadTapConfig(): TapConfig {
  const config = new pulumi.Config("tap");
  const environmentSuffix = config.get("environmentSuffix") ?? process.env.ENVIRONMENT_SUFFIX ?? "dev";
  if (!SUFFIX_PATTERN.test(environmentSuffix)) {
    throw new pulumi.RunError(
      `ENVIRONMENT_SUFFIX '${environmentSuffix}' must be 1-20 lowercase letters, digits or '-' (it becomes part of every resource name)`,
    );
  }
  return {
    environmentSuffix,
    memoryMb: {
      validator: memory(config, "validatorMemoryMb", DEFAULT_MEMORY_MB.validator),
      enricher: memory(config, "enricherMemoryMb", DEFAULT_MEMORY_MB.enricher),
      processor: memory(config, "processorMemoryMb", DEFAULT_MEMORY_MB.processor),
    },
    tags: {
      Environment: environmentSuffix,
      Project: "tap",
      Owner: config.get("owner") ?? "platform-team",
      CostCenter: config.get("costCenter") ?? "engineering",
    },
    alarmTopicArn: config.get("alarmTopicArn"),
    region: new pulumi.Config("aws").get("region"),
  };
}
