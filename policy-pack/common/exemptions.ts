import { globMatcher } from "./glob";
import { readKnown } from "./unknowns";

/** Tag naming the policies a resource is exempt from, comma-separated: `lambda-memory-limit,dlq-alarm`. */
export const EXEMPT_TAG = "serverless-guard:exempt";
/** Tag that must carry a non-empty reason whenever EXEMPT_TAG is set. */
export const EXEMPT_REASON_TAG = "serverless-guard:exempt-reason";

/** What the exemption logic needs to know about a resource. `props` may be the SDK's unknown-checking proxy. */
export interface Subject {
  urn: string;
  name: string;
  props: Record<string, any>;
}

export type Exemption =
  | { kind: "none" }
  | { kind: "tag"; reason: string }
  | { kind: "exclude"; pattern: string }
  /** The exempt tag names this policy but no reason is given: the exemption does not apply and is itself a violation. */
  | { kind: "missing-reason" };

function tagsOf(props: Record<string, any>): Record<string, unknown> {
  const tags = readKnown(() => props.tags);
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) return {};
  return tags as Record<string, unknown>;
}

/**
 * How `policyName` applies to `subject`: excluded by config (`exclude`: globs over the logical name or the URN),
 * exempted by tags with a reason, claimed exempt without a reason, or not exempt at all.
 */
export function exemptionOf(policyName: string, subject: Subject, exclude: readonly string[] = []): Exemption {
  for (const pattern of exclude) {
    if (typeof pattern !== "string") continue;
    const matches = globMatcher(pattern);
    if (matches(subject.name) || matches(subject.urn)) return { kind: "exclude", pattern };
  }
  const tags = readKnown(() => tagsOf(subject.props)) ?? {};
  const listed = typeof tags[EXEMPT_TAG] === "string" ? (tags[EXEMPT_TAG] as string) : "";
  const names = listed.split(",").map((s) => s.trim());
  if (!names.includes(policyName) && !names.includes("*")) return { kind: "none" };
  const reason = typeof tags[EXEMPT_REASON_TAG] === "string" ? (tags[EXEMPT_REASON_TAG] as string).trim() : "";
  return reason ? { kind: "tag", reason } : { kind: "missing-reason" };
}
