/**
 * Enforces a policy pack on a resource graph through the same Analyzer gRPC protocol the Pulumi
 * engine uses: GetAnalyzerInfo, Configure (reconciled config), ConfigureStack, per resource
 * Remediate then Analyze (inputs, as a preview), then AnalyzeStack (outputs, as an update).
 */
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { packageRoot } from "../paths";
import { PolicyPackConfigFile, reconcilePolicyPackConfig, ReconciledConfig } from "../pack-config";
import { call, startEngineServer, startPack, EngineLogEntry } from "./pack-process";
import {
  AnalyzerInfo,
  analyzerInfoFromProto,
  EnforcementLevel,
  levelFromProto,
  levelToProto,
  PolicyInfo,
  severityFromProto,
} from "./policy-info";
import { ResourceGraph, ResourceRecord } from "./resource-record";
import { analyzeRequest, restoreUnchanged, stackResource } from "./wire";

export interface Violation {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  resourceUrn?: string;
  enforcementLevel: EnforcementLevel;
  severity?: string;
  message: string;
  phase: "analyze" | "analyzeStack";
}

export interface Remediation {
  policyName: string;
  resourceUrn: string;
  description?: string;
  /** The whole new property bag. */
  properties: Record<string, unknown>;
  /** The bag the remediation started from (for showing what changed). */
  previous: Record<string, unknown>;
}

export interface EnforceResult {
  policyPack: { name: string; version: string };
  violations: Violation[];
  remediations: Remediation[];
  summary: { resources: number; mandatory: number; advisory: number; fakedInvokes: string[] };
  /** The pack's policies as GetAnalyzerInfo described them (SARIF rules come from these). */
  policies: PolicyInfo[];
  /** What each policy was configured with (after defaults and the config file). */
  config: ReconciledConfig;
  /** Messages the pack logged through the Engine service. */
  logs: EngineLogEntry[];
}

export interface EnforceOptions {
  /** Default: the serverless-guard package root. */
  packDir?: string;
  /**
   * The user's `--policy-pack-config`, read by the caller with readPolicyPackConfigFile: read once (it may be a
   * pipe), before any program run changes the cwd, and failing on a malformed file before the pack's start-up.
   */
  policyPackConfig?: PolicyPackConfigFile;
  /** How many Analyze/Remediate calls are in flight at once. */
  concurrency?: number;
  /** Deadline of each RPC to the pack; default RPC_TIMEOUT_MS. */
  rpcTimeoutMs?: number;
}

const DEFAULT_CONCURRENCY = 8;

/** Runs `worker` over `items` with at most `limit` in flight, keeping results in input order. */
async function mapLimited<T, R>(items: T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}

function diagnosticsToViolations(
  diags: analyzerpb.AnalyzeDiagnostic[],
  phase: Violation["phase"],
  defaultUrn?: string,
): Violation[] {
  return diags.map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    resourceUrn: d.getUrn() || defaultUrn || undefined,
    enforcementLevel: levelFromProto(d.getEnforcementlevel()),
    severity: severityFromProto(d.getSeverity()),
    message: d.getMessage(),
    phase,
  }));
}

/**
 * Whether a resource is analyzed per resource: every registration is, default providers included (the
 * engine registers those through the same step generator), but not reads (`Resource.get`), which the
 * engine handles apart from registrations.
 */
function isAnalyzed(r: ResourceRecord, graph: ResourceGraph): boolean {
  // `pulumi policy analyze` on saved state analyzes every resource, reads included (analyze_snapshot.go).
  return !r.external || graph.mode === "state";
}

type Rpc = <Res>(method: string, req: unknown, resourceUrn?: string) => Promise<Res>;

/** A pack that has described itself and received its config: all the protocol needs before the graph. */
interface ConfiguredPack {
  rpc: Rpc;
  info: AnalyzerInfo;
  config: ReconciledConfig;
  logs: EngineLogEntry[];
}

/** GetAnalyzerInfo and Configure, which need only the pack: they run as soon as it serves, while the graph loads. */
async function configurePack(
  client: Parameters<typeof call>[0],
  options: EnforceOptions,
  userConfig: PolicyPackConfigFile | undefined,
  logs: EngineLogEntry[],
): Promise<ConfiguredPack> {
  const rpc: Rpc = (method, req, resourceUrn) => call(client, method, req, resourceUrn, options.rpcTimeoutMs);
  const info: AnalyzerInfo = analyzerInfoFromProto(await rpc("getAnalyzerInfo", new Empty()));
  const config = reconcilePolicyPackConfig(info, userConfig);

  if (info.supportsConfig) {
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, c] of Object.entries(config)) {
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(levelToProto(c.enforcementLevel));
      pc.setProperties(Struct.fromJavaScript(c.properties as Record<string, any>));
      map.set(name, pc);
    }
    await rpc("configure", req);
  }
  return { rpc, info, config, logs };
}

