import { ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy } from "./common/define";
import { TYPES } from "./common/types";
import { probe, Probe, unknownValueAt } from "./common/unknowns";
// Type-only import: puts the JSON into the compiled program (so `tsc` copies it to dist) without loading it at
// start-up.
import type * as TaggableTypesFile from "./generated/taggable-types.json";

export const DEFAULT_REQUIRED_TAGS = ["Environment", "Project", "Owner", "CostCenter"];

let taggable: ReadonlySet<string> | undefined;

/**
 * Type tokens of @pulumi/aws resources that take `tags`, generated from the provider's type definitions by
 * scripts/generate-taggable-types.ts, less those whose tags are not cost allocation tags (S3 objects; the generated
 * list says why). Loaded on first use: most previews never need it before the first resource.
 */
export function isTaggableType(type: string): boolean {
  if (!taggable) {
    const file = require("./generated/taggable-types.json") as typeof TaggableTypesFile;
    taggable = new Set(file.types);
  }
  return taggable.has(type);
}

/** A tag's value as far as preview knows it: a string, absent, or unknown. */
type TagValue = Probe<unknown>;

/**
 * Tags as key -> value; accepts a map or a list of `{key, value}` blocks (autoscaling groups). Unknown stays
 * unknown.
 */
function tagMap(read: () => unknown): Probe<Map<string, TagValue>> {
  const tags = probe(read);
  if (!tags.known) return tags;
  const map = new Map<string, TagValue>();
  const value = tags.value;
  if (Array.isArray(value)) {
    value.forEach((_, i) => {
      const key = probe(() => value[i]?.key);
      if (key.known && typeof key.value === "string")
        map.set(
          key.value,
          probe(() => value[i]?.value),
        );
    });
  } else if (value && typeof value === "object") {
    for (const key of Object.keys(value))
      map.set(
        key,
        probe(() => (value as Record<string, unknown>)[key]),
      );
  }
  return { known: true, value: map };
}

/** The AWS provider's `defaultTags.tags`; in state the provider's `defaultTags` is often a JSON string. */
function providerDefaultTags(args: ResourceValidationArgs): Probe<Map<string, TagValue>> {
  const provider = args.provider;
  if (!provider || provider.type !== TYPES.awsProvider) return { known: true, value: new Map() };
  const defaults = probe(() => provider.props.defaultTags);
  if (!defaults.known) return defaults;
  let value = defaults.value;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return { known: true, value: new Map() };
    }
  }
  return tagMap(() => (value as { tags?: unknown } | undefined)?.tags);
}

function isFilled(v: TagValue | undefined): boolean {
  return !!v && v.known && typeof v.value === "string" && v.value.trim() !== "";
}

export const costAllocationTags = resourcePolicy({
  name: "cost-allocation-tags",
  description:
    "Every taggable AWS resource whose tags are cost allocation tags (not S3 objects) must carry non-empty cost allocation tags (default Environment, Project, Owner, CostCenter); the AWS provider's defaultTags count.",
  severity: "low",
  remediationSteps:
    "Add the missing tags to the resource's `tags`, or once for all resources to the AWS provider's `defaultTags.tags`, " +
    "and activate them as cost allocation tags in the AWS Billing console. Not remediated automatically: the pack cannot invent owners or cost centers.",
  tags: ["cost", "tagging"],
  metadata: {
    example:
      "aws:dynamodb/table:Table \"orders\" lacks cost allocation tags: missing Owner, CostCenter; add them to the resource's tags or to the AWS provider's defaultTags.tags",
    details: [
      "Every taggable AWS resource carries the required tags with non-empty values. Tags from the AWS",
      "provider's `defaultTags.tags` count (also when `defaultTags` is a JSON string, as in state); a",
      "resource's own tag overrides the default of the same key, and in stack outputs the provider's merge,",
      "`tagsAll`, counts too.",
      "",
      "Taggability comes from `@pulumi/aws`'s own type definitions (resources whose Args have `tags`),",
      "generated into `policy-pack/generated/taggable-types.json` by `npx ts-node",
      "scripts/generate-taggable-types.ts` (rerun after upgrading `@pulumi/aws`; a test fails when the list",
      "is stale). Types whose tags are not cost allocation tags in AWS Billing are listed there under",
      "`excluded` and not judged: S3 objects, whose tags are object tags, while S3 costs are allocated by",
      "the bucket's tags.",
      "",
      "During preview a tag whose value is unknown is not counted as missing ([unknown",
      "values](../unknown-values.md)). No remediation: the pack cannot invent owners or cost centers.",
    ].join("\n"),
    equivalents: { awsConfig: ["required-tags"], other: ["KICS (info)"] },
  },
  configProperties: {
    requiredTags: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_REQUIRED_TAGS,
      description: "Tag keys every taggable resource must carry with a non-empty value.",
    },
  },
  validate(resource, config, report) {
    if (!isTaggableType(resource.type)) return;
    const own = tagMap(() => resource.props.tags);
    const defaults = providerDefaultTags(resource);
    // In state (outputs) the provider has already merged defaultTags into tagsAll; it decides when the provider's
    // own properties are not available (e.g. a state export analysed without the provider's config).
    const merged = tagMap(() => resource.props.tagsAll);
    const missing: string[] = [];
    const empty: string[] = [];
    const unknownTags: string[] = [];
    for (const key of config.requiredTags.filter((k) => typeof k === "string")) {
      // A resource's own tag overrides the provider's default tag of the same key, as AWS applies them.
      const fromDefaults = defaults.known ? defaults.value.get(key) : { known: false as const };
      const fromOwn = own.known ? own.value.get(key) : isFilled(fromDefaults) ? undefined : { known: false as const };
      const effective = fromOwn ?? fromDefaults;
      if (isFilled(effective) || (merged.known && isFilled(merged.value.get(key)))) continue;
      if (!effective) missing.push(key);
      else if (!effective.known) unknownTags.push(key);
      else empty.push(key);
    }
    if (missing.length || empty.length) {
      const parts = [
        missing.length ? `missing ${missing.join(", ")}` : "",
        empty.length ? `empty ${empty.join(", ")}` : "",
      ].filter(Boolean);
      const pending = unknownTags.length ? ` (${unknownTags.join(", ")} unknown until deployment)` : "";
      report(
        `${resource.type} "${resource.name}" lacks cost allocation tags: ${parts.join("; ")}${pending}; ` +
          `add them to the resource's tags or to the AWS provider's defaultTags.tags`,
      );
      return;
    }
    if (unknownTags.length) {
      // Nothing is known to be wrong, but nothing proves the tags either: the SDK's "can't run during preview"
      // advisory.
      throw unknownValueAt(["tags", unknownTags.join(",")]);
    }
  },
});
