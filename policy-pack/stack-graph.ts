import { PolicyResource } from "@pulumi/policy";
import { probe, Probe, readKnown } from "./common/unknowns";

/**
 * Helpers the stack policies share to follow references between resources in an AnalyzeStack request.
 * A reference is followed by value first (ARNs and names in the outputs) and, when the value is unknown during
 * preview, by the engine's propertyDependencies (which resource's output fed that property).
 */

/** A known non-empty string, `undefined` when absent or not a string, or `{known: false}` when unknown. */
export function probeString(read: () => unknown): Probe<string | undefined> {
  const p = probe(read);
  if (!p.known) return p;
  return { known: true, value: typeof p.value === "string" && p.value !== "" ? p.value : undefined };
}

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** The resources whose outputs `resource`'s `property` was computed from (the engine's propertyDependencies). */
export function sourcesOf(resource: PolicyResource, property: string): readonly PolicyResource[] {
  return readKnown(() => resource.propertyDependencies?.[property]) ?? [];
}

/** True when `resource`'s `property` was computed from an output of `source`. */
export function dependsThrough(resource: PolicyResource, property: string, source: PolicyResource): boolean {
  return sourcesOf(resource, property).some((r) => r.urn === source.urn);
}

/**
 * For a property unknown during preview: "yes" when it was computed from `source`'s outputs, "no" when it was
 * computed from another resource of the same type instead (another function's name is that function's), otherwise
 * "undecided" (no source recorded, or only others, like a random suffix both may share).
 */
export function fedBy(resource: PolicyResource, property: string, source: PolicyResource): Tri {
  const sources = sourcesOf(resource, property);
  if (sources.some((r) => r.urn === source.urn)) return "yes";
  return sources.some((r) => r.type === source.type) ? "no" : "undecided";
}

/** The last `:`-separated segment of an ARN: a queue's name for `arn:aws:sqs:region:account:name`. */
export function arnLastSegment(arn: string): string {
  const parts = arn.split(":");
  return parts[parts.length - 1];
}

/**
 * Lambda accepts a function name, a full ARN or a partial ARN (`123456789012:function:name`), each optionally
 * followed by `:qualifier`; all of them name the function after `function:`.
 */
export function lambdaFunctionNameOf(reference: string): string {
  const marker = "function:";
  const at = reference.indexOf(marker);
  if (at < 0) return reference;
  return reference.slice(at + marker.length).split(":")[0];
}

export function isSqsArn(arn: string): boolean {
  return /^arn:[^:]+:sqs:/.test(arn);
}

/** Known outputs that identify a resource: its physical `name` and `arn`, when known. */
export function identity(resource: PolicyResource): { name?: string; arn?: string } {
  const name = probeString(() => resource.props.name);
  const arn = probeString(() => resource.props.arn);
  return { name: name.known ? name.value : undefined, arn: arn.known ? arn.value : undefined };
}

/** What a reference points at: some resources of the stack, none, or (unknown during preview) cannot tell yet. */
export type Resolution =
  | { kind: "found"; targets: PolicyResource[] }
  | { kind: "none" }
  | { kind: "undecided" };

/**
 * The resources among `candidates` that a reference points at.
 * - `reference` known: match by ARN (or, for a candidate whose ARN is unknown, by the name the ARN ends with
 *   via `nameOfReference`);
 * - `reference` unknown: the candidates that fed `property` of `holder` (propertyDependencies); if none did,
 *   the target cannot be told during preview and the result is `undecided`.
 */
export function resolveReference(options: {
  reference: Probe<string | undefined>;
  holder: PolicyResource;
  property: string;
  candidates: readonly PolicyResource[];
  nameOfReference: (reference: string) => string;
}): Resolution {
  const { reference, holder, property, candidates, nameOfReference } = options;
  if (!reference.known) {
    const sources = candidates.filter((c) => dependsThrough(holder, property, c));
    return sources.length > 0 ? { kind: "found", targets: sources } : { kind: "undecided" };
  }
  if (reference.value === undefined) return { kind: "none" };
  const wanted = reference.value;
  const targets = candidates.filter((c) => {
    const { name, arn } = identity(c);
    if (arn !== undefined) return arn === wanted;
    return name !== undefined && name === nameOfReference(wanted);
  });
  return targets.length > 0 ? { kind: "found", targets } : { kind: "none" };
}

/** `"name"` (logical name) plus the physical name when it differs, for messages. */
export function labelOf(resource: PolicyResource): string {
  const { name } = identity(resource);
  return name && name !== resource.name ? `"${resource.name}" (name ${name})` : `"${resource.name}"`;
}

/** A three-way answer for questions preview may not be able to settle yet. */
export type Tri = "yes" | "no" | "undecided";

export function anyOf(values: readonly Tri[]): Tri {
  if (values.includes("yes")) return "yes";
  return values.includes("undecided") ? "undecided" : "no";
}

export function allOf(values: readonly Tri[]): Tri {
  if (values.includes("no")) return "no";
  return values.includes("undecided") ? "undecided" : "yes";
}

/** Compares a probed value with the wanted one: unknown gives "undecided". */
export function equalsProbe<T>(p: Probe<T>, wanted: T): Tri {
  if (!p.known) return "undecided";
  return p.value === wanted ? "yes" : "no";
}
