import { createHash } from "crypto";
import { createLogger, instrumented } from "../shared/logger";
import { incomingRecordSchema, parseBatch, type EnrichedRecord, type IncomingRecord } from "../shared/records";

const logger = createLogger("tap-enricher");

export interface EnrichedBatch {
  records: EnrichedRecord[];
}

/**
 * JSON with object keys sorted at every level, so equal content hashes equally whatever the key
 * order. A dozen lines; not worth a dependency in a bundle meant to stay small.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function enrich(record: IncomingRecord, receivedAt: Date): EnrichedRecord {
  return {
    recordId: record.recordId,
    source: record.source,
    occurredAt: new Date(record.occurredAt).toISOString(),
    receivedAt: receivedAt.toISOString(),
    contentHash: createHash("sha256")
      .update(canonicalJson({ source: record.source, payload: record.payload }))
      .digest("hex"),
    stage: "enriched",
    payload: record.payload,
  };
}

/** Adds normalised UTC timestamps, a content hash and the processing stage. */
export const handler = instrumented(logger, async (event): Promise<EnrichedBatch> => {
  // Re-validated: the enricher may be invoked directly, not only through the validator.
  const records = parseBatch(incomingRecordSchema, event);
  const receivedAt = new Date();
  const enriched = records.map((record) => enrich(record, receivedAt));
  logger.info("batch enriched", { count: enriched.length });
  return { records: enriched };
});
