import * as z from "zod";

/**
 * The pipeline's event shapes. A batch is `{ "records": [...] }`. Each function also accepts the
 * envelope Lambda Destinations wrap around the previous function's result (`responsePayload`),
 * because that is how validator -> enricher -> processor are chained when deployed.
 */

export const MAX_BATCH_SIZE = 1000;

/** Lambda's own payload ceiling keeps batches small; the schema says so explicitly. */
const recordId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, "recordId may contain only letters, digits, '.', '_', ':' and '-'");

/** ISO-8601 date-time with an offset, or epoch milliseconds. */
const timestamp = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

export const incomingRecordSchema = z.strictObject({
  recordId,
  source: z.string().min(1).max(64),
  occurredAt: timestamp,
  payload: z.record(z.string(), z.unknown()),
});
export type IncomingRecord = z.infer<typeof incomingRecordSchema>;

export const enrichedRecordSchema = z.strictObject({
  recordId,
  source: z.string().min(1).max(64),
  /** Normalised to UTC ISO-8601 by the enricher. */
  occurredAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  /** sha256 (hex) of the canonical JSON of source + payload. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  stage: z.literal("enriched"),
  payload: z.record(z.string(), z.unknown()),
});
export type EnrichedRecord = z.infer<typeof enrichedRecordSchema>;

export class ValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid record batch: ${issues.join("; ")}`);
    this.name = "ValidationError";
  }
}

function batchSchema<T extends z.ZodType>(record: T) {
  return z.strictObject({ records: z.array(record).min(1).max(MAX_BATCH_SIZE) });
}

/** Unwraps a Lambda Destinations envelope; anything else is taken as the batch itself. */
function unwrap(event: unknown): unknown {
  if (event && typeof event === "object" && "responsePayload" in event && "requestContext" in event) {
    return (event as { responsePayload: unknown }).responsePayload;
  }
  return event;
}

/** Validates the whole batch before anything happens, so a bad record never half-applies a batch. */
export function parseBatch<T extends z.ZodType>(record: T, event: unknown): z.infer<T>[] {
  const result = batchSchema(record).safeParse(unwrap(event));
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(event)"}: ${issue.message}`),
    );
  }
  return result.data.records;
}
