/**
 * `--policy-pack-config FILE`: the Pulumi CLI's policy config format, validated and reconciled the
 * way the CLI's `ReconcilePolicyPackConfig` does (schema defaults, then the pack's initial config,
 * then the user's file; `all` sets every policy's enforcement level).
 *
 * File format: `{"all": "mandatory", "<policy>": "advisory" | {"enforcementLevel": "...", "<prop>": value}}`.
 */
import * as fs from "fs";
import type { default as AjvClass, ErrorObject } from "ajv";
import { fsErrorText, UsageError } from "../errors";
import { NESTING_TOO_DEEP, nestingExceeds } from "../json-depth";
import { AnalyzerInfo, ENFORCEMENT_LEVELS, EnforcementLevel } from "../analyzer/policy-info";

export interface PolicyConfigEntry {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

/** The user's file, normalized: policy name (or `all`) -> level and properties. */
export interface PolicyPackConfigFile {
  file: string;
  entries: Record<string, PolicyConfigEntry>;
}

/** What Configure receives: every policy with its level and its properties (defaults filled in). */
export type ReconciledConfig = Record<
  string,
  { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }
>;

function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

const LEVELS_TEXT = ENFORCEMENT_LEVELS.join(", ");

/**
 * JSON.parse makes `"__proto__"` an ordinary own key, but copying it into an object (spread, Object.assign) sets the
 * prototype instead, so the key would vanish silently. It is never a policy or property name: refuse it anywhere.
 */
function rejectProtoKeys(raw: object, file: string): void {
  const pending: { value: unknown; at: string[] }[] = [{ value: raw, at: [] }];
  while (pending.length > 0) {
    const { value, at } = pending.pop()!;
    if (value === null || typeof value !== "object") continue;
    for (const key of Object.keys(value)) {
      if (key === "__proto__") {
        const where =
          at.length === 0
            ? "is not a policy name"
            : at.length === 1
              ? `in policy '${at[0]}' is not a configuration property`
              : `in policy '${at[0]}' (at ${at.slice(1).join(".")}) is not allowed`;
        throw new UsageError(`policy pack config ${file}: key '__proto__' ${where}`);
      }
      pending.push({ value: (value as Record<string, unknown>)[key], at: [...at, key] });
    }
  }
}

/** Reads and shape-checks the file; policy names and properties are checked later against the pack. */
export function readPolicyPackConfigFile(file: string): PolicyPackConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`policy pack config ${file}: cannot read file (${fsErrorText(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`policy pack config ${file}: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
  if (nestingExceeds(raw)) throw new UsageError(`policy pack config ${file}: ${NESTING_TOO_DEEP}`);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(`policy pack config ${file}: expected a JSON object of policy names`);
  }
  rejectProtoKeys(raw, file);
  const entries: Record<string, PolicyConfigEntry> = {};
  for (const [policy, value] of Object.entries(raw as Record<string, unknown>)) {
    const where = `policy pack config ${file}: policy '${policy}'`;
    if (typeof value === "string") {
      if (!isLevel(value))
        throw new UsageError(`${where}: unknown enforcement level '${value}' (expected one of: ${LEVELS_TEXT})`);
      entries[policy] = { enforcementLevel: value };
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new UsageError(`${where}: expected an enforcement level string or an object`);
    }
    const { enforcementLevel, ...properties } = value as Record<string, unknown>;
    if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
      throw new UsageError(
        `${where}: property 'enforcementLevel' must be one of: ${LEVELS_TEXT} (got ${JSON.stringify(enforcementLevel)})`,
      );
    }
    if (policy === "all" && Object.keys(properties).length > 0) {
      throw new UsageError(
        `${where}: only an enforcement level can apply to all policies (got property '${Object.keys(properties)[0]}')`,
      );
    }
    entries[policy] = {
      enforcementLevel: enforcementLevel as EnforcementLevel | undefined,
      properties: Object.keys(properties).length ? properties : undefined,
    };
  }
  return { file, entries };
}

/** Applies one layer of config, as the CLI's `applyConfig` does. */
function applyConfig(result: ReconciledConfig, layer: Record<string, PolicyConfigEntry>): void {
  const all = layer["all"]?.enforcementLevel;
  if (all) for (const name of Object.keys(result)) result[name].enforcementLevel = all;
  for (const [name, given] of Object.entries(layer)) {
    if (name === "all" || !result[name]) continue;
    if (given.enforcementLevel) result[name].enforcementLevel = given.enforcementLevel;
    Object.assign(result[name].properties, given.properties ?? {});
  }
}

