import { PolicyResource } from "@pulumi/policy";
import { Probe, probeString, readKnown } from "./common/unknowns";

/**
 * Helpers the stack policies share to follow references between resources in an AnalyzeStack request.
 * A reference is followed by value first (ARNs and names in the outputs) and, when the value is unknown during
 * preview, by the engine's propertyDependencies (which resource's output fed that property).
 */

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return stackIndex(resources).ofType(type);
}

/**
 * The stack's resources indexed once per AnalyzeStack call: by type, and by keys a policy asks for (ARN, name,
 * queue URL, ...), so following a reference is a map lookup rather than a scan of every resource.
 */
export class StackIndex {
  private readonly types = new Map<string, PolicyResource[]>();
  private readonly keyed = new Map<string, Map<string, PolicyResource[]>>();

  constructor(resources: readonly PolicyResource[]) {
    for (const r of resources) {
      const list = this.types.get(r.type);
      if (list) list.push(r);
      else this.types.set(r.type, [r]);
    }
  }

  ofType(type: string): PolicyResource[] {
    return this.types.get(type) ?? [];
  }

  /** Resources of `type` one of whose `key`s (computed once per resource, e.g. its known ARN) equals `value`. */
  find(
    type: string,
    key: string,
    keyOf: (r: PolicyResource) => string | readonly string[] | undefined,
    value: string,
  ): PolicyResource[] {
    const id = `${type}\u0000${key}`;
    let map = this.keyed.get(id);
    if (!map) {
      map = new Map();
      for (const r of this.ofType(type)) {
        const keys = keyOf(r);
        for (const k of typeof keys === "string" ? [keys] : (keys ?? [])) {
          const list = map.get(k);
          if (list) list.push(r);
          else map.set(k, [r]);
        }
      }
      this.keyed.set(id, map);
    }
    return map.get(value) ?? [];
  }
}

const indexes = new WeakMap<readonly PolicyResource[], StackIndex>();

/** The index of `resources` (the `args.resources` of one AnalyzeStack call), built on first use. */
export function stackIndex(resources: readonly PolicyResource[]): StackIndex {
  let index = indexes.get(resources);
  if (!index) {
    index = new StackIndex(resources);
    indexes.set(resources, index);
  }
  return index;
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
export type Resolution = { kind: "found"; targets: PolicyResource[] } | { kind: "none" } | { kind: "undecided" };

/**
 * The resources of `type` that a reference points at (never `holder` itself).
 * - `reference` known: match by ARN (or, for a resource whose ARN is unknown, by the name the ARN ends with
 *   via `nameOfReference`);
 * - `reference` unknown: the resources of `type` that fed `property` of `holder` (propertyDependencies); if none did,
 *   the target cannot be told during preview and the result is `undecided`.
 */
export function resolveReference(options: {
  reference: Probe<string | undefined>;
  holder: PolicyResource;
  property: string;
  index: StackIndex;
  type: string;
  nameOfReference: (reference: string) => string;
}): Resolution {
  const { reference, holder, property, index, type, nameOfReference } = options;
  const others = (list: readonly PolicyResource[]) => list.filter((r) => r !== holder);
  if (!reference.known) {
    const sources = others(sourcesOf(holder, property).filter((r) => r.type === type));
    return sources.length > 0 ? { kind: "found", targets: sources } : { kind: "undecided" };
  }
  if (reference.value === undefined) return { kind: "none" };
  const wanted = reference.value;
  const targets = others([
    ...index.find(type, "arn", (r) => identity(r).arn, wanted),
    ...index.find(
      type,
      "name-without-arn",
      (r) => (identity(r).arn === undefined ? identity(r).name : undefined),
      nameOfReference(wanted),
    ),
  ]);
  return targets.length > 0 ? { kind: "found", targets } : { kind: "none" };
}

/** `"name"` (logical name) plus the physical name when it differs, for messages. */
export function labelOf(resource: PolicyResource): string {
  const { name } = identity(resource);
  return name && name !== resource.name ? `"${resource.name}" (name ${name})` : `"${resource.name}"`;
}

/** Up to `max` items joined with ", ", then "and N more": messages stay short on stacks of any size. */
export function listed(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
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
