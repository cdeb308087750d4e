/**
 * Runs policies through the Pulumi policy SDK's real machinery, the way the engine does: the SDK's own `serve()`
 * hosts them, and this harness talks to it over gRPC (Configure, Analyze, AnalyzeStack, Remediate) with real
 * protobuf requests whose properties are encoded as the engine encodes them (google-protobuf Struct, unknowns as the
 * SDK's sentinel strings, secrets as the signature object).
 *
 * Why serve() and not the exported makeAnalyzeRpcFun: the SDK keeps policy config in a module variable that only its
 * `configure` RPC sets, and only serve() exposes that RPC. serve() may run once per process, so there is ONE server for
 * all spec files; it serves a mutable policy list that each call fills with the policies under test. Calls are queued
 * (one at a time) so config and policy list cannot interleave between spec files.
 */
import * as grpc from "@grpc/grpc-js";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Policy, EnforcementLevel } from "@pulumi/policy";
import { call } from "../../src/analyzer/pack-process";
import { levelFromProto, levelToProto, severityFromProto } from "../../src/analyzer/policy-info";
import { ResourceRecord, SECRET_SIG as SECRET_SIG_KEY, SECRET_SIG_VALUE } from "../../src/analyzer/resource-record";
import * as wire from "../../src/analyzer/wire";

const sdkProxy = require("@pulumi/policy/proxy") as Record<string, string>;

const sdkServer = require("@pulumi/policy/server") as {
  serve(
    name: string,
    version: string,
    level: EnforcementLevel,
    args: { policies: Policy[] },
    initialConfig?: unknown,
  ): void;
};

/** The SDK's sentinels for values unknown during preview, to place in fixture properties. */
export const unknown = {
  string: sdkProxy.unknownStringValue,
  number: sdkProxy.unknownNumberValue,
  boolean: sdkProxy.unknownBooleanValue,
  array: sdkProxy.unknownArrayValue,
  object: sdkProxy.unknownObjectValue,
} as const;

/** A secret value as the engine sends it. */
export function secret(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value };
}

export const PACK_NAME = "serverless-guard-test";

/** The nine policies the pack must serve (issue 2), for specs that check the pack's contents. */
export const PACK_POLICY_NAMES = [
  "cost-allocation-tags",
  "critical-function-provisioned-concurrency",
  "dlq-alarm",
  "dynamodb-on-demand",
  "iam-scoped-permissions",
  "lambda-dead-letter-queue",
  "lambda-log-group",
  "lambda-memory-limit",
  "log-group-retention",
] as const;
const PROJECT = "proj";
const STACK = "dev";

export interface FixtureProvider {
  name: string;
  /** defaults to "pulumi:providers:aws" */
  type?: string;
  props: Record<string, unknown>;
}

export interface FixtureResource {
  name: string;
  type: string;
  props: Record<string, unknown>;
  /** defaults to a URN built from the project, stack, type and name */
  urn?: string;
  /** parent URN (stack resources) */
  parent?: string;
  /** URNs this resource depends on (stack resources) */
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: FixtureProvider;
}

/**
 * Policy config in the `--policy-pack-config` file format: `{"all": "advisory", "<policy>": "remediate" |
 * {"enforcementLevel": ..., ...properties}}`.
 */
export type PackConfig = Record<string, unknown>;

export interface Diagnostic {
  policyName: string;
  /** The resource the finding is about: the URN's resource when the policy named one, else the analyzed resource. */
  resourceName: string;
  urn: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  severity: string;
}

