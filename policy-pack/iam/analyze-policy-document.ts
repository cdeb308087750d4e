// Pure analysis of one IAM identity-policy document: which statements grant wildcards.
// The rules and their reasons are in docs/iam-analysis.md; the catalog data is read lazily (first use).
import { actionsMatching, resourceSupport, ResourceSupport } from "./action-catalog";
import { effectivelyStarReason } from "./effectively-star";
import { isAccountEniArn, isLambdaVpcEniAction } from "./lambda-vpc";
import { hasIamWildcard, iamPatternCovers, iamPatternMatches } from "./iam-wildcard";
import { isUnknownSentinel as isUnknownValue, Probe, probeField } from "../common/unknowns";

export type IamFindingKind =
  | "action-wildcard" // "*", "s3:*", "dynamodb:Get*" in Action
  | "not-action-allow" // NotAction with Effect Allow
  | "not-resource-allow" // NotResource with Effect Allow
  | "resource-wildcard" // "*" or effectively-star ARN for actions that support resource-level permissions
  | "passrole-wildcard"; // iam:PassRole (or an action pattern matching it) on "*"

export interface IamFinding {
  kind: IamFindingKind;
  /** 0-based index in Statement. */
  statementIndex: number;
  sid?: string;
  /** Offending actions as written. */
  actions: string[];
  /** Offending resources as written (may be empty). */
  resources: string[];
  /** One line naming the statement, the offending actions and the fix. */
  message: string;
}

export interface IamAnalysis {
  findings: IamFinding[];
  /** Why parts could not be decided: unknown values during preview, unparsable JSON, unexpected shapes. */
  undecided: string[];
}

export interface IamAnalysisOptions {
  /**
   * Extra exceptions from policy config: action names or patterns (case-insensitive) allowed even with wildcards /
   * on "*".
   */
  allowedWildcardActions?: string[];
}

/** The strings of an Action/Resource-like field, with what could not be read. */
interface StringList {
  present: boolean;
  known: string[];
  /** Whole field or some entries unknown during preview. */
  unknown: boolean;
  /** Entries that are neither strings nor unknown (numbers, objects, ...). */
  invalid: number;
}

/** Absent: known to be undefined or null (an unknown value may still turn out to be there). */
function absent(read: Probe<unknown>): boolean {
  return read.known && read.value === undefined;
}

