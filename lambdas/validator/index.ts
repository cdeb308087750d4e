import { createLogger, instrumented } from "../shared/logger";
import { incomingRecordSchema, parseBatch, type IncomingRecord } from "../shared/records";

const logger = createLogger("tap-validator");

export interface ValidatedBatch {
  records: IncomingRecord[];
}

/** Rejects the whole batch with a ValidationError naming every bad field; passes a clean batch on. */
export const handler = instrumented(logger, async (event): Promise<ValidatedBatch> => {
  const records = parseBatch(incomingRecordSchema, event);
  logger.info("batch validated", { count: records.length });
  return { records };
});
