/**
 * AWS Lambda prices for us-east-1, the one table every cost figure in `optimize` comes from.
 * Source: https://aws.amazon.com/lambda/pricing/ (first duration tier; the tiered discounts above
 * 6 billion GB-seconds a month are ignored, which can only overstate a very large bill).
 * `asOf` is when the table was last checked: on 2026-11-27 against the project's reference notes and
 * published copies of that page (the page itself was not reachable from the build machine).
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

/** What a function costs a month at a given memory size and mean billed duration. */
export interface MonthlyCostInput {
  invocationsPerMonth: number;
  meanBilledMs: number;
  memoryMb: number;
  arch: Architecture;
  /** Provisioned concurrency kept warm all month (0 = on-demand only). */
  provisionedConcurrency?: number;
}

/**
 * Cost per invocation = request fee + billedMs/1000 x memoryMb/1024 x GB-second price.
 * With provisioned concurrency, the configured GB-seconds are paid all month and every invocation
 * is assumed to be served by the warm instances at the provisioned duration price (spill-over to
 * on-demand is not modelled).
 */
export function monthlyCostUsd(c: MonthlyCostInput): number {
  const prices = LAMBDA_PRICING.architectures[c.arch];
  const gb = c.memoryMb / 1024;
  const gbSecondsPerInvocation = (c.meanBilledMs / 1000) * gb;
  const pc = c.provisionedConcurrency ?? 0;
  if (pc > 0) {
    return (
      pc * gb * SECONDS_PER_MONTH * prices.provisionedConcurrencyGbSecondUsd +
      c.invocationsPerMonth * (LAMBDA_PRICING.requestUsd + gbSecondsPerInvocation * prices.provisionedDurationGbSecondUsd)
    );
  }
  return c.invocationsPerMonth * (LAMBDA_PRICING.requestUsd + gbSecondsPerInvocation * prices.gbSecondUsd);
}