// One Ajv instance per process: compiling is the expensive part, schemas differ per policy.
let ajv: AjvClass | undefined;

function describeAjvError(e: ErrorObject): { property: string; problem: string } {
  if (e.keyword === "required") return { property: String(e.params.missingProperty), problem: "is required" };
  if (e.keyword === "additionalProperties") {
    return { property: String(e.params.additionalProperty), problem: "is not a configuration property of this policy" };
  }
  const property = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)";
  return { property, problem: e.message ?? "is invalid" };
}

/**
 * Fills in defaults from each policy's configSchema, applies the pack's initial config and the
 * user's file, and validates each policy's properties against its schema (Ajv). Unknown policy
 * names and unknown properties are rejected: the CLI silently ignores them, which hides typos.
 */
export function reconcilePolicyPackConfig(info: AnalyzerInfo, userConfig?: PolicyPackConfigFile): ReconciledConfig {
  const result: ReconciledConfig = {};
  for (const p of info.policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      const dflt = (schema as { default?: unknown } | null)?.default;
      if (dflt !== undefined && dflt !== null) properties[key] = structuredClone(dflt);
    }
    result[p.name] = { enforcementLevel: p.enforcementLevel, properties };
  }
  applyConfig(result, info.initialConfig);
  if (userConfig) {
    const known = new Set(info.policies.map((p) => p.name));
    for (const name of Object.keys(userConfig.entries)) {
      if (name !== "all" && !known.has(name)) {
        throw new UsageError(
          `policy pack config ${userConfig.file}: unknown policy '${name}' (pack '${info.name}' has: ${[...known].join(", ")})`,
        );
      }
    }
    applyConfig(result, userConfig.entries);
  }
  const configured = new Set<string>();
  for (const layer of [info.initialConfig, userConfig?.entries ?? {}])
    for (const [name, given] of Object.entries(layer)) if (given.properties) configured.add(name);
  const source = userConfig ? `policy pack config ${userConfig.file}` : `policy pack '${info.name}' defaults`;
  for (const p of info.policies) {
    const required = p.configSchema?.required ?? [];
    const missing = required.find((key) => !(key in result[p.name].properties));
    if (missing !== undefined) throw new UsageError(`${source}: policy '${p.name}': property '${missing}' is required`);
    // A policy's own defaults come from its schema (tests/analyzer/pack-config.spec.ts checks our pack's defaults against it); only
    // properties a config layer set need the schema's checks. Compiling a schema is most of this step's cost, and
    // `check` waits for it after the pack has started.
    if (!configured.has(p.name)) continue;
    // Loaded on first use, for the same reason.
    ajv ??= new (require("ajv").default as typeof AjvClass)({ allErrors: false, strict: false });
    const validate = ajv.compile({
      type: "object",
      properties: p.configSchema?.properties ?? {},
      required,
      additionalProperties: false,
    });
    if (!validate(result[p.name].properties)) {
      const { property, problem } = describeAjvError(validate.errors![0]);
      throw new UsageError(`${source}: policy '${p.name}': property '${property}' ${problem}`);
    }
  }
  return result;
}

/**
 * The pack's analyzer info built in-process from its policy list, for commands that only need the config
 * (`optimize`), so they read and validate a config file exactly as `check`/`audit` do without starting the pack.
 */
export function localAnalyzerInfo(): AnalyzerInfo {
  // Loaded lazily: the policy modules are light, but `check`/`audit` never need them in this process.
  const { policies } = require("../../policy-pack/policies") as typeof import("../../policy-pack/policies");
  return {
    name: "serverless-guard",
    version: "",
    supportsConfig: true,
    initialConfig: {},
    policies: policies.map((p) => ({
      name: p.name,
      description: p.description,
      enforcementLevel: p.enforcementLevel ?? "mandatory",
      severity: p.severity,
      remediationSteps: p.remediationSteps,
      policyType: "validateStack" in p ? "stack" : "resource",
      configSchema: {
        properties: (p.configSchema?.properties ?? {}) as Record<string, unknown>,
        required: p.configSchema?.required ?? [],
      },
    })),
  };
}
