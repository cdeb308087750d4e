/**
 * The human report (`--format text`): one headline per finding (level, policy, resource) with its message wrapped
 * to the terminal, several findings of one policy on one resource folded into one with a short list, each policy's
 * description once in a legend, and a per-policy table at the end.
 */
import { isDeepStrictEqual } from "util";
import { EnforceResult, Violation } from "../analyzer/enforce";
import { EnforcementLevel, PolicyInfo } from "../analyzer/policy-info";
import { ResourceGraph, ResourceRecord } from "../analyzer/resource-record";
import { runNotes } from "./notes";
import { findingText, ReportSummary, summarize, summaryLine } from "./summary";
import { parseUrn } from "./urn";

export interface TextOptions {
  /** Columns to wrap to; default 80 (a file or a pipe). */
  width?: number;
  /** ANSI colour; only for a terminal. */
  color?: boolean;
  /** Every finding of a group and every message whole, instead of a short list and shortened messages. */
  verbose?: boolean;
}

export const DEFAULT_WIDTH = 80;
/** Narrower than this, wrapping would leave a word or two per line; wider lines wrap in the terminal instead. */
const MIN_WIDTH = 40;
const INDENT = "    ";
/** A message longer than this many wrapped lines is shortened unless --verbose. */
const MAX_MESSAGE_LINES = 6;
/** Items a group lists unless --verbose. */
const MAX_GROUP_ITEMS = 10;
const ELLIPSIS = "…";

/**
 * IAM resources that grant to a role, user or group through a property: their findings are folded under that
 * principal (a CallbackFunction's role with nine managed policies is one finding, not nine).
 */
const PRINCIPAL_PROPERTY: Record<string, string> = {
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": "user",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "group",
  "aws:iam/rolePolicy:RolePolicy": "role",
  "aws:iam/userPolicy:UserPolicy": "user",
  "aws:iam/groupPolicy:GroupPolicy": "group",
};

const LEVEL_ORDER: EnforcementLevel[] = ["mandatory", "remediate", "advisory", "disabled"];

// Four SGR codes do not justify a dependency; Node's util.styleText is missing from the Node 20 releases we support.
const SGR = { bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], cyan: [36, 39] } as const;
type Style = keyof typeof SGR;

/**
 * Word wrap for plain text (colour is added after wrapping, so lengths are columns): breaks at spaces, and inside
 * a word only when the word alone is wider than the line (ARNs, URLs). A hand-written loop because wrap-ansi's
 * CommonJS release ships no types and its later releases are ESM-only.
 */
export function wrap(text: string, width: number, firstPrefix = "", restPrefix = firstPrefix): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = lines.length === 0 ? firstPrefix : restPrefix;
    let empty = true;
    const room = () => width - line.length;
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      const sep = empty ? "" : " ";
      if (sep.length + word.length <= room()) {
        line += sep + word;
        empty = false;
        continue;
      }
      // A word that fits on a fresh line moves there, also from behind a first line's prefix (a headline's level and policy).
      if (!empty || (line !== restPrefix && restPrefix.length + word.length <= width)) {
        lines.push(line.trimEnd());
        line = restPrefix;
        empty = true;
      }
      while (word.length > room()) {
        const cut = Math.max(1, room());
        lines.push(line + word.slice(0, cut));
        line = restPrefix;
        word = word.slice(cut);
      }
      line += word;
      empty = word.length === 0;
    }
    lines.push(line);
  }
  return lines;
}

function clip(line: string, width: number): string {
  return line.length <= width ? line : line.slice(0, Math.max(1, width - 1)) + ELLIPSIS;
}

/** What a remediation changed, per top-level property (`~ key: old => new`, `+ key: new`, `- key`), as `pulumi policy analyze` shows it. */
export function propertyChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  show = (v: unknown) => JSON.stringify(v) ?? "undefined",
): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before)) lines.push(`+ ${key}: ${show(value)}`);
    else if (!isDeepStrictEqual(before[key], value)) lines.push(`~ ${key}: ${show(before[key])} => ${show(value)}`);
  }
  for (const key of Object.keys(before)) if (!(key in after)) lines.push(`- ${key}`);
  return lines;
}

/** The longest common start of `texts` that ends with ": " (a shared lead such as `grants wildcard permissions: `). */
function commonLead(texts: string[]): string {
  if (texts.length < 2) return "";
  let prefix = texts[0];
  for (const t of texts.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < t.length && prefix[i] === t[i]) i++;
    prefix = prefix.slice(0, i);
  }
  const end = prefix.lastIndexOf(": ");
  return end > 0 ? prefix.slice(0, end + 2) : "";
}

interface Finding {
  violation: Violation;
  resource?: ResourceRecord;
  /** The message without the policy's description and without a leading `TYPE "NAME" ` that the headline already says. */
  text: string;
}

