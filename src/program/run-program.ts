import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../errors";
import { DEFAULT_PROGRAM_TIMEOUT_SECONDS } from "./limits";
import {
  decodeProviderProperties,
  ProviderRecord,
  providerUrnOf,
  ResourceGraph,
  ResourceRecord,
} from "../analyzer/resource-record";
import { loadProject, loadStackConfig, qualifyConfigKey } from "./project";
import { programErrorLine, watchForFailure } from "./program-failure";
import { createRecordingMonitor, RegisteredResource } from "./recording-monitor";
import { installUndecidedSecrets, resolveSecureConfig } from "./secure-config";
import { installUnresolvedStackReferences, StackReferenceAnswers } from "./stack-references";
import { registerTypeScript } from "./transpile";

export interface RunProgramOptions {
  /** Stack name seen by `pulumi.getStack()`; default "dev". */
  stack?: string;
  /** `key=value` config; keys without ':' get the project prefix. Overrides Pulumi.<stack>.yaml. */
  config?: Record<string, string>;
  /** How long the program may run before it is reported as stuck; default DEFAULT_PROGRAM_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  /** Run as a preview of a new stack (outputs of created resources unknown) instead of as after `pulumi up`. */
  preview?: boolean;
  /** Outputs of referenced stacks (`--stack-reference NAME=FILE`); references not given get unknown outputs. */
  stackReferences?: StackReferenceAnswers;
}

/** Resolves as `work` does, or rejects with `message` after `seconds`. */
async function withinSeconds<T>(work: Promise<T>, seconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), seconds * 1000);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function providerPackageVersion(pkg: string, programDir: string): string | undefined {
  try {
    const pkgJson = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [programDir] });
    return JSON.parse(fs.readFileSync(pkgJson, "utf8")).version;
  } catch {
    return undefined;
  }
}

/**
 * The engine registers a default provider per package, configured from the stack's `<pkg>:*` config keys,
 * for every resource that names no provider. Its URN name is `default_<version with underscores>`.
 */
