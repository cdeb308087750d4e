import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, requiredEnv } from "../shared/dynamo";
import { createLogger, instrumented } from "../shared/logger";
import { enrichedRecordSchema, parseBatch, type EnrichedRecord } from "../shared/records";

const logger = createLogger("tap-processor");

/** Parallel conditional writes per batch: enough to hide round trips, small enough not to self-throttle. */
const WRITE_CONCURRENCY = 8;

export interface ProcessResult {
  written: string[];
  /** Record ids that were already stored: a retried or duplicated delivery, not an error. */
  alreadyProcessed: string[];
}

async function persist(tableName: string, record: EnrichedRecord): Promise<"written" | "duplicate"> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName,
        Item: { ...record, stage: "processed", processedAt: new Date().toISOString() },
        ConditionExpression: "attribute_not_exists(recordId)",
      }),
    );
    return "written";
  } catch (error) {
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error)?.name === "ConditionalCheckFailedException"
    ) {
      return "duplicate";
    }
    throw error;
  }
}

/** Persists each record exactly once, keyed by recordId. Any write failure fails the invocation. */
export const handler = instrumented(logger, async (event): Promise<ProcessResult> => {
  const tableName = requiredEnv("TABLE_NAME");
  const records = parseBatch(enrichedRecordSchema, event);
  const result: ProcessResult = { written: [], alreadyProcessed: [] };
  // A fixed pool of workers over a shared cursor: bounded concurrency without a dependency.
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < records.length) {
      const record = records[next++];
      const outcome = await persist(tableName, record).catch((error) => {
        failed = true; // stop the other workers picking up more records
        throw error;
      });
      if (outcome === "written") result.written.push(record.recordId);
      else {
        result.alreadyProcessed.push(record.recordId);
        logger.info("record already processed", { recordId: record.recordId });
      }
    }
  };
  const workers = await Promise.allSettled(Array.from({ length: Math.min(WRITE_CONCURRENCY, records.length) }, worker));
  // Fail only once every write in flight has finished: Lambda freezes the sandbox when the handler
  // settles, and a write still open would resume inside the next invocation.
  const failure = workers.find((w): w is PromiseRejectedResult => w.status === "rejected");
  if (failure) throw failure.reason;
  logger.info("batch processed", { written: result.written.length, alreadyProcessed: result.alreadyProcessed.length });
  return result;
});
