// The price table lives with the pack (which must not import from src/); optimize prices with the same one.
import { Architecture, LAMBDA_PRICING, SECONDS_PER_MONTH } from "../../policy-pack/common/lambda-pricing";

export { ARCHITECTURES, LAMBDA_PRICING, SECONDS_PER_MONTH } from "../../policy-pack/common/lambda-pricing";
export type { Architecture } from "../../policy-pack/common/lambda-pricing";

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
      c.invocationsPerMonth *
        (LAMBDA_PRICING.requestUsd + gbSecondsPerInvocation * prices.provisionedDurationGbSecondUsd)
    );
  }
  return c.invocationsPerMonth * (LAMBDA_PRICING.requestUsd + gbSecondsPerInvocation * prices.gbSecondUsd);
}
