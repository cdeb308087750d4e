/**
 * AWS Lambda's fixed limits, the one place the pack and the CLI take them from
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */

/** The smallest memory size a function can be configured with (MB). */
export const LAMBDA_MIN_MEMORY_MB = 128;
/** The largest memory size a function can be configured with (MB). */
export const LAMBDA_MAX_MEMORY_MB = 10_240;
/** The longest timeout a function can be configured with (ms). */
export const LAMBDA_MAX_DURATION_MS = 900_000;
