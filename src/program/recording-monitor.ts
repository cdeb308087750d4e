import * as path from "path";
import { fileURLToPath } from "url";
import { packageRoot } from "../paths";
import { UNKNOWN_VALUE } from "../analyzer/wire";
import { SECRET_SIG, SECRET_SIG_VALUE, ResourceOptionsRecord, SourcePosition } from "../analyzer/resource-record";
import { answerInvoke } from "./invokes";
import { hexSuffix, mockState, providerId, withAutoName, MOCK_ACCOUNT_ID } from "./mock-outputs";
import { StackReferenceAnswers, stackReferenceState } from "./stack-references";

const toPath = (uri: string): string => (uri.startsWith("file://") ? fileURLToPath(uri) : uri);

const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** What the monitor saw of one RegisterResourceRequest (plus what it answered). */
export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  parent?: string;
  /** `URN::ID` as the SDK sent it; empty means "default provider". */
  providerRef?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: ResourceOptionsRecord;
  sourcePosition?: SourcePosition;
  /** A multi-language component (`remote: true`): the engine would construct its children in a provider plugin. */
  remote?: boolean;
}

/**
 * Turns the wire form of a property value (Struct JSON with Pulumi's signature objects) into the form a
 * stack export has: secrets keep the SECRET_SIG shape, resource references become the referenced
 * resource's id (the engine downgrades them for providers), assets and archives keep their wire shape.
 */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const sig = obj[SECRET_SIG];
  if (sig === SECRET_SIG_VALUE) return { [SECRET_SIG]: SECRET_SIG_VALUE, value: fromWire(obj.value) };
  if (sig === RESOURCE_SIG) return typeof obj.id === "string" && obj.id !== "" ? obj.id : obj.urn;
  if (sig === OUTPUT_VALUE_SIG) {
    const inner = fromWire(obj.value);
    return obj.secret === true ? { [SECRET_SIG]: SECRET_SIG_VALUE, value: inner } : inner;
  }
  if (sig !== undefined) return obj;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fromWire(v)]));
}

/** Config the monitor needs to shape outputs: region, account, and the default tags of a provider reference. */
export interface MonitorEnvironment {
  stack: string;
  project: string;
  defaultRegion: string;
  /** Region and defaultTags in effect for a resource managed by the given provider reference ("" = default). */
  providerSettings(providerRef: string): { region: string; defaultTags?: Record<string, string> };
  /**
   * A preview of a new stack: what a provider computes on create (ids, ARNs, URLs) is unknown, as the engine
   * sends it to Analyze and AnalyzeStack during `pulumi preview`. Otherwise outputs are as after `pulumi up`.
   */
  preview?: boolean;
  /** Outputs of the stacks the program references (by name); a reference not listed gets unknown outputs. */
  stackReferences?: StackReferenceAnswers;
}

/**
 * Where a resource was declared in the user's program: the SDK's own position is the first frame outside
 * @pulumi/pulumi, which for resources made inside libraries (`new aws.lambda.CallbackFunction`, `queue.onEvent`)
 * is library code; the first frame outside node_modules in the stack trace is the user's line.
 */
function userSourcePosition(req: any): SourcePosition | undefined {
  const positions: any[] = [
    req.getSourceposition?.(),
    ...(req.getStacktrace?.()?.getFramesList?.() ?? []).map((f: any) => f.getPc?.()),
  ];
  for (const pos of positions) {
    const uri: string | undefined = pos?.getUri?.();
    if (!uri || uri.includes("/node_modules/") || !uri.startsWith("file:")) continue;
    const file = toPath(uri);
    // serverless-guard's own frames (the code that runs the program) are not the program's.
    if (OWN_CODE.some((dir) => file.startsWith(dir))) continue;
    return { uri: file, line: pos.getLine(), ...(pos.getColumn() ? { column: pos.getColumn() } : {}) };
  }
  return undefined;
}
const OWN_CODE = ["src", "dist"].map((d) => path.join(packageRoot(), d) + path.sep);