interface Group {
  policy: string;
  level: EnforcementLevel;
  /** The resource the headline names (for IAM grants: the principal), or undefined for the stack as a whole. */
  urn?: string;
  findings: Finding[];
}

function resourceLabel(urn: string | undefined): string {
  if (!urn) return "(stack)";
  const { type, name } = parseUrn(urn);
  return type ? `${name} (${type})` : name;
}

/** `changes`: each remediation's property changes, when the caller computed them (from values before secret masking). */
export function formatText(
  result: EnforceResult,
  graph?: ResourceGraph,
  options: TextOptions = {},
  summary: ReportSummary = summarize(result, graph),
  changes: string[][] = result.remediations.map((r) => propertyChanges(r.previous, r.properties)),
): string {
  const width = Math.max(MIN_WIDTH, options.width ?? DEFAULT_WIDTH);
  const verbose = !!options.verbose;
  const paint = (style: Style, s: string) => (options.color ? `\x1b[${SGR[style][0]}m${s}\x1b[${SGR[style][1]}m` : s);
  const levelStyle = (level: string): Style =>
    level === "mandatory" ? "red" : level === "advisory" ? "yellow" : "cyan";
  const policies = new Map(result.policies.map((p) => [p.name, p]));
  const byUrn = new Map((graph?.resources ?? []).map((r) => [r.urn, r]));
  let shortened = false;

  // Group: one policy, one level, one resource (IAM grants folded under the principal they grant to).
  const anchorOf = (v: Violation): string | undefined => {
    const r = v.resourceUrn ? byUrn.get(v.resourceUrn) : undefined;
    const property = r && PRINCIPAL_PROPERTY[r.type];
    const targets = property ? (r.propertyDependencies?.[property] ?? []) : [];
    return targets.length === 1 && byUrn.has(targets[0]) ? targets[0] : v.resourceUrn;
  };
  const grouped = new Map<string, Group>();
  for (const v of result.violations) {
    const anchor = anchorOf(v);
    const key = JSON.stringify([v.policyName, v.enforcementLevel, anchor ?? null]);
    if (!grouped.has(key))
      grouped.set(key, { policy: v.policyName, level: v.enforcementLevel, urn: anchor, findings: [] });
    const resource = v.resourceUrn ? byUrn.get(v.resourceUrn) : undefined;
    let text = findingText(v, policies.get(v.policyName));
    if (resource && text.startsWith(`${resource.type} "${resource.name}" `))
      text = text.slice(resource.type.length + resource.name.length + 4);
    grouped.get(key)!.findings.push({ violation: v, resource, text });
  }
  // A principal's group with a single finding reads best on the finding's own resource.
  const groups = [...grouped.values()].map((g) =>
    g.findings.length === 1 && g.findings[0].violation.resourceUrn !== g.urn
      ? { ...g, urn: g.findings[0].violation.resourceUrn }
      : g,
  );
  const policyIndex = new Map(result.policies.map((p, i) => [p.name, i]));
  const rank = (g: Group) => [LEVEL_ORDER.indexOf(g.level), policyIndex.get(g.policy) ?? policyIndex.size] as const;
  groups.sort((a, b) => {
    const [la, pa] = rank(a);
    const [lb, pb] = rank(b);
    const [ra, rb] = [resourceLabel(a.urn), resourceLabel(b.urn)];
    // Code-unit order, not localeCompare: the report must not change with the machine's locale.
    return la - lb || pa - pb || (ra < rb ? -1 : ra > rb ? 1 : 0);
  });

  const out: string[] = [];
  out.push(paint("bold", `Policy pack ${result.policyPack.name}@v${result.policyPack.version}`));

  const message = (text: string) => {
    const lines = wrap(text, width, INDENT);
    if (verbose || lines.length <= MAX_MESSAGE_LINES) return lines;
    shortened = true;
    const kept = lines.slice(0, MAX_MESSAGE_LINES);
    kept[kept.length - 1] = clip(kept[kept.length - 1] + " " + ELLIPSIS, width);
    return kept;
  };

  for (const g of groups) {
    out.push("");
    const count = g.findings.length > 1 ? `: ${g.findings.length} findings` : "";
    const head = wrap(`${resourceLabel(g.urn)}${count}`, width, `${g.level}  ${g.policy}  `, INDENT);
    // Colour the level and the policy on the first line (wrapping never splits them: they come first).
    head[0] = head[0].replace(
      `${g.level}  ${g.policy}`,
      `${paint(levelStyle(g.level), g.level)}  ${paint("bold", g.policy)}`,
    );
    out.push(...head);
    if (g.findings.length === 1) {
      out.push(...message(g.findings[0].text));
      continue;
    }
    const lead = commonLead(g.findings.map((f) => f.text));
    if (lead) out.push(...wrap(lead.trim(), width, INDENT));
    const items = verbose ? g.findings : g.findings.slice(0, MAX_GROUP_ITEMS);
    for (const f of items) {
      const own = f.violation.resourceUrn !== g.urn && f.resource ? `${f.resource.name}: ` : "";
      const item = `${own}${f.text.slice(lead.length)}`;
      if (verbose) {
        out.push(...wrap(item, width, `${INDENT}- `, `${INDENT}  `));
      } else {
        // One line each: an ARN in parentheses repeats the name before it and would push the finding off the line.
        const line = `${INDENT}- ${item.replace(/ \(arn:[^\s)]+\)/g, "").replace(/\s+/g, " ")}`;
        if (line.length > width) shortened = true;
        out.push(clip(line, width));
      }
    }
    if (items.length < g.findings.length) {
      shortened = true;
      out.push(`${INDENT}${ELLIPSIS} and ${g.findings.length - items.length} more`);
    }
  }

  if (result.remediations.length) {
    out.push("", paint("bold", "Remediations"));
    for (const [i, r] of result.remediations.entries()) {
      out.push(...wrap(resourceLabel(r.resourceUrn), width, `${INDENT}${r.policyName}  `, INDENT + INDENT));
      for (const change of changes[i] ?? []) {
        if (verbose) out.push(...wrap(change, width, INDENT + INDENT, INDENT + INDENT + "  "));
        else {
          if (INDENT.length * 2 + change.length > width) shortened = true;
          out.push(clip(INDENT + INDENT + change, width));
        }
      }
    }
  }

  if (result.summary.fakedInvokes.length) {
    out.push(
      "",
      ...wrap(
        `Faked invokes (answered with an empty result): ${result.summary.fakedInvokes.join(", ")}`,
        width,
        "",
        INDENT,
      ),
    );
  }

  const reported = new Set(result.violations.map((v) => v.policyName));
  const legend = result.policies.filter((p) => reported.has(p.name));
  if (legend.length) {
    out.push("", paint("bold", "Policies"));
    for (const p of legend) out.push(...legendEntry(p, summary, width, paint));
  }

  for (const note of runNotes(graph)) out.push("", ...wrap(`Warning: ${note}`, width, "", INDENT));
  if (graph?.mode === "preview") {
    out.push(
      "",
      ...wrap(
        "Mode: preview of a new stack (outputs of created resources unknown, as `pulumi preview` sees them).",
        width,
      ),
    );
  }
  out.push("", ...table(result.policies, summary, paint));
  if (shortened)
    out.push("", ...wrap("Some findings were shortened: --verbose or --format json shows them whole.", width));
  out.push("", paint("bold", summaryLine(summary)));
  return out.join("\n") + "\n";
}

