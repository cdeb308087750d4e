/**
 * Keeps secret values out of every report: a secret in a property bag (remediations) becomes "[secret]", and a
 * secret's plaintext that a policy copied into a message (the policy SDK hands policies plain values) is
 * replaced by "[secret]" there too.
 */
import { EnforceResult } from "../analyzer/enforce";
import { ResourceGraph, SECRET_SIG, SECRET_SIG_VALUE } from "../analyzer/resource-record";

export const SECRET_MASK = "[secret]";

/**
 * Shorter plaintexts are not looked for in messages: replacing every "on" or "7" would garble the report
 * without protecting anything a reader could not guess.
 */
const MIN_MASKED_LENGTH = 4;

function isSecret(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE
  );
}

/** A copy of `value` with every secret replaced by "[secret]". */
export function maskSecrets(value: unknown): unknown {
  if (isSecret(value)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
}

/** Every string inside a secret's value (a `--show-secrets` export's `plaintext` is JSON-encoded). */
function collectSecretStrings(value: unknown, inSecret: boolean, out: Set<string>): void {
  if (typeof value === "string") {
    if (inSecret) out.add(value);
    return;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    if (inSecret) out.add(String(value));
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (isSecret(value)) {
    const obj = value as Record<string, unknown>;
    if ("value" in obj) collectSecretStrings(obj.value, true, out);
    if (typeof obj.plaintext === "string") {
      try {
        collectSecretStrings(JSON.parse(obj.plaintext), true, out);
      } catch {
        out.add(obj.plaintext);
      }
    }
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectSecretStrings(v, inSecret, out);
}

/** The plaintexts of the graph's secrets, longest first (so a secret containing another is replaced whole). */
export function secretStrings(graph: ResourceGraph | undefined, result?: EnforceResult): string[] {
  const out = new Set<string>();
  for (const r of graph?.resources ?? []) {
    collectSecretStrings(r.inputs, false, out);
    collectSecretStrings(r.outputs, false, out);
    if (r.provider) collectSecretStrings(r.provider.properties, false, out);
  }
  for (const rem of result?.remediations ?? []) {
    collectSecretStrings(rem.properties, false, out);
    collectSecretStrings(rem.previous, false, out);
  }
  const strings = new Set<string>();
  for (const s of out) {
    if (s.length < MIN_MASKED_LENGTH) continue;
    strings.add(s);
    // As it appears inside a JSON document a policy quotes (e.g. an IAM policy's JSON).
    strings.add(JSON.stringify(s).slice(1, -1));
  }
  return [...strings].filter((s) => s.length >= MIN_MASKED_LENGTH).sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(SECRET_MASK);
  return out;
}

export interface Redactor {
  /** A message with every secret's plaintext replaced. */
  text(s: string): string;
  /** A copy of a property bag or value with every secret (and every secret's plaintext in its strings) replaced. */
  value(v: unknown): unknown;
}

export function secretRedactor(result: EnforceResult, graph?: ResourceGraph): Redactor {
  const secrets = secretStrings(graph, result);
  const text = (s: string) => redactText(s, secrets);
  const deep = (v: unknown): unknown =>
    typeof v === "string"
      ? text(v)
      : Array.isArray(v)
        ? v.map(deep)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
          : v;
  return { text, value: (v) => deep(maskSecrets(v)) };
}

/** The result as every report format must see it: no secret value anywhere. */
export function withoutSecrets(result: EnforceResult, redact: Redactor = secretRedactor(result)): EnforceResult {
  const bag = (b: Record<string, unknown>) => redact.value(b) as Record<string, unknown>;
  return {
    ...result,
    violations: result.violations.map((v) => ({ ...v, message: redact.text(v.message) })),
    remediations: result.remediations.map((r) => ({
      ...r,
      description: r.description === undefined ? undefined : redact.text(r.description),
      properties: bag(r.properties),
      previous: bag(r.previous),
    })),
    logs: result.logs.map((l) => ({ ...l, message: redact.text(l.message) })),
  };
}