type Callback = (err: unknown, resp?: unknown) => void;

/**
 * Builds the recording monitor as a subclass of the `MockMonitor` of the program's own @pulumi/pulumi (the
 * class is only known at run time, since it must be the instance the program loads).
 */
export function createRecordingMonitor(pulumiDir: string, env: MonitorEnvironment) {
  const { MockMonitor } = require(`${pulumiDir}/runtime/mocks`);
  // The program's @pulumi/pulumi may carry its own google-protobuf; use the copy it resolves.
  const structproto = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
  const resproto = require(`${pulumiDir}/proto/resource_pb`);

  const registered: RegisteredResource[] = [];
  const byUrn = new Map<string, RegisteredResource>();
  const fakedInvokes = new Set<string>();

  const newUrn = (parent: string, type: string, name: string): string => {
    // As the engine does (and unlike MockMonitor): a child's type is qualified by its parent's whole type chain
    // (`tap:index:TapStack$tap:index:LambdaComponent$aws:...`), and children of the root stack carry none.
    let qualified = type;
    const parentQualified = parent ? parent.split("::")[2] : undefined;
    if (parentQualified && parentQualified !== "pulumi:pulumi:Stack") qualified = `${parentQualified}$${type}`;
    return `urn:pulumi:${env.stack}::${env.project}::${qualified}::${name}`;
  };

  /** Inputs -> (inputs after Check, id, outputs), as a provider would produce them. */
  const provision = (
    type: string,
    name: string,
    urn: string,
    wireInputs: Record<string, unknown>,
    custom: boolean,
    providerRef: string,
  ) => {
    const rawInputs = fromWire(wireInputs) as Record<string, unknown>;
    if (!custom) return { inputs: rawInputs, id: undefined, outputs: {} as Record<string, unknown> };
    if (type.startsWith("pulumi:providers:")) {
      return { inputs: rawInputs, id: providerId(urn), outputs: { ...rawInputs } };
    }
    const settings = env.providerSettings(providerRef);
    const inputs = withAutoName(type, name, urn, rawInputs);
    const state = mockState(type, name, urn, inputs, {
      region: settings.region,
      account: MOCK_ACCOUNT_ID,
      defaultTags: settings.defaultTags,
    });
    if (env.preview) return { inputs, id: undefined, outputs: { ...inputs, ...previewComputed(state.computed) } };
    return { inputs, id: state.id, outputs: { ...inputs, ...state.computed } };
  };
  // The AWS provider works out tagsAll while planning (inputs and provider defaultTags), so a preview knows it.
  const previewComputed = (computed: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(computed).map(([k, v]) => [k, k === "tagsAll" ? v : UNKNOWN_VALUE]));
  const stackReferencesSeen: { name: string; resolved: boolean }[] = [];

  const mocks = {
    // Only reached through MockMonitor.invoke; answers the emulated invokes, records the rest.
    call(args: { token: string; inputs: Record<string, unknown>; provider?: string }) {
      const region = env.providerSettings(args.provider ?? "").region;
      const answer = answerInvoke(args.token, args.inputs, { region, account: MOCK_ACCOUNT_ID });
      if (answer) return answer;
      fakedInvokes.add(args.token);
      return {};
    },
    // Only reached through MockMonitor.readResource (`Resource.get`), which is not recorded as a managed resource.
    newResource(args: {
      type: string;
      name: string;
      inputs: Record<string, unknown>;
      provider?: string;
      custom?: boolean;
      id?: string;
    }) {
      const urn = newUrn("", args.type, args.name);
      const p = provision(args.type, args.name, urn, args.inputs, true, args.provider ?? "");
      return { id: args.id || p.id || `${args.name}-${hexSuffix(urn)}`, state: p.outputs };
    },
  };

  class RecordingMonitor extends MockMonitor {
    constructor() {
      super(mocks);
    }

    async registerResource(req: any, callback: Callback) {
      try {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const custom: boolean = req.getCustom();
        const providerRef: string = req.getProvider();
        const urn = newUrn(parent, type, name);
        const wire = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const remote = !custom && req.getRemote?.() === true;
        const p = provision(type, name, urn, wire, custom, providerRef);

        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
          propertyDependencies[key] = deps.getUrnsList();
        });
        const timeouts = req.getCustomtimeouts?.();
        const options: ResourceOptionsRecord = {};
        if (req.getProtect?.()) options.protect = true;
        if (req.getIgnorechangesList().length) options.ignoreChanges = req.getIgnorechangesList();
        if (req.getDeletebeforereplace()) options.deleteBeforeReplace = true;
        if (req.getAdditionalsecretoutputsList().length)
          options.additionalSecretOutputs = req.getAdditionalsecretoutputsList();
        if (req.getRetainondelete?.()) options.retainOnDelete = true;
        const aliases: string[] = (req.getAliasesList?.() ?? [])
          .map((a: any) => a.getUrn?.() || a.getSpec?.()?.getName?.() || "")
          .filter(Boolean);
        if (aliases.length) options.aliases = aliases;
        if (timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())) {
          options.customTimeouts = {
            ...(timeouts.getCreate() ? { create: timeouts.getCreate() } : {}),
            ...(timeouts.getUpdate() ? { update: timeouts.getUpdate() } : {}),
            ...(timeouts.getDelete() ? { delete: timeouts.getDelete() } : {}),
          };
        }
        const record: RegisteredResource = {
          urn,
          type,
          name,
          custom,
          id: p.id,
          parent: parent || undefined,
          providerRef: providerRef || undefined,
          inputs: p.inputs,
          outputs: p.outputs,
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          options,
          // Positions inside dependencies (e.g. the SDK's own Stack) say nothing about the program.
          // A file path rather than the SDK's file:// URI, so reports can make it repository-relative.
          sourcePosition: userSourcePosition(req),
          ...(remote ? { remote: true } : {}),
        };
        registered.push(record);
        byUrn.set(urn, record);
        // Keep MockMonitor's table current so `pulumi:pulumi:getResource` invokes keep working.
        this.resources.set(urn, { urn, id: p.id ?? null, state: p.outputs });

        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(p.id ?? "");
        // Preview: the planned state is the inputs; the SDK resolves every output missing from it as unknown.
        response.setObject(structproto.Struct.fromJavaScript((env.preview && custom ? p.inputs : p.outputs) as any));
        // A remote component's outputs come from its provider plugin, which is not here: answering as a
        // registration that did not complete makes the SDK resolve every output it has no value for as unknown
        // (never undefined), so the program runs on as under a preview.
        if (remote) response.setResult(resproto.Result.SKIP);
        callback(null, response);
      } catch (err) {
        callback(err);
      }
    }

    async readResource(req: any, callback: Callback) {
      if (req.getType() !== "pulumi:pulumi:StackReference") return super.readResource(req, callback);
      try {
        const name = String(req.getProperties()?.toJavaScript()?.name ?? req.getId() ?? req.getName());
        const { state, resolved } = stackReferenceState(name, env.stackReferences);
        stackReferencesSeen.push({ name, resolved });
        const response = new resproto.ReadResourceResponse();
        response.setUrn(newUrn(req.getParent(), req.getType(), req.getName()));
        response.setProperties(structproto.Struct.fromJavaScript(state as any));
        callback(null, response);
      } catch (err) {
        callback(err);
      }
    }

    registerResourceOutputs(req: any, callback: Callback) {
      const record = byUrn.get(req.getUrn());
      if (record) record.outputs = (fromWire(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>) ?? {};
      callback(null, {});
    }
  }

  return {
    monitor: new RecordingMonitor(),
    registered,
    byUrn: byUrn as ReadonlyMap<string, RegisteredResource>,
    fakedInvokes,
    stackReferences: stackReferencesSeen,
  };
}
