/**
 * The resource graph that `check` (from a program run under a mock monitor) and `audit` (from a
 * `pulumi stack export`) both produce, and that the analyzer driver turns into Analyze/AnalyzeStack
 * requests. One shape for both, so their verdicts on the same resources are the same.
 */

/** Pulumi's signature key for secret values; `{[SECRET_SIG]: SECRET_SIG_VALUE, value | ciphertext}`. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Splits a provider reference `URN::ID` at the last `::` (URNs themselves contain `::`). */
export function providerUrnOf(ref: string): string {
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

/**
 * Provider inputs with their JSON-encoded strings decoded: the Node SDK sends object-valued provider
 * args as JSON strings, and state keeps them so (`"defaultTags": "{\"tags\":{...}}"`). Both `check`
 * and `audit` build ProviderRecord.properties with this, so a policy sees the same shape from either.
 */
export function decodeProviderProperties(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    out[key] = value;
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        // Not JSON after all: keep the string.
      }
    }
  }
  return out;
}

/** The provider a resource is managed by, with its configuration (e.g. the AWS provider's defaultTags). */
export interface ProviderRecord {
  urn: string;
  name: string;
  /** e.g. "pulumi:providers:aws" */
  type: string;
  /** Provider inputs, with JSON-encoded strings (as state often has them) already decoded where they parse. */
  properties: Record<string, unknown>;
}

export interface SourcePosition {
  uri: string;
  line: number;
  column?: number;
}

export interface ResourceRecord {
  urn: string;
  /** Pulumi type token, e.g. "aws:lambda/function:Function". */
  type: string;
  /** Logical name. */
  name: string;
  /** false for component resources (which have no provider inputs of their own). */
  custom: boolean;
  /** Inputs as the program (or state) gave them. Secrets use the SECRET_SIG shape. */
  inputs: Record<string, unknown>;
  /** Outputs after "deployment" (mocked by `check`, from state for `audit`). */
  outputs: Record<string, unknown>;
  parent?: string;
  provider?: ProviderRecord;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: ResourceOptionsRecord;
  /** Where the resource was declared, when known (for SARIF). */
  sourcePosition?: SourcePosition;
  /**
   * A read (`Resource.get`), which state marks `external`: the stack does not manage it, and the engine
   * never sends reads to Analyze. It still appears in AnalyzeStack's view of the stack.
   */
  external?: boolean;
}

export interface ResourceOptionsRecord {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  aliases?: string[];
  additionalSecretOutputs?: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  retainOnDelete?: boolean;
}

/** What a program run or a state file yields. */
export interface ResourceGraph {
  project: string;
  stack: string;
  resources: ResourceRecord[];
  /** Invokes answered with an empty result because they are not emulated (check only). */
  fakedInvokes: string[];
  /** The file the graph came from (the program's main or the state file), for reports that need a location. */
  sourceFile?: string;
  /**
   * check: "update" (outputs as after `pulumi up`) or "preview" (outputs of created resources unknown, as
   * `pulumi preview` of a new stack); audit: "state". Absent for graphs made elsewhere.
   */
  mode?: "update" | "preview" | "state";
  /** Multi-language components (`remote: true`) whose children were not constructed, so not analyzed. */
  unexpandedComponents?: { type: string; urn: string }[];
  /** Stack references the program made, and whether their outputs were given (`--stack-reference`). */
  stackReferences?: { name: string; resolved: boolean }[];
  /** Secret config keys (or, for audit, secret values' resources) left undecrypted, whose values policies saw as unknown. */
  undecidedSecrets?: string[];
  /** The repository that holds the program or state file (SARIF URIs are relative to it). */
  repositoryRoot?: string;
}
