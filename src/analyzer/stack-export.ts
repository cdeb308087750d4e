/**
 * Reads `pulumi stack export` output (deployment version 3) into the ResourceGraph the analyzer
 * driver enforces, keeping what the engine would give a policy pack:
 * - provider references (`URN::ID`) resolve to the provider resource, whose config values that are
 *   JSON strings in state (e.g. `defaultTags`) are decoded;
 * - secrets stay secrets: ciphertext ones are passed on with an unknown value (we cannot decrypt),
 *   `--show-secrets` ones (`plaintext`) with their value;
 * - components (custom=false) and other providers' resources are kept; pending deletes are not;
 * - reads (`external: true`) are kept but marked, so they reach AnalyzeStack and not Analyze, as under the engine;
 * - `pending_operations` (creates or updates an interrupted update left behind) are not resources yet: ignored.
 * - with the passphrase secrets provider and its passphrase given, ciphertext secrets are decrypted as the CLI does.
 */
import * as fs from "fs";
import { UsageError } from "../errors";
import { passphraseDecrypter, passphraseFromEnv } from "../secrets/passphrase";
import { NESTING_TOO_DEEP, nestingExceeds } from "../json-depth";
import { parseUrn } from "../report/urn";
import {
  decodeProviderProperties,
  ProviderRecord,
  providerUrnOf,
  ResourceGraph,
  ResourceOptionsRecord,
  ResourceRecord,
  SECRET_SIG,
  SECRET_SIG_VALUE,
  SourcePosition,
} from "./resource-record";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** `plaintext` secrets (from `--show-secrets`) carry their value JSON-encoded; make them `value` secrets. */
export function normalizeSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeSecrets);
  if (!isObject(value)) return value;
  if (value[SECRET_SIG] === SECRET_SIG_VALUE) {
    if (typeof value.plaintext === "string") {
      // A decrypted secret keeps its ciphertext, which is what reports show of it.
      const ciphertext = typeof value.ciphertext === "string" ? { ciphertext: value.ciphertext } : {};
      try {
        return { [SECRET_SIG]: SECRET_SIG_VALUE, value: normalizeSecrets(JSON.parse(value.plaintext)), ...ciphertext };
      } catch {
        return { [SECRET_SIG]: SECRET_SIG_VALUE, value: value.plaintext, ...ciphertext };
      }
    }
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeSecrets(v)]));
}

/** `project:///index.ts#12,5` (how state records where a resource was declared). */
function parseSourcePosition(v: unknown): SourcePosition | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(?:project:\/\/\/)?(.+)#(\d+)(?:,(\d+))?$/.exec(v);
  if (!m) return undefined;
  return { uri: decodeURI(m[1]), line: Number(m[2]), ...(m[3] ? { column: Number(m[3]) } : {}) };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function options(r: Json): ResourceOptionsRecord {
  const o: ResourceOptionsRecord = {};
  if (typeof r.protect === "boolean") o.protect = r.protect;
  if (Array.isArray(r.ignoreChanges)) o.ignoreChanges = stringList(r.ignoreChanges);
  if (typeof r.deleteBeforeReplace === "boolean") o.deleteBeforeReplace = r.deleteBeforeReplace;
  if (Array.isArray(r.aliases)) o.aliases = r.aliases.map((a) => (typeof a === "string" ? a : JSON.stringify(a)));
  if (Array.isArray(r.additionalSecretOutputs)) o.additionalSecretOutputs = stringList(r.additionalSecretOutputs);
  if (typeof r.retainOnDelete === "boolean") o.retainOnDelete = r.retainOnDelete;
  if (isObject(r.customTimeouts)) {
    // State stores seconds as numbers; the record (like the SDK's options) uses duration strings.
    const t = r.customTimeouts;
    const d = (x: unknown) => (typeof x === "number" && x > 0 ? `${x}s` : typeof x === "string" ? x : undefined);
    o.customTimeouts = { create: d(t.create), update: d(t.update), delete: d(t.delete) };
  }
  return o;
}

