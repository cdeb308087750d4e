import { resourcePolicy } from "./common/define";
import { TYPES } from "./common/types";
import { probe, rawProps, readKnown } from "./common/unknowns";
// The one price table of the project (also used by `optimize`); a plain constant module, cheap to load.
import { LAMBDA_PRICING } from "./common/lambda-pricing";
import { LAMBDA_MAX_MEMORY_MB, LAMBDA_MIN_MEMORY_MB } from "./common/lambda-limits";

/** The pack's default Lambda memory ceiling (MB); `maxMemoryMb` in policy config overrides it. */
export const DEFAULT_MAX_MEMORY_MB = 768;

/** The invocation profile the message prices the excess with: one million invocations of 200 ms a month. */
const INVOCATIONS = 1_000_000;
const BILLED_SECONDS = 0.2;

/** Monthly cost of `excessMb` over a million 200 ms invocations at the architecture's GB-second price. */
export function excessCostPerMillionUsd(excessMb: number, arch: "x86_64" | "arm64"): number {
  return INVOCATIONS * BILLED_SECONDS * (excessMb / 1024) * LAMBDA_PRICING.architectures[arch].gbSecondUsd;
}

/** The priced architecture; undefined when preview does not know it yet. */
function architectureOf(props: Record<string, any>): "x86_64" | "arm64" | undefined {
  const archs = probe(() => props.architectures);
  if (!archs.known) return undefined;
  const list = archs.value;
  if (!Array.isArray(list)) return "x86_64"; // unset: AWS's default
  const values = list.map((_, i) => probe(() => list[i]));
  if (values.some((v) => v.known && v.value === "arm64")) return "arm64";
  return values.every((v) => v.known) ? "x86_64" : undefined;
}

export const lambdaMemoryLimit = resourcePolicy({
  name: "lambda-memory-limit",
  description: "Lambda functions must not be configured with more memory than the pack's ceiling (default 768 MB).",
  severity: "medium",
  remediationSteps:
    "Lower `memorySize` to the ceiling or below (measure with AWS Lambda Power Tuning or `serverless-guard optimize`); " +
    "if the function truly needs more, raise `maxMemoryMb` in the policy config or exempt the function with the " +
    "`serverless-guard:exempt` and `serverless-guard:exempt-reason` tags.",
  tags: ["cost", "lambda"],
  metadata: {
    example:
      'function "resize-images" memorySize 3008 MB exceeds the 768 MB limit; set memorySize to 768 or less. The 2240 MB excess costs about $7.29/month per million 200 ms invocations (x86_64 at $0.0000166667/GB-s).',
    details: [
      "An `aws.lambda.Function` whose `memorySize` is above `maxMemoryMb` fails; unset means AWS's 128 MB",
      "and passes. A value that is not a number fails too.",
      "",
      "The message prices the excess at the us-east-1 duration price of the function's architecture (arm64",
      "when `architectures` contains `arm64`, else x86_64), from the same price table as `serverless-guard",
      "optimize`.",
      "",
      "Remediation (level `remediate`) sets `memorySize` to `maxMemoryMb` and keeps every other property.",
    ].join("\n"),
    equivalents: { awsConfig: ["lambda-function-settings-check (memorySize, exact match only)"] },
  },
  configProperties: {
    maxMemoryMb: {
      type: "integer",
      minimum: LAMBDA_MIN_MEMORY_MB,
      maximum: LAMBDA_MAX_MEMORY_MB,
      default: DEFAULT_MAX_MEMORY_MB,
      description: "Largest allowed `memorySize` in MB.",
    },
  },
  types: [TYPES.lambdaFunction],
  validate(resource, config, report) {
    // Reading through the SDK's proxy: an unknown memorySize throws, and the SDK reports it as not checkable in
    // preview.
    const memory = resource.props.memorySize;
    if (memory === undefined || memory === null) return; // AWS's default 128 MB
    const memoryMb = Number(memory);
    if (!Number.isFinite(memoryMb)) {
      report(
        `function "${resource.name}" has memorySize ${JSON.stringify(memory)}, which is not a number; ` +
          `set memorySize to at most ${config.maxMemoryMb} MB`,
      );
      return;
    }
    if (memoryMb <= config.maxMemoryMb) return;
    const excess = memoryMb - config.maxMemoryMb;
    const arch = architectureOf(resource.props);
    const priced = arch ?? "x86_64";
    const cost = excessCostPerMillionUsd(excess, priced).toFixed(2);
    const priceNote = arch ? `${priced}` : "x86_64 price; architectures unknown during preview";
    report(
      `function "${resource.name}" memorySize ${memoryMb} MB exceeds the ${config.maxMemoryMb} MB limit; ` +
        `set memorySize to ${config.maxMemoryMb} or less. The ${excess} MB excess costs about $${cost}/month ` +
        `per million 200 ms invocations (${priceNote} at $${LAMBDA_PRICING.architectures[priced].gbSecondUsd}/GB-s).`,
    );
  },
  remediate(resource, config) {
    const memory = readKnown(() => resource.props.memorySize);
    if (typeof memory !== "number" || memory <= config.maxMemoryMb) return undefined;
    return { ...rawProps(resource.props), memorySize: config.maxMemoryMb };
  },
});
