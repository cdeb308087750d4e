import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";

/**
 * Powertools logger; service name and level come from POWERTOOLS_SERVICE_NAME and LOG_LEVEL, which
 * the stack sets on every function.
 */
export function createLogger(defaultServiceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? defaultServiceName });
}

/**
 * Wraps a handler body: logs the outcome as structured JSON and re-throws every failure, so Lambda's
 * async retries and then the dead-letter queue take over. Nothing is swallowed here.
 */
export function instrumented<R>(logger: Logger, body: (event: unknown) => Promise<R>) {
  return async (event: unknown, context?: Context): Promise<R> => {
    if (context) logger.addContext(context);
    try {
      return await body(event);
    } catch (error) {
      logger.error("handler failed", error as Error);
      throw error;
    }
  };
}
