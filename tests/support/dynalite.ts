import * as http from "http";
import type { Server } from "http";
import type { AddressInfo } from "net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { snapshotEnv } from "./env";

// dynalite ships no type declarations.
const dynalite: (options: Record<string, unknown>) => Server = require("dynalite");

/** A real DynamoDB API server (dynalite, in memory) on 127.0.0.1 with an OS-chosen port. */
export interface LocalDynamo {
  server: Server;
  endpoint: string;
  client: DynamoDBDocumentClient;
  /** Creates a table keyed by `recordId` (the pipeline's table shape). */
  createRecordsTable(name: string): Promise<void>;
  scanAll(tableName: string): Promise<Record<string, unknown>[]>;
  /**
   * Stops the server the way a crash does: it stops listening and drops every open connection,
   * in-flight requests included. (dynalite's own close() closes its store while requests already
   * read are still running and then throws from inside dynalite, so it is not used mid-run.)
   */
  crash(): void;
  /** Stops the server and puts back the environment variables startDynalite changed. */
  stop(): Promise<void>;
}

/**
 * Dummy credentials and region: the SDK insists on them, dynalite ignores them.
 * Returns a function that restores the environment as it was before.
 */
export function useDummyAwsEnvironment(): () => void {
  const restoreEnv = snapshotEnv();
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  process.env.AWS_REGION = "us-east-1";
  delete process.env.AWS_PROFILE;
  return restoreEnv;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const restoreEnv = useDummyAwsEnvironment();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => {
      restoreEnv();
      reject(error);
    });
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: "us-east-1", maxAttempts: 1 }));
  let stopped = false;
  let crashed = false;
  return {
    server,
    endpoint,
    client,
    async createRecordsTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "recordId", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "recordId", KeyType: "HASH" }],
        }),
      );
    },
    async scanAll(tableName) {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      // Bounded: a test table never holds more than a few thousand items.
      for (let page = 0; page < 100; page++) {
        const out = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
        items.push(...(out.Items ?? []));
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      return items;
    },
    crash() {
      if (crashed) return;
      crashed = true;
      // Requests already read from a dropped socket still reach dynalite; refuse new ones outright.
      server.prependListener("request", (req) => req.socket.destroy());
      http.Server.prototype.close.call(server);
      server.closeAllConnections();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      try {
        if (crashed) return; // no longer listening; the in-memory store is dropped with the server
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } finally {
        restoreEnv();
      }
    },
  };
}

export interface ThrottlingProxy {
  endpoint: string;
  /** How many requests of each throttled operation were refused. */
  throttled: Map<string, number>;
  /** Requests received and not yet answered. */
  inFlight(): number;
  stop(): Promise<void>;
}

export interface ThrottlingOptions {
  /** Throttle only requests whose body contains this text (e.g. one record id); default all. */
  onlyIfBodyIncludes?: string;
  /** Hold every forwarded request this long first, so slow writes are still running when one fails. */
  forwardDelayMs?: number;
}

/**
 * Stands in for AWS throttling, which dynalite does not emulate: answers the named operations
 * (e.g. "PutItem") with DynamoDB's real throttling error and forwards every other request to the
 * DynamoDB server at `targetEndpoint`.
 */
export async function startThrottlingProxy(
  targetEndpoint: string,
  operations: string[],
  options: ThrottlingOptions = {},
): Promise<ThrottlingProxy> {
  const target = new URL(targetEndpoint);
  const throttled = new Map<string, number>();
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
    const operation =
      String(req.headers["x-amz-target"] ?? "")
        .split(".")
        .pop() ?? "";
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const selected = options.onlyIfBodyIncludes === undefined || body.includes(options.onlyIfBodyIncludes);
      if (operations.includes(operation) && selected) {
        throttled.set(operation, (throttled.get(operation) ?? 0) + 1);
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "throttled" });
        res.end(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            message: "The level of configured provisioned throughput for the table was exceeded.",
          }),
        );
        return;
      }
      const forward = () => {
        const upstreamRequest = http.request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (upstream) => {
            res.writeHead(upstream.statusCode ?? 502, upstream.headers);
            upstream.pipe(res);
          },
        );
        upstreamRequest.on("error", () => res.destroy());
        upstreamRequest.end(body);
      };
      if (options.forwardDelayMs) setTimeout(forward, options.forwardDelayMs);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttled,
    inFlight: () => inFlight,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