function legendEntry(
  p: PolicyInfo,
  summary: ReportSummary,
  width: number,
  paint: (s: Style, t: string) => string,
): string[] {
  const level = summary.byPolicy[p.name]?.enforcementLevel ?? p.enforcementLevel;
  const tags = [level, p.severity].filter(Boolean).join(", ");
  // The policy's url stays in JSON and SARIF (helpUri): broken across lines to fit the width, a URL cannot be opened.
  const lines = wrap(`${p.name} (${tags}): ${p.description.trim()}`, width, INDENT, INDENT + INDENT);
  lines[0] = lines[0].replace(p.name, paint("bold", p.name));
  return lines;
}

/** Each policy: resources checked, passed, failed, exempt (a disabled policy says so instead). */
function table(policies: PolicyInfo[], summary: ReportSummary, paint: (s: Style, t: string) => string): string[] {
  const headers = ["checked", "passed", "failed", "exempt"];
  const rows = policies.map((p) => {
    const c = summary.byPolicy[p.name];
    return {
      name: p.name,
      cells:
        !c || c.enforcementLevel === "disabled" ? undefined : [c.checked, c.passed, c.failed, c.exempt].map(String),
    };
  });
  const nameWidth = Math.max("policy".length, ...rows.map((r) => r.name.length));
  const cellWidth = headers.map((h) =>
    Math.max(h.length, ...rows.map((r) => r.cells?.[headers.indexOf(h)].length ?? 0)),
  );
  const line = (name: string, cells: string[]) =>
    [name.padEnd(nameWidth), ...cells.map((c, i) => c.padStart(cellWidth[i]))].join("  ").trimEnd();
  return [
    paint("bold", line("policy", headers)),
    ...rows.map((r) => (r.cells ? line(r.name, r.cells) : `${r.name.padEnd(nameWidth)}  ${paint("dim", "disabled")}`)),
  ];
}