function readStringList(object: object, key: string): StringList {
  const read = probeField(object, key);
  if (!read.known) return { present: true, known: [], unknown: true, invalid: 0 };
  if (read.value === undefined) return { present: false, known: [], unknown: false, invalid: 0 };
  const entries = Array.isArray(read.value) ? read.value : [read.value];
  const list: StringList = { present: true, known: [], unknown: false, invalid: 0 };
  for (let index = 0; index < entries.length; index++) {
    const entry = probeField(entries, String(index));
    if (!entry.known) list.unknown = true;
    else if (typeof entry.value === "string") list.known.push(entry.value);
    else list.invalid++;
  }
  return list;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function quote(values: string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** Actions a trust (assume-role) statement names: with a Principal they grant the holder nothing. */
const TRUST_ACTION = /^sts:(AssumeRole[A-Za-z]*|TagSession|SetSourceIdentity|SetContext)$/i;
const PASS_ROLE = "iam:PassRole";

/** Why one written action needs a named resource, or undefined when "*" is its only or a fine Resource. */
function resourceLevelReason(written: string): { detail: string; types: string[] } | undefined {
  const colon = written.indexOf(":");
  if (written === "*" || (colon > 0 && hasIamWildcard(written.slice(0, colon)))) {
    return { detail: `${written} (${wildcardScope(written)})`, types: [] };
  }
  if (colon <= 0) {
    return { detail: `${written} (not a service:action name, so assumed to support them)`, types: [] };
  }
  const service = written.slice(0, colon);
  const action = written.slice(colon + 1);
  if (!hasIamWildcard(action)) {
    const support: ResourceSupport = resourceSupport(service, action);
    if (support.kind === "required") {
      return { detail: `${written} (${support.resourceTypes.join(", ")})`, types: support.resourceTypes };
    }
    if (support.kind === "one-of") {
      return { detail: `${written} (${support.resourceTypes.join(" or ")})`, types: support.resourceTypes };
    }
    if (support.kind === "unknown-action") {
      return { detail: `${written} (not in the AWS action catalog, so assumed to support them)`, types: [] };
    }
    return undefined;
  }
  const matches = actionsMatching(service, action);
  if (matches === undefined || matches.length === 0) {
    return { detail: `${written} (matches nothing in the AWS action catalog, so assumed to support them)`, types: [] };
  }
  const scoped = matches.filter((m) => m.support.kind === "required" || m.support.kind === "one-of");
  if (scoped.length === 0) return undefined;
  const types = [
    ...new Set(
      scoped.flatMap((m) =>
        m.support.kind === "required" || m.support.kind === "one-of" ? m.support.resourceTypes : [],
      ),
    ),
  ];
  const named = scoped
    .slice(0, 3)
    .map((m) => m.name)
    .join(", ");
  const more = scoped.length > 3 ? ` and ${scoped.length - 3} more` : "";
  return { detail: `${written} (${scoped.length} of its ${matches.length} actions: ${named}${more})`, types };
}

/** How much an action wildcard grants, for the message. */
function wildcardScope(written: string): string {
  const colon = written.indexOf(":");
  if (written === "*") return "every action of every service";
  if (colon <= 0 || hasIamWildcard(written.slice(0, colon))) return "actions of every matching service";
  const matches = actionsMatching(written.slice(0, colon), written.slice(colon + 1));
  if (matches === undefined) return "unknown service";
  return `${matches.length} ${plural(matches.length, "action", "actions")} today, more as AWS adds them`;
}

class DocumentAnalyzer {
  readonly findings: IamFinding[] = [];
  readonly undecided: string[] = [];
  private readonly allowed: string[];

  constructor(options: IamAnalysisOptions) {
    this.allowed = Array.isArray(options.allowedWildcardActions)
      ? options.allowedWildcardActions.filter((a): a is string => typeof a === "string")
      : [];
  }

  private isAllowed(written: string): boolean {
    return this.allowed.some((allowed) => iamPatternCovers(allowed, written));
  }

  analyzeDocument(document: unknown): void {
    if (isUnknownValue(document)) {
      this.undecided.push("the policy document is unknown during preview");
      return;
    }
    let parsed: unknown = document;
    if (typeof document === "string") {
      if (document.trim() === "") {
        this.undecided.push("the policy document is an empty string");
        return;
      }
      try {
        parsed = JSON.parse(document);
      } catch (error) {
        this.undecided.push(`the policy document is not valid JSON (${(error as Error).message})`);
        return;
      }
    }
    if (!isPlainObject(parsed)) {
      const shape =
        parsed === null || parsed === undefined ? "missing" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
      this.undecided.push(`the policy document is ${shape}, not a JSON object`);
      return;
    }
    const statement = probeField(parsed, "Statement");
    if (!statement.known) {
      this.undecided.push("Statement is unknown during preview");
      return;
    }
    if (statement.value === undefined) {
      this.undecided.push("the policy document has no Statement");
      return;
    }
    const statements = Array.isArray(statement.value) ? statement.value : [statement.value];
    for (let index = 0; index < statements.length; index++) {
      const entry = probeField(statements, String(index));
      if (!entry.known) this.undecided.push(`statement ${index} is unknown during preview`);
      else if (!isPlainObject(entry.value)) this.undecided.push(`statement ${index} is not an object`);
      else this.analyzeStatement(entry.value, index);
    }
  }

  private analyzeStatement(statement: object, index: number): void {
    const sidRead = probeField(statement, "Sid");
    const sid = sidRead.known && typeof sidRead.value === "string" && sidRead.value !== "" ? sidRead.value : undefined;
    const label = `statement ${index}${sid !== undefined ? ` (Sid ${JSON.stringify(sid)})` : ""}`;
    const add = (kind: IamFindingKind, actions: string[], resources: string[], message: string): void => {
      this.findings.push({
        kind,
        statementIndex: index,
        ...(sid !== undefined ? { sid } : {}),
        actions,
        resources,
        message: `${label}: ${message}`,
      });
    };

    const effect = probeField(statement, "Effect");
    if (!effect.known) {
      this.undecided.push(`${label}: Effect is unknown during preview`);
      return;
    }
    const effectName = typeof effect.value === "string" ? effect.value.toLowerCase() : undefined;
    if (effectName === "deny") return; // A Deny only takes away; wildcards there are good practice.
    if (effectName !== "allow") {
      this.undecided.push(`${label}: Effect must be "Allow" or "Deny"`);
      return;
    }

    const action = readStringList(statement, "Action");
    const notAction = readStringList(statement, "NotAction");
    const resource = readStringList(statement, "Resource");
    const notResource = readStringList(statement, "NotResource");
    const hasPrincipal = !absent(probeField(statement, "Principal")) || !absent(probeField(statement, "NotPrincipal"));

    const lists = [
      ["Action", action],
      ["NotAction", notAction],
      ["Resource", resource],
      ["NotResource", notResource],
    ] as const;
    for (const [name, list] of lists) {
      if (list.unknown) this.undecided.push(`${label}: ${name} is unknown during preview (in whole or in part)`);
      if (list.invalid > 0) {
        const entries = `${list.invalid} ${plural(list.invalid, "entry", "entries")}`;
        this.undecided.push(`${label}: ${name} has ${entries} that ${plural(list.invalid, "is", "are")} not a string`);
      }
    }
    if (!action.present && !notAction.present) {
      this.undecided.push(`${label}: has neither Action nor NotAction`);
      return;
    }
    if (!resource.present && !notResource.present && !hasPrincipal) {
      // Trust statements carry a Principal and no Resource; identity statements need one.
      this.undecided.push(`${label}: has neither Resource nor NotResource`);
    }

    if (notAction.present) {
      const allResources = [...resource.known, ...notResource.known];
      add(
        "not-action-allow",
        notAction.known,
        allResources,
        `Allow with NotAction ${notAction.known.length ? quote(notAction.known) : "(unknown)"} grants every other action of every service, including ones AWS adds later; list the allowed actions in Action`,
      );
    }
    if (notResource.present) {
      add(
        "not-resource-allow",
        [...action.known, ...notAction.known],
        notResource.known,
        `Allow with NotResource ${notResource.known.length ? quote(notResource.known) : "(unknown)"} grants the actions on every other resource; list the resources in Resource`,
      );
    }

    // In a trust statement (one with a Principal) sts:AssumeRole* grants the holder nothing.
    const granted = action.known.filter((a) => !(hasPrincipal && TRUST_ACTION.test(a)));
    const judged = granted.filter((a) => !this.isAllowed(a));

    const wildcards = judged.filter(hasIamWildcard);
    if (wildcards.length > 0) {
      const scopes = wildcards.map((w) => `${JSON.stringify(w)} (${wildcardScope(w)})`).join(", ");
      add(
        "action-wildcard",
        wildcards,
        [],
        `Action ${plural(wildcards.length, "wildcard", "wildcards")} ${scopes}; list only the actions the code calls`,
      );
    }

    if (!resource.present) return;
    const stars = resource.known.flatMap((r) => {
      const reason = effectivelyStarReason(r);
      return reason === undefined ? [] : [{ resource: r, reason }];
    });
    if (stars.length === 0) return; // Unknown entries are already recorded as undecided.
    const starText = stars
      .map((s) => (s.reason === "*" ? JSON.stringify(s.resource) : `${JSON.stringify(s.resource)} (${s.reason})`))
      .join(", ");
    const starResources = stars.map((s) => s.resource);

    const passRole = judged.filter((a) => iamPatternMatches(a, PASS_ROLE));
    if (passRole.length > 0) {
      add(
        "passrole-wildcard",
        passRole,
        starResources,
        `${quote(passRole)} on Resource ${starText} lets the holder pass any role to any service, a privilege escalation; name the role ARNs`,
      );
    }

    // Network interfaces of one account and region: as narrow as the ENI actions of a function in a VPC can be.
    const eniStars = stars.filter((s) => isAccountEniArn(s.resource));
    const otherStars = stars.filter((s) => !isAccountEniArn(s.resource));
    const scopable = judged
      .filter((a) => !(a.toLowerCase() === PASS_ROLE.toLowerCase())) // reported above as passrole-wildcard
      .filter((a) => otherStars.length > 0 || !isLambdaVpcEniAction(a))
      .flatMap((a) => {
        const reason = resourceLevelReason(a);
        return reason === undefined ? [] : [{ action: a, ...reason }];
      });
    if (scopable.length > 0) {
      const types = [...new Set(scopable.flatMap((s) => s.types))];
      const shown = eniStars.length > 0 && scopable.every((s) => isLambdaVpcEniAction(s.action)) ? otherStars : stars;
      const shownText = shown
        .map((s) => (s.reason === "*" ? JSON.stringify(s.resource) : `${JSON.stringify(s.resource)} (${s.reason})`))
        .join(", ");
      add(
        "resource-wildcard",
        scopable.map((s) => s.action),
        shown.map((s) => s.resource),
        `Resource ${shownText} for ${scopable.map((s) => s.detail).join(", ")}, which ${plural(scopable.length, "supports", "support")} resource-level permissions; name the ${types.length ? `${types.slice(0, 5).join(", ")} ` : "specific resource "}${plural(scopable.length, "ARN", "ARNs")}`,
      );
    }
  }
}

/**
 * Analyses an IAM identity-policy document (a JSON string or an object). Never throws: what cannot be
 * decided (unknown values during preview, invalid JSON, odd shapes) is listed in `undecided`, and what
 * can be decided is decided.
 */
export function analyzePolicyDocument(document: unknown, options: IamAnalysisOptions = {}): IamAnalysis {
  const analyzer = new DocumentAnalyzer(isPlainObject(options) ? options : {});
  try {
    analyzer.analyzeDocument(document);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    analyzer.undecided.push(`the policy document could not be analysed (${detail})`);
  }
  return { findings: analyzer.findings, undecided: analyzer.undecided };
}