export function stackExportToGraph(doc: unknown, file: string): ResourceGraph {
  if (!isObject(doc)) throw new UsageError(`${file}: expected a JSON object from \`pulumi stack export\``);
  if (doc.version !== 3) {
    throw new UsageError(
      `${file}: unsupported stack export version ${JSON.stringify(doc.version ?? null)} (expected 3, as written by \`pulumi stack export\`)`,
    );
  }
  if (!isObject(doc.deployment)) throw new UsageError(`${file}: missing 'deployment' object`);
  const raw = doc.deployment.resources ?? [];
  if (!Array.isArray(raw)) throw new UsageError(`${file}: 'deployment.resources' is not an array`);
  raw.forEach((r, i) => {
    if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string") {
      throw new UsageError(`${file}: deployment.resources[${i}] has no string 'urn' and 'type'`);
    }
    if (!r.urn.startsWith("urn:pulumi:") || r.urn.split("::").length < 4) {
      throw new UsageError(`${file}: deployment.resources[${i}] has a malformed urn '${r.urn}'`);
    }
  });
  const live = (raw as Json[]).filter((r) => r.delete !== true);

  const providers = new Map<string, ProviderRecord>();
  for (const r of live) {
    if (!(r.type as string).startsWith("pulumi:providers:")) continue;
    const inputs = normalizeSecrets(isObject(r.inputs) ? r.inputs : {}) as Json;
    providers.set(r.urn as string, {
      urn: r.urn as string,
      name: parseUrn(r.urn as string).name,
      type: r.type as string,
      properties: decodeProviderProperties(inputs),
    });
  }

  const resources: ResourceRecord[] = live.map((r) => {
    const urn = r.urn as string;
    const record: ResourceRecord = {
      urn,
      type: r.type as string,
      name: parseUrn(urn).name,
      custom: r.custom !== false,
      inputs: normalizeSecrets(isObject(r.inputs) ? r.inputs : {}) as Json,
      outputs: normalizeSecrets(isObject(r.outputs) ? r.outputs : {}) as Json,
      dependencies: stringList(r.dependencies),
      propertyDependencies: Object.fromEntries(
        Object.entries(isObject(r.propertyDependencies) ? r.propertyDependencies : {}).map(([k, v]) => [
          k,
          stringList(v),
        ]),
      ),
      options: options(r),
    };
    if (typeof r.parent === "string" && r.parent) record.parent = r.parent;
    if (typeof r.provider === "string" && r.provider) {
      const provider = providers.get(providerUrnOf(r.provider));
      if (provider) record.provider = provider;
    }
    const pos = parseSourcePosition(r.sourcePosition);
    if (pos) record.sourcePosition = pos;
    if (r.external === true) record.external = true;
    return record;
  });

  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? resources[0];
  const [, project = ""] = stackResource ? stackResource.urn.split("::") : [];
  const stack = stackResource ? stackResource.urn.split("::")[0].replace(/^urn:pulumi:/, "") : "";
  return { project, stack, resources, fakedInvokes: [], sourceFile: file, mode: "state" };
}

/** Every ciphertext secret in `value` replaced by the plaintext form `--show-secrets` gives (a JSON-encoded value). */
function decryptSecrets(value: unknown, decrypt: (c: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => decryptSecrets(v, decrypt));
  if (!isObject(value)) return value;
  if (value[SECRET_SIG] === SECRET_SIG_VALUE && typeof value.ciphertext === "string") {
    return { [SECRET_SIG]: SECRET_SIG_VALUE, plaintext: decrypt(value.ciphertext), ciphertext: value.ciphertext };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decryptSecrets(v, decrypt)]));
}

/**
 * Reads a state file and, when its secrets provider is the passphrase provider and the passphrase is set
 * (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE), decrypts its secrets; a wrong passphrase is the
 * CLI's own error. Other providers' secrets stay ciphertext (unknown to the policies).
 */
export async function readStackExportWithSecrets(file: string): Promise<ResourceGraph> {
  const doc = readJsonFile(file);
  const deployment = isObject(doc) && doc.version === 3 && isObject(doc.deployment) ? doc.deployment : undefined;
  const providers = deployment && isObject(deployment.secrets_providers) ? deployment.secrets_providers : undefined;
  const salt = providers?.type === "passphrase" && isObject(providers.state) ? providers.state.salt : undefined;
  const passphrase = typeof salt === "string" ? passphraseFromEnv() : undefined;
  if (typeof salt !== "string" || passphrase === undefined || !Array.isArray(deployment!.resources))
    return stackExportToGraph(doc, file);
  let decrypt: (c: string) => string;
  try {
    decrypt = await passphraseDecrypter(passphrase, salt);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  const resources = (deployment!.resources as unknown[]).map((r) =>
    isObject(r) ? { ...r, inputs: decryptSecrets(r.inputs, decrypt), outputs: decryptSecrets(r.outputs, decrypt) } : r,
  );
  return stackExportToGraph({ ...(doc as Json), deployment: { ...deployment, resources } }, file);
}

/** Reads and converts a state file; every problem is a one-line UsageError naming the file. */
export function readStackExport(file: string): ResourceGraph {
  return stackExportToGraph(readJsonFile(file), file);
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot read (${code ?? (err as Error).message})`}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
  if (nestingExceeds(doc)) throw new UsageError(`${file}: ${NESTING_TOO_DEEP}`);
  return doc;
}
