import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

const clients = new Map<string, DynamoDBDocumentClient>();

/**
 * One document client per endpoint, created on first use and reused across warm invocations.
 * DYNAMODB_ENDPOINT overrides the endpoint (local DynamoDB servers in tests and measurements).
 */
export function documentClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
  const key = endpoint ?? "(aws)";
  let client = clients.get(key);
  if (!client) {
    client = DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    clients.set(key, client);
  }
  return client;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
