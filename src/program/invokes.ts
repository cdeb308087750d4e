import { createHash } from "crypto";

export interface InvokeContext {
  region: string;
  account: string;
}

/** One element of `aws.iam.getPolicyDocument`'s `statements` argument. */
interface StatementArg {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];

/** IAM collapses one-element lists to a scalar, as the AWS provider's renderer does. */
const scalarOrList = (values: string[]): string | string[] => (values.length === 1 ? values[0] : values);

function renderPrincipals(principals: unknown): unknown {
  const entries = Array.isArray(principals) ? (principals as { type?: unknown; identifiers?: unknown }[]) : [];
  if (entries.some((p) => p.type === "*" && list(p.identifiers).includes("*"))) return "*";
  const out: Record<string, string[]> = {};
  for (const p of entries) {
    if (typeof p.type !== "string") continue;
    (out[p.type] ??= []).push(...list(p.identifiers));
  }
  return Object.fromEntries(Object.entries(out).map(([type, ids]) => [type, scalarOrList(ids)]));
}

function renderStatement(arg: StatementArg): Record<string, unknown> {
  const st: Record<string, unknown> = {};
  if (arg.sid) st.Sid = arg.sid;
  st.Effect = arg.effect ?? "Allow";
  if (list(arg.actions).length) st.Action = scalarOrList(list(arg.actions));
  if (list(arg.notActions).length) st.NotAction = scalarOrList(list(arg.notActions));
  if (list(arg.resources).length) st.Resource = scalarOrList(list(arg.resources));
  if (list(arg.notResources).length) st.NotResource = scalarOrList(list(arg.notResources));
  if (Array.isArray(arg.principals) && arg.principals.length) st.Principal = renderPrincipals(arg.principals);
  if (Array.isArray(arg.notPrincipals) && arg.notPrincipals.length)
    st.NotPrincipal = renderPrincipals(arg.notPrincipals);
  if (Array.isArray(arg.conditions) && arg.conditions.length) {
    const cond: Record<string, Record<string, string | string[]>> = {};
    for (const c of arg.conditions) (cond[c.test] ??= {})[c.variable] = scalarOrList(list(c.values));
    st.Condition = cond;
  }
  return st;
}

/**
 * Renders `aws:iam/getPolicyDocument:getPolicyDocument` as the AWS provider does: `json` (indented) and
 * `minifiedJson`. `sourcePolicyDocuments` are merged first and `overridePolicyDocuments` replace statements
 * with the same Sid, as documented for the data source.
 */
export function renderPolicyDocument(args: Record<string, unknown>): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [];
  const addDocs = (docs: unknown, override: boolean) => {
    for (const doc of list(docs)) {
      let parsed: { Statement?: unknown };
      try {
        parsed = JSON.parse(doc);
      } catch {
        continue;
      }
      const sts = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
      for (const st of sts as Record<string, unknown>[]) {
        const same = st.Sid ? statements.findIndex((s) => s.Sid === st.Sid) : -1;
        if (override && same >= 0) statements[same] = st;
        else statements.push(st);
      }
    }
  };
  addDocs(args.sourcePolicyDocuments, false);
  for (const st of Array.isArray(args.statements) ? (args.statements as StatementArg[]) : []) {
    const rendered = renderStatement(st);
    const same = rendered.Sid ? statements.findIndex((s) => s.Sid === rendered.Sid) : -1;
    if (same >= 0) statements[same] = rendered;
    else statements.push(rendered);
  }
  addDocs(args.overridePolicyDocuments, true);
  const doc: Record<string, unknown> = { Version: typeof args.version === "string" ? args.version : "2012-10-17" };
  if (typeof args.policyId === "string") doc.Id = args.policyId;
  doc.Statement = statements;
  const minifiedJson = JSON.stringify(doc);
  return {
    ...args,
    id: String(Math.abs(parseInt(createHash("sha1").update(minifiedJson).digest("hex").slice(0, 8), 16))),
    json: JSON.stringify(doc, null, 2),
    minifiedJson,
  };
}

/**
 * Answers the invokes stacks commonly use with realistic values. Returns undefined for any other token, which
 * the caller answers with an empty result and reports as faked.
 */
export function answerInvoke(
  token: string,
  args: Record<string, unknown>,
  ctx: InvokeContext,
): Record<string, unknown> | undefined {
  switch (token) {
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return renderPolicyDocument(args);
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ctx.account,
        arn: `arn:aws:iam::${ctx.account}:user/serverless-guard`,
        id: ctx.account,
        userId: "AIDASERVERLESSGUARD0001",
      };
    case "aws:index/getRegion:getRegion": {
      const name =
        typeof args.name === "string" ? args.name : typeof args.region === "string" ? args.region : ctx.region;
      return { name, region: name, id: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
    }
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", id: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    default:
      return undefined;
  }
}
