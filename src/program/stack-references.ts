/**
 * `pulumi.StackReference` without a backend. The SDK reads a stack reference as a resource of type
 * `pulumi:pulumi:StackReference` whose state is `{name, outputs, secretOutputNames}` (pulumi/pulumi
 * `pkg/resource/deploy/builtins.go`, readStackReference). `check --stack-reference NAME=FILE` supplies the
 * outputs from the referenced stack's `pulumi stack output --json [--show-secrets]` (or a `pulumi stack
 * export`); a reference with no file gets unknown outputs, as for a stack not yet deployed.
 */
import * as fs from "fs";
import { UsageError } from "../errors";
import { SECRET_SIG, SECRET_SIG_VALUE } from "../analyzer/resource-record";
import { normalizeSecrets } from "../analyzer/stack-export";
import { UNKNOWN_VALUE } from "../analyzer/wire";

/** Referenced stack name (as given) -> its outputs, secrets in the SECRET_SIG shape. */
export type StackReferenceAnswers = Map<string, Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isSecret = (v: unknown): boolean => isObject(v) && v[SECRET_SIG] === SECRET_SIG_VALUE;

/**
 * Outputs from either file a user has: `pulumi stack output --json` (an object of outputs, secrets shown as the
 * string "[secret]" unless --show-secrets, which does not say which ones were secret) or `pulumi stack export`
 * (the root stack resource's outputs, secrets marked; ciphertext ones become secrets of unknown value).
 */
export function readStackOutputsFile(file: string, label: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code
          ? `cannot read (${code})`
          : `not valid JSON (${(err as Error).message.split("\n")[0]})`;
    throw new UsageError(`${label}: ${file}: ${why}`);
  }
  if (!isObject(doc))
    throw new UsageError(`${label}: ${file}: expected the JSON object printed by \`pulumi stack output --json\``);
  if (doc.version === 3 && isObject(doc.deployment)) {
    const resources = Array.isArray(doc.deployment.resources) ? doc.deployment.resources : [];
    const root = resources.find((r) => isObject(r) && r.type === "pulumi:pulumi:Stack") as
      Record<string, unknown> | undefined;
    if (!root) throw new UsageError(`${label}: ${file}: the stack export has no pulumi:pulumi:Stack resource`);
    return normalizeSecrets(isObject(root.outputs) ? root.outputs : {}) as Record<string, unknown>;
  }
  // What `pulumi stack output --json` prints for a secret it was not asked to show.
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [k, v === "[secret]" ? { [SECRET_SIG]: SECRET_SIG_VALUE } : v]),
  );
}

/** Parses repeatable `--stack-reference NAME=FILE` options and reads each file. */
export function parseStackReferences(pairs: string[]): StackReferenceAnswers {
  const answers: StackReferenceAnswers = new Map();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--stack-reference expects NAME=FILE, got '${pair}'`);
    const name = pair.slice(0, eq);
    if (answers.has(name)) throw new UsageError(`--stack-reference ${name} is given twice`);
    answers.set(name, readStackOutputsFile(pair.slice(eq + 1), `--stack-reference ${name}`));
  }
  return answers;
}

/** The given answer for a reference: by its exact name, else by a NAME that ends it (`network/prod` for `acme/network/prod`). */
export function findStackReference(name: string, answers: StackReferenceAnswers | undefined): string | undefined {
  if (!answers) return undefined;
  if (answers.has(name)) return name;
  return [...answers.keys()].find((k) => name.endsWith(`/${k}`));
}

/** The wire state the engine would answer the read with: secret outputs stay secret, a missing stack is unknown. */
export function stackReferenceState(
  name: string,
  answers: StackReferenceAnswers | undefined,
): { state: Record<string, unknown>; resolved: boolean } {
  const key = findStackReference(name, answers);
  if (key === undefined)
    return { state: { name, outputs: UNKNOWN_VALUE, secretOutputNames: UNKNOWN_VALUE }, resolved: false };
  const outputs = answers!.get(key)!;
  // One unknown anywhere in `outputs` would make the whole bag, so every output, unknown to the program. A secret
  // whose value the file does not give becomes the string "[secret]" (still a secret), what the engine itself
  // substitutes for a secret it cannot decrypt.
  const wire = Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [
      k,
      isSecret(v)
        ? {
            [SECRET_SIG]: SECRET_SIG_VALUE,
            value: "value" in (v as object) ? (v as { value: unknown }).value : "[secret]",
          }
        : v,
    ]),
  );
  const secretOutputNames = Object.keys(outputs)
    .filter((k) => isSecret(outputs[k]))
    .sort();
  return { state: { name, outputs: wire, secretOutputNames }, resolved: true };
}

/**
 * Makes a reference whose outputs were not given unknown to the program. The engine's answer cannot say so
 * outside a preview (the SDK reads an unknown in a read's answer as undefined), so the reference's `outputs` and
 * `secretOutputNames` are replaced, as soon as the SDK creates them, by outputs that are unknown: getOutput and
 * requireOutput then give unknown values and the program's applies on them do not run, as in a preview.
 */
export function installUnresolvedStackReferences(pulumiDir: string, answers: StackReferenceAnswers | undefined): void {
  const runtimeResource = require(`${pulumiDir}/runtime/resource`);

  const { Output } = require(`${pulumiDir}/output`);
  const readResource = runtimeResource.readResource;
  runtimeResource.readResource = function (
    res: Record<string, unknown>,
    parent: unknown,
    t: string,
    name: string,
    props: Record<string, unknown>,
    ...rest: unknown[]
  ) {
    const result = readResource.call(this, res, parent, t, name, props, ...rest);
    const refName = typeof props?.name === "string" ? props.name : name;
    if (t === "pulumi:pulumi:StackReference" && findStackReference(refName, answers) === undefined) {
      const unknown = () =>
        new Output(
          [res],
          Promise.resolve(undefined),
          Promise.resolve(false),
          Promise.resolve(false),
          Promise.resolve([res]),
        );
      res.outputs = unknown();
      res.secretOutputNames = unknown();
    }
    return result;
  };
}
