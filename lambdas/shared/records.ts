import * as z from "zod";

/**
 * The pipeline's event shapes. A batch is `{ "records": [...] }`. Each function also accepts the
 * envelope Lambda Destinations wrap around the previous function's result (`responsePayload`),
 * because that is how validator -> enricher -> processor are chained when deployed.
 */

/** Lambda's async payload ceiling keeps batches small anyway; the schema states a bound explicitly. */
export const MAX_BATCH_SIZE = 1000;

/** Also the table's key: DynamoDB-safe characters only. */
const recordId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, "recordId may contain only letters, digits, '.', '_', ':' and '-'");

/**
 * 9999-12-31T23:59:59.999Z: the later stages carry ISO-8601 with four-digit years, so a later epoch
 * (JavaScript dates go on to the year 275760) would pass here and then fail downstream.
 */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/** ISO-8601 date-time with an offset, or epoch milliseconds. */
const timestamp = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative().max(MAX_EPOCH_MS)]);

/**
 * DynamoDB nests at most 32 levels in an item; `payload` is itself one level below the item, so its
 * contents may nest 30 objects/arrays deep (one level kept in reserve).
 */
export const MAX_PAYLOAD_NESTING = 30;
/** DynamoDB numbers: magnitudes from 1e-130 to just under 1e126. */
const MIN_DYNAMODB_MAGNITUDE = 1e-130;

/**
 * Why a payload could not be stored as-is, with the path of each offending value. Caught here, a
 * record the table cannot hold is rejected up front with a clear error, instead of failing the
 * processor's write on every retry (a poison batch). Walks at most MAX_PAYLOAD_NESTING levels.
 */
function unstorableValues(
  value: unknown,
  path: (string | number)[],
  nesting: number,
  found: { path: (string | number)[]; message: string }[],
) {
  if (typeof value === "number") {
    // lib-dynamodb refuses numbers past ±2^53 (JSON parsing has already rounded them), and DynamoDB
    // refuses magnitudes below 1e-130.
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      found.push({
        path,
        message: `number ${value} is beyond ±2^53 and cannot be stored exactly; send it as a string`,
      });
    } else if (value !== 0 && Math.abs(value) < MIN_DYNAMODB_MAGNITUDE) {
      found.push({ path, message: `number ${value} is smaller than DynamoDB's 1e-130; send it as a string` });
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (nesting >= MAX_PAYLOAD_NESTING) {
    found.push({
      path,
      message: `nested deeper than ${MAX_PAYLOAD_NESTING} levels inside payload (DynamoDB stores at most 32)`,
    });
    return;
  }
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) unstorableValues(child, [...path, key], nesting + 1, found);
}

/** A JSON object that DynamoDB can store unchanged. */
const payload = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const found: { path: (string | number)[]; message: string }[] = [];
  for (const [key, child] of Object.entries(value)) unstorableValues(child, [key], 0, found);
  for (const issue of found) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

export const incomingRecordSchema = z.strictObject({
  recordId,
  source: z.string().min(1).max(64),
  occurredAt: timestamp,
  payload,
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
  payload,
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
