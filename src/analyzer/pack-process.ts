/**
 * Starts a Node.js policy pack exactly as the Pulumi engine does (`node run-policy-pack <engine> .`
 * with cwd = the pack) and talks to it over the Analyzer gRPC protocol. Also serves the Engine
 * service the pack calls back (Log), since the SDK logs through it.
 *
 * The gRPC stubs and google-protobuf classes are the ones shipped with @pulumi/pulumi, the same
 * copies the pack uses, so messages are built and parsed by the SDK's own code.
 */
import { spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginepb from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { trackChild } from "../child-processes";

/** Bounded waits, so a broken pack can never hang a CLI run or a test. */
const START_TIMEOUT_MS = 60_000;
/** A policy that never returns (awaiting something that never settles) fails its RPC instead of hanging the run. */
export const RPC_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 3_000;
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

export interface EngineLogEntry {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

const LOG_SEVERITIES: EngineLogEntry["severity"][] = ["debug", "info", "warning", "error"];

/** The path of Pulumi's own policy-pack launcher. */
export function runPolicyPackPath(): string {
  return require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
}

/** A fake Engine gRPC server: records Log calls and answers the root-resource RPCs. */
export async function startEngineServer(): Promise<{ address: string; logs: EngineLogEntry[]; stop(): Promise<void> }> {
  const logs: EngineLogEntry[] = [];
  let rootResource = "";
  const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES });
  server.addService(enginerpc.EngineService, {
    log(call: grpc.ServerUnaryCall<enginepb.LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) {
      const r = call.request;
      logs.push({ severity: LOG_SEVERITIES[r.getSeverity()] ?? "info", message: r.getMessage(), urn: r.getUrn() });
      cb(null, new Empty());
    },
    getRootResource(_call: unknown, cb: grpc.sendUnaryData<enginepb.GetRootResourceResponse>) {
      cb(null, new enginepb.GetRootResourceResponse().setUrn(rootResource));
    },
    setRootResource(
      call: grpc.ServerUnaryCall<enginepb.SetRootResourceRequest, unknown>,
      cb: grpc.sendUnaryData<enginepb.SetRootResourceResponse>,
    ) {
      rootResource = call.request.getUrn();
      cb(null, new enginepb.SetRootResourceResponse());
    },
    startDebugging(_call: unknown, cb: grpc.sendUnaryData<Empty>) {
      cb(null, new Empty());
    },
    requirePulumiVersion(_call: unknown, cb: grpc.sendUnaryData<enginepb.RequirePulumiVersionResponse>) {
      cb(null, new enginepb.RequirePulumiVersionResponse());
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, STOP_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** A running pack: its gRPC client and the means to stop it. */
export interface PackProcess {
  client: analyzerrpc.AnalyzerClient;
  stop(): Promise<void>;
}

/**
 * Spawns run-policy-pack on `packDir` and resolves once the pack has printed its port.
 * Rejects (after stopping the child) if the pack exits or stays silent for too long, or when `signal` aborts
 * the start (the run failed meanwhile, e.g. on a bad input file).
 */
export async function startPack(
  packDir: string,
  engineAddress: string,
  engineLogs: EngineLogEntry[] = [],
  signal?: AbortSignal,
): Promise<PackProcess> {
  const child = spawn(process.execPath, [runPolicyPackPath(), engineAddress, "."], {
    cwd: packDir,
    // The SDK's log module reaches the engine through this variable.
    env: { ...process.env, PULUMI_NODEJS_ENGINE: engineAddress },
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    // Keep only the tail: enough to explain a failure, bounded in memory.
    stderr = (stderr + d).slice(-8192);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`policy pack in ${packDir} did not print its port within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (d: string) => {
        stdout += d;
        const m = /^(\d+)\s*$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      exited.then((code) => {
        clearTimeout(timer);
        // The launcher reports load errors through the engine's Log RPC, so prefer those to stderr.
        const logged = engineLogs
          .filter((l) => l.severity === "error")
          .map((l) => l.message)
          .join("\n");
        reject(
          new Error(
            `policy pack in ${packDir} exited with code ${code} before serving: ${firstLines(logged || stderr || stdout)}`,
          ),
        );
      });
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      const abort = () => {
        clearTimeout(timer);
        reject(new Error(`policy pack start-up in ${packDir} was cancelled`));
      };
      if (signal?.aborted) abort();
      signal?.addEventListener("abort", abort, { once: true });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  return {
    client,
    stop: async () => {
      client.close();
      await stop();
    },
  };
}

// eslint-disable-next-line no-control-regex
const TERMINAL_COLOURS = /\u001b\[[0-9;]*m/g;

/** The head of an error report (message and first frame), on one line, without terminal colours. */
function firstLines(text: string): string {
  return text
    .replace(TERMINAL_COLOURS, "")
    .trim()
    .split("\n")
    .slice(0, 3)
    .map((l) => l.trim())
    .join(" | ");
}

/**
 * Promisified unary call on the analyzer client. A failed call (a policy that threw, a pack that
 * died) rejects with one line naming the RPC and the resource, not the pack's multi-line stack.
 */
export function call<Req, Res>(
  client: analyzerrpc.AnalyzerClient,
  method: string,
  req: Req,
  resourceUrn?: string,
  timeoutMs: number = RPC_TIMEOUT_MS,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const options: grpc.CallOptions = { deadline: Date.now() + timeoutMs };
    (client as any)[method](req, new grpc.Metadata(), options, (err: grpc.ServiceError | null, res: Res) => {
      if (!err) return resolve(res);
      const where = resourceUrn ? ` on ${resourceUrn}` : "";
      reject(new Error(`policy pack ${method}${where} failed: ${firstLines(err.details || err.message)}`));
    });
  });
}
