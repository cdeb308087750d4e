/**
 * AWS Lambda prices for us-east-1, the one table every cost figure comes from (the pack's messages and
 * `serverless-guard optimize`). A plain constant module, cheap to load.
 * Source: https://aws.amazon.com/lambda/pricing/ (first duration tier; the tiered discounts above
 * 6 billion GB-seconds a month are ignored, which can only overstate a very large bill).
 * `asOf` is when the table was last checked: on 2026-11-27 against published copies of that page
 * (the page itself was not reachable from the build machine).
 */
export const LAMBDA_PRICING = {
  region: "us-east-1",
  asOf: "2026-11-27",
  source: "https://aws.amazon.com/lambda/pricing/",
  requestUsd: 0.2 / 1_000_000,
  architectures: {
    x86_64: {
      gbSecondUsd: 0.0000166667,
      provisionedConcurrencyGbSecondUsd: 0.0000041667,
      provisionedDurationGbSecondUsd: 0.0000097222,
    },
    arm64: {
      gbSecondUsd: 0.0000133334,
      provisionedConcurrencyGbSecondUsd: 0.0000033334,
      provisionedDurationGbSecondUsd: 0.0000077778,
    },
  },
} as const;

export type Architecture = keyof typeof LAMBDA_PRICING.architectures;
export const ARCHITECTURES = Object.keys(LAMBDA_PRICING.architectures) as Architecture[];

/** AWS prices a month as 730 hours. */
export const SECONDS_PER_MONTH = 730 * 3600;