function defaultProviderFor(
  pkg: string,
  stack: string,
  project: string,
  config: Record<string, string>,
  programDir: string,
): ProviderRecord {
  const version = providerPackageVersion(pkg, programDir);
  const name = version ? `default_${version.replace(/[.\-+]/g, "_")}` : "default";
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${pkg}:`)) properties[key.slice(pkg.length + 1)] = value;
  }
  if (version) properties.version = version;
  return {
    urn: `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::${name}`,
    name,
    type: `pulumi:providers:${pkg}`,
    properties: decodeProviderProperties(properties),
  };
}

/**
 * Runs a Pulumi TS/JS program (Pulumi.yaml gives name, runtime, main) in-process under a recording mock
 * monitor, and returns the resource graph, including the (default) providers' configuration and the
 * invokes that were answered with an empty result.
 *
 * It mutates process-global Pulumi state (the program's @pulumi/pulumi runtime settings), the cwd while
 * the program runs, and registers the TypeScript transpile hook: it runs once per process, in the child process
 * that run-in-child.ts starts for each `check`.
 */
export async function runProgram(programDir: string, options: RunProgramOptions = {}): Promise<ResourceGraph> {
  const project = loadProject(programDir);
  const stack = options.stack ?? "dev";
  const label = `program ${programDir}`;
  if (project.mainFallback) {
    // Pulumi's own words (its Node.js runtime's resolveEntrypoint).
    process.stderr.write(
      `serverless-guard check: warning: Could not find entry point '${project.mainFallback.configured}' specified in package.json; using '${project.mainFallback.used}' instead\n`,
    );
  }
  const { config, secure } = await programConfig(project, stack, options);
  const sdk = programSdk(project, label);
  const recorder = recorderFor(sdk.pulumiDir, project.name, stack, config, options);
  installMockRuntime(sdk, recorder, project.name, stack, config, secure, options);
  await execute(project, sdk, label, options.timeoutSeconds ?? DEFAULT_PROGRAM_TIMEOUT_SECONDS);
  return {
    project: project.name,
    stack,
    resources: resourceRecords(recorder, project, stack, config),
    fakedInvokes: [...recorder.fakedInvokes].sort(),
    // Where SARIF points a finding whose resource has no recorded declaration (e.g. a default provider).
    sourceFile: project.main,
    ...runNotes(recorder.registered, recorder.stackReferences, secure.undecided, options.preview === true, project.dir),
  };
}

type Project = ReturnType<typeof loadProject>;
type SecureConfig = Awaited<ReturnType<typeof resolveSecureConfig>>;
type Recorder = ReturnType<typeof createRecordingMonitor>;

/** The program's copy of the Pulumi SDK's runtime modules (the ones its resources register through). */
interface ProgramSdk {
  pulumiDir: string;
  settings: any;
  state: any;
  runtimeConfig: any;
  runtimeStack: any;
}

/** Config as the engine gives it: Pulumi.yaml defaults, then Pulumi.<stack>.yaml (secure values decrypted), then --config. */
async function programConfig(project: Project, stack: string, options: RunProgramOptions) {
  const stackConfig = loadStackConfig(project, stack);
  const cliConfig = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([k, v]) => [qualifyConfigKey(k, project.name), v]),
  );
  const secure = await resolveSecureConfig(stackConfig, (key) => key in cliConfig);
  if (secure.undecided.length) {
    process.stderr.write(
      `serverless-guard check: secure config ${secure.undecided.map((k) => `'${k}'`).join(", ")} in Pulumi.${stack}.yaml cannot be decrypted (${secure.reason}); the program sees unknown secrets\n`,
    );
  }
  const config: Record<string, string> = {
    ...project.configDefaults,
    ...stackConfig.config,
    ...secure.config,
    ...cliConfig,
  };
  return { config, secure };
}

function programSdk(project: Project, label: string): ProgramSdk {
  let pulumiDir: string;
  try {
    pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [project.dir] }));
  } catch {
    throw new UsageError(`${label}: cannot resolve @pulumi/pulumi from ${project.dir} (run npm install there)`);
  }
  withoutLeakTracking(require(`${pulumiDir}/runtime/debuggable`));
  return {
    pulumiDir,
    settings: require(`${pulumiDir}/runtime/settings`),
    state: require(`${pulumiDir}/runtime/state`),
    runtimeConfig: require(`${pulumiDir}/runtime/config`),
    runtimeStack: require(`${pulumiDir}/runtime/stack`),
  };
}

const tagsOf = (props: Record<string, unknown>) => {
  const dt = props.defaultTags as { tags?: Record<string, string> } | undefined;
  return dt && typeof dt === "object" && dt.tags && typeof dt.tags === "object" ? dt.tags : undefined;
};

/** The recording monitor, which answers each resource with realistic outputs for its provider's region and tags. */
function recorderFor(
  pulumiDir: string,
  project: string,
  stack: string,
  config: Record<string, string>,
  options: RunProgramOptions,
): Recorder {
  const providerSettingsCache = new Map<string, { region: string; defaultTags?: Record<string, string> }>();
  const defaultRegion = config["aws:region"] ?? "us-east-1";
  const defaultAwsTags = tagsOf(decodeProviderProperties({ defaultTags: config["aws:defaultTags"] }));
  const recorder = createRecordingMonitor(pulumiDir, {
    stack,
    project,
    defaultRegion,
    preview: options.preview === true,
    stackReferences: options.stackReferences,
    providerSettings(ref: string) {
      if (!ref) return { region: defaultRegion, defaultTags: defaultAwsTags };
      const cached = providerSettingsCache.get(ref);
      if (cached) return cached;
      const provider = recorder.byUrn.get(providerUrnOf(ref));
      const props = decodeProviderProperties(provider?.inputs ?? {});
      const result = {
        region: typeof props.region === "string" ? props.region : defaultRegion,
        defaultTags: tagsOf(props),
      };
      providerSettingsCache.set(ref, result);
      return result;
    },
  });
  return recorder;
}

/** Points the program's SDK at the recording monitor, with the engine's feature set, config and stand-ins. */
function installMockRuntime(
  sdk: ProgramSdk,
  recorder: Recorder,
  project: string,
  stack: string,
  config: Record<string, string>,
  secure: SecureConfig,
  options: RunProgramOptions,
): void {
  sdk.settings.setMockOptions(recorder.monitor, project, stack, options.preview === true);
  // The same feature set `pulumi.runtime.setMocks` enables (resource references so components and
  // providers resolve as under the engine; outputValues off, as MockMonitor reports).
  Object.assign(sdk.state.getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
  });
  sdk.runtimeConfig.setAllConfig(config, secure.secretKeys);
  installUndecidedSecrets(sdk.pulumiDir, secure.undecided, secure.reason ?? "");
  installUnresolvedStackReferences(sdk.pulumiDir, options.stackReferences);
}

/** Runs the program from its own directory, its console output kept off stdout; its first error ends the run. */
async function execute(project: Project, sdk: ProgramSdk, label: string, timeout: number): Promise<void> {
  if (project.typescript && /\.tsx?$/.test(project.main)) registerTypeScript(project.dir);
  // The program's console output must not corrupt `--format json` on stdout.
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  const failures = watchForFailure();
  const cwd = process.cwd();
  let failed = false;
  try {
    process.chdir(project.dir);
    const run = async () => {
      await sdk.runtimeStack.runInPulumiStack(async () => {
        let exported = require(project.main);
        if (exported && typeof exported === "object" && "default" in exported && Object.keys(exported).length === 1)
          exported = exported.default;
        return await (typeof exported === "function" ? exported() : exported);
      });
      await sdk.settings.waitForRPCs();
    };
    // The program's first unhandled error ends the run at once: a resource waiting on a failed output never registers.
    await withinSeconds(
      Promise.race([run(), failures.failed]),
      timeout,
      `it did not finish within ${timeout} s (awaiting a promise that never settles?); see --timeout`,
    );
    // Let rejections raised on the last turn surface before deciding the run succeeded.
    await new Promise((resolve) => setImmediate(resolve));
  } catch (err) {
    failed = true;
    throw new UsageError(`${label} failed: ${programErrorLine(err, project.dir, cwd)}`);
  } finally {
    process.chdir(cwd);
    Object.assign(console, saved);
    // After a failure the SDK's pending resource promises keep rejecting; they are echoes of the error
    // already reported, so the handlers stay to keep them from crashing the CLI before it exits with 2.
    failures.dispose(failed);
  }
  if (failures.errors.length)
    throw new UsageError(`${label} failed: ${programErrorLine(failures.errors[0], project.dir, cwd)}`);
  const logged = sdk.state.getStore().logErrorCount;
  if (logged > 0) throw new UsageError(`${label} failed: it logged ${logged} error(s) (see above)`);
}

/** What was registered, as the engine's state has it: each custom resource with its (default) provider. */
function resourceRecords(
  recorder: Recorder,
  project: Project,
  stack: string,
  config: Record<string, string>,
): ResourceRecord[] {
  const defaultProviders = new Map<string, ProviderRecord>();
  const providerOf = (r: RegisteredResource): ProviderRecord | undefined => {
    if (!r.custom || r.type.startsWith("pulumi:providers:")) return undefined;
    if (r.providerRef) {
      const p = recorder.byUrn.get(providerUrnOf(r.providerRef));
      if (p?.type.startsWith("pulumi:providers:"))
        return { urn: p.urn, name: p.name, type: p.type, properties: decodeProviderProperties(p.inputs) };
    }
    const pkg = r.type.split(":")[0];
    let p = defaultProviders.get(pkg);
    if (!p) defaultProviders.set(pkg, (p = defaultProviderFor(pkg, stack, project.name, config, project.dir)));
    return p;
  };
  const resources: ResourceRecord[] = recorder.registered.map((r) => {
    const provider = providerOf(r);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      inputs: r.inputs,
      outputs: r.outputs,
      ...(r.parent ? { parent: r.parent } : {}),
      ...(provider ? { provider } : {}),
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      options: r.options,
      ...(r.sourcePosition ? { sourcePosition: r.sourcePosition } : {}),
    };
  });
  // The engine registers the default providers as resources too (they are in state, and analyzed like the rest).
  for (const p of defaultProviders.values()) {
    resources.push({
      urn: p.urn,
      type: p.type,
      name: p.name,
      custom: true,
      inputs: p.properties,
      outputs: p.properties,
      dependencies: [],
      propertyDependencies: {},
      options: {},
    });
  }
  return resources;
}

/** What the report must say about how far the run's verdicts reach (empty lists are left out). */
function runNotes(
  registered: RegisteredResource[],
  stackReferences: { name: string; resolved: boolean }[],
  undecidedSecrets: string[],
  preview: boolean,
  programDir: string,
): Partial<ResourceGraph> {
  const unexpanded = registered.filter((r) => r.remote).map((r) => ({ type: r.type, urn: r.urn }));
  const refs = [...new Map(stackReferences.map((r) => [r.name, r])).values()];
  return {
    mode: preview ? "preview" : "update",
    ...(unexpanded.length ? { unexpandedComponents: unexpanded } : {}),
    ...(refs.length ? { stackReferences: refs } : {}),
    ...(undecidedSecrets.length ? { undecidedSecrets } : {}),
    ...(repositoryRoot(programDir) ? { repositoryRoot: repositoryRoot(programDir) } : {}),
  };
}

/** The directory holding `.git` above the program, where code scanning's relative URIs start. */
function repositoryRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The SDK passes most of its internal promises (about a hundred per resource) through debuggablePromise
 * (sdk/nodejs/runtime/debuggable.ts), which tags each with an id, a context string and a formatted stack trace, adds
 * it to a leak-candidate set and chains it through two fresh closures. Only the SDK's leak report at process exit
 * reads any of that, and this process never prints it (it is killed once its result is sent, and an early exit is
 * reported by the CLI instead). The stack strings alone were a third of a large program's memory; the rest still held
 * a fifth of the live heap at the program's peak (3,000 resources: 576 MB with it, 445 MB without). The replacement
 * keeps the same chain (`then` then `catch`, so every promise settles on the same tick as before and resources
 * register in the same order) with two shared functions; a rejection passes through unchanged (without the SDK's
 * `err.promise` tag).
 */
function withoutLeakTracking(debuggable: { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => unknown }): void {
  debuggable.debuggablePromise = (p) => p.then(passValue).catch(rethrow);
}
const passValue = (value: unknown) => value;
const rethrow = (err: unknown) => {
  throw err;
};