/** ConfigureStack, Remediate/Analyze per resource and AnalyzeStack on a configured pack. */
async function analyzeGraph(
  pack: ConfiguredPack,
  graph: ResourceGraph,
  options: EnforceOptions,
): Promise<EnforceResult> {
  const { rpc, info, config, logs } = pack;
  const stackReq = new analyzerpb.AnalyzerStackConfigureRequest();
  stackReq.setProject(graph.project);
  stackReq.setStack(graph.stack);
  stackReq.setDryRun(true);
  await rpc("configureStack", stackReq);

  const anyRemediate = Object.values(config).some((c) => c.enforcementLevel === "remediate");
  const perResource = await mapLimited(
    graph.resources.filter((r) => isAnalyzed(r, graph)),
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (r) => {
      const violations: Violation[] = [];
      const remediations: Remediation[] = [];
      let inputs = r.inputs;
      // As the engine does: remediations first, each seeing the previous one's result; Analyze then sees the fixed inputs.
      if (anyRemediate) {
        const res: analyzerpb.RemediateResponse = await rpc("remediate", analyzeRequest(r, inputs), r.urn);
        for (const rem of res.getRemediationsList()) {
          const props = rem.getProperties();
          if (props) {
            const previous = inputs;
            const fixed = restoreUnchanged(props.toJavaScript(), previous) as Record<string, unknown>;
            remediations.push({
              policyName: rem.getPolicyname(),
              resourceUrn: r.urn,
              description: rem.getDescription() || undefined,
              properties: fixed,
              previous,
            });
            // On saved state (`pulumi policy analyze`) a remediation is reported, not applied to what Analyze sees.
            if (graph.mode !== "state") inputs = fixed;
          }
          if (rem.getDiagnostic()) {
            violations.push({
              policyName: rem.getPolicyname(),
              policyPackName: rem.getPolicypackname(),
              policyPackVersion: rem.getPolicypackversion(),
              resourceUrn: r.urn,
              enforcementLevel: "advisory",
              message: rem.getDiagnostic(),
              phase: "analyze",
            });
          }
        }
      }
      const res: analyzerpb.AnalyzeResponse = await rpc("analyze", analyzeRequest(r, inputs), r.urn);
      violations.push(...diagnosticsToViolations(res.getDiagnosticsList(), "analyze", r.urn));
      return { violations, remediations };
    },
  );

  const stackReqAll = new analyzerpb.AnalyzeStackRequest();
  stackReqAll.setResourcesList(graph.resources.map(stackResource));
  const stackRes: analyzerpb.AnalyzeResponse = await rpc("analyzeStack", stackReqAll);

  const violations = [
    ...perResource.flatMap((p) => p.violations),
    ...diagnosticsToViolations(stackRes.getDiagnosticsList(), "analyzeStack"),
  ];
  return {
    policyPack: { name: info.name, version: info.version },
    violations,
    remediations: perResource.flatMap((p) => p.remediations),
    summary: {
      resources: graph.resources.length,
      mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
      advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
      fakedInvokes: [...graph.fakedInvokes],
    },
    policies: info.policies,
    config,
    logs,
  };
}

/** A pack being started (with the Engine server it calls back), ahead of the graph it will judge. */
export interface AnalyzerSession {
  /** Resolves once the pack's process exists (its start-up then runs alongside whatever the caller does next). */
  spawned: Promise<void>;
  /** Resolves once the pack serves; rejects when it cannot start. */
  ready: Promise<{ client: Parameters<typeof call>[0]; logs: EngineLogEntry[] }>;
  /** Stops the pack (cancelling its start-up) and the Engine server; safe to call at any time, more than once. */
  stop(): Promise<void>;
}

/**
 * Starts the pack now, so that its start-up (a second or more) overlaps loading the graph: `check` calls this
 * before running the program, `audit` before reading the export.
 */
export function startAnalyzer(packDir: string = packageRoot()): AnalyzerSession {
  const abort = new AbortController();
  const engine = startEngineServer();
  const pack = engine.then((e) => startPack(packDir, e.address, e.logs, abort.signal));
  // Failures are reported where `ready` is awaited; a session stopped early never is.
  pack.catch(() => undefined);
  engine.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    spawned: engine.then(() => undefined),
    ready: Promise.all([engine, pack]).then(([e, p]) => ({ client: p.client, logs: e.logs })),
    stop: () =>
      (stopping ??= (async () => {
        abort.abort();
        await (await pack.catch(() => undefined))?.stop();
        await (await engine.catch(() => undefined))?.stop();
      })()),
  };
}

/**
 * Spawns @pulumi/pulumi/cmd/run-policy-pack on the pack (or uses `session`, started earlier by startAnalyzer),
 * serves the Engine RPCs it calls back, runs Configure, Remediate/Analyze per resource and AnalyzeStack;
 * always stops the pack. Throws UsageError for config that does not fit the pack's policies or schemas.
 */
export async function enforce(
  graph: ResourceGraph | Promise<ResourceGraph>,
  options: EnforceOptions = {},
  session?: AnalyzerSession,
): Promise<EnforceResult> {
  const userConfig = options.policyPackConfig;
  if (!session) {
    // A graph that has already failed (a file read synchronously) fails here, before the pack's ~1 s start-up:
    // race() settles with the first argument when it has already settled.
    await Promise.race([graph, undefined]);
  }
  const analyzer = session ?? startAnalyzer(options.packDir ?? packageRoot());
  try {
    // Whichever fails first is the error: a failing program or export stops the pack's start-up at once.
    const configured = analyzer.ready.then((p) => configurePack(p.client, options, userConfig, p.logs));
    const [pack, loaded] = await Promise.all([configured, graph]);
    return await analyzeGraph(pack, loaded, options);
  } finally {
    await analyzer.stop();
  }
}