export interface Remediation {
  policyName: string;
  properties: Record<string, unknown> | undefined;
  diagnostic: string;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

function resourceUrn(r: FixtureResource): string {
  return r.urn ?? urnOf(r.type, r.name);
}

/** The list serve() was given; its contents are replaced before each call. */
const servedPolicies: Policy[] = [];
let connection: Promise<{ client: analyzerrpc.AnalyzerClient; server: grpc.Server | undefined }> | undefined;

/** Starts the SDK's server once, capturing the port it prints and the grpc.Server it creates (to stop it later). */
function connect(): Promise<{ client: analyzerrpc.AnalyzerClient; server: grpc.Server | undefined }> {
  if (connection) return connection;
  connection = new Promise((resolve, reject) => {
    let server: grpc.Server | undefined;
    const originalAddService = grpc.Server.prototype.addService;
    const originalLog = console.log;
    const timer = setTimeout(() => {
      console.log = originalLog;
      reject(new Error("the policy SDK's serve() did not print a port within 30 s"));
    }, 30_000);
    grpc.Server.prototype.addService = function (this: grpc.Server, ...args: Parameters<grpc.Server["addService"]>) {
      // The server the SDK's serve() creates, captured to stop it later.
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      server = this;
      return originalAddService.apply(this, args);
    };
    console.log = (...args: unknown[]) => {
      const text = args.map(String).join(" ");
      if (/^\d+$/.test(text)) {
        clearTimeout(timer);
        console.log = originalLog;
        const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${text}`, grpc.credentials.createInsecure());
        resolve({ client, server });
        return;
      }
      originalLog(...args);
    };
    try {
      sdkServer.serve(PACK_NAME, "0.0.0", "mandatory", { policies: servedPolicies });
    } finally {
      grpc.Server.prototype.addService = originalAddService;
    }
  });
  return connection;
}

/** Stops the server and client; registered as a root `after` hook when running under mocha. */
export async function stopPolicyServer(): Promise<void> {
  if (!connection) return;
  const { client, server } = await connection;
  client.close();
  if (server) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2_000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

if (typeof after === "function") after(stopPolicyServer);

let queue: Promise<unknown> = Promise.resolve();
/** Runs calls one at a time: the served policy list and the SDK's config are process-wide. */
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

const unary = call;

const LEVEL_NAMES = ["advisory", "mandatory", "remediate", "disabled"] as const;

function levelCode(level: unknown): analyzerpb.EnforcementLevel {
  if (!LEVEL_NAMES.includes(level as EnforcementLevel))
    throw new Error(`harness: unknown enforcement level ${String(level)}`);
  return levelToProto(level as EnforcementLevel);
}

/**
 * Sends Configure as the CLI does after reconciling a config file: every policy gets its level (from the file, else
 * "all", else the policy's own, else the pack's "mandatory") and its properties. Sent before every call, so each call
 * sees only its own config.
 */
async function configure(
  client: analyzerrpc.AnalyzerClient,
  policies: readonly Policy[],
  config: PackConfig = {},
): Promise<void> {
  const req = new analyzerpb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const p of policies) {
    const entry = config[p.name];
    let level: unknown = typeof config.all === "string" ? config.all : (p.enforcementLevel ?? "mandatory");
    let props: Record<string, unknown> = {};
    if (typeof entry === "string") level = entry;
    else if (entry && typeof entry === "object") {
      const { enforcementLevel, ...rest } = entry as Record<string, unknown>;
      if (enforcementLevel !== undefined) level = enforcementLevel;
      props = rest;
    }
    const pc = new analyzerpb.PolicyConfig();
    pc.setEnforcementlevel(levelCode(level));
    pc.setProperties(Struct.fromJavaScript(props as any));
    map.set(p.name, pc);
  }
  await unary(client, "configure", req);
}

/** The fixture as the shared resource record, so requests are built by the same code the CLI uses (src/analyzer/wire). */
function recordOf(r: FixtureResource): ResourceRecord {
  const providerType = r.provider?.type ?? "pulumi:providers:aws";
  return {
    urn: resourceUrn(r),
    type: r.type,
    name: r.name,
    custom: true,
    inputs: r.props,
    outputs: r.props,
    parent: r.parent,
    provider: r.provider && {
      urn: urnOf(providerType, r.provider.name),
      name: r.provider.name,
      type: providerType,
      properties: r.provider.props,
    },
    dependencies: r.dependencies ?? [],
    propertyDependencies: r.propertyDependencies ?? {},
    options: {},
  };
}

function analyzeRequest(r: FixtureResource): analyzerpb.AnalyzeRequest {
  return wire.analyzeRequest(recordOf(r));
}

function stackResource(r: FixtureResource): analyzerpb.AnalyzerResource {
  return wire.stackResource(recordOf(r));
}

function diagnosticsOf(
  res: analyzerpb.AnalyzeResponse,
  nameOfUrn: (urn: string) => string,
  fallbackName: string,
): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    urn: d.getUrn(),
    resourceName: d.getUrn() ? nameOfUrn(d.getUrn()) : fallbackName,
    enforcementLevel: levelFromProto(d.getEnforcementlevel()),
    message: d.getMessage(),
    severity: severityFromProto(d.getSeverity()) ?? "",
  }));
}

function nameFromUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Analyzes each resource on its own (the engine's per-resource Analyze, on inputs) and returns all diagnostics. */
export function analyzeResources(
  policies: readonly Policy[],
  resources: readonly FixtureResource[],
  config?: PackConfig,
): Promise<Diagnostic[]> {
  return serialized(async () => {
    const { client } = await connect();
    servedPolicies.splice(0, servedPolicies.length, ...policies);
    await configure(client, policies, config);
    const all: Diagnostic[] = [];
    for (const r of resources) {
      const res = await unary<analyzerpb.AnalyzeRequest, analyzerpb.AnalyzeResponse>(
        client,
        "analyze",
        analyzeRequest(r),
      );
      all.push(...diagnosticsOf(res, nameFromUrn, r.name));
    }
    return all;
  });
}

/** Analyzes the resources as one stack (the engine's AnalyzeStack, on outputs). */
export function analyzeStack(
  policies: readonly Policy[],
  resources: readonly FixtureResource[],
  config?: PackConfig,
): Promise<Diagnostic[]> {
  return serialized(async () => {
    const { client } = await connect();
    servedPolicies.splice(0, servedPolicies.length, ...policies);
    await configure(client, policies, config);
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(resources.map(stackResource));
    const res = await unary<analyzerpb.AnalyzeStackRequest, analyzerpb.AnalyzeResponse>(client, "analyzeStack", req);
    const names = new Map(resources.map((r) => [resourceUrn(r), r.name]));
    return diagnosticsOf(res, (urn) => names.get(urn) ?? nameFromUrn(urn), "");
  });
}

/** Runs the SDK's Remediate for one resource; only policies at level "remediate" take part. */
export function remediate(
  policies: readonly Policy[],
  resource: FixtureResource,
  config?: PackConfig,
): Promise<Remediation[]> {
  return serialized(async () => {
    const { client } = await connect();
    servedPolicies.splice(0, servedPolicies.length, ...policies);
    await configure(client, policies, config);
    const res = await unary<analyzerpb.AnalyzeRequest, analyzerpb.RemediateResponse>(
      client,
      "remediate",
      analyzeRequest(resource),
    );
    return res.getRemediationsList().map((r) => ({
      policyName: r.getPolicyname(),
      properties: r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
      diagnostic: r.getDiagnostic(),
    }));
  });
}

/** Sorted names of the resources `policyName` reported at `level`. */
export function failingNames(
  diags: readonly Diagnostic[],
  policyName: string,
  level: EnforcementLevel = "mandatory",
): string[] {
  return [
    ...new Set(
      diags.filter((d) => d.policyName === policyName && d.enforcementLevel === level).map((d) => d.resourceName),
    ),
  ].sort();
}

/** Diagnostics of one policy about one resource. */
export function diagnosticsFor(diags: readonly Diagnostic[], policyName: string, resourceName: string): Diagnostic[] {
  return diags.filter((d) => d.policyName === policyName && d.resourceName === resourceName);
}
