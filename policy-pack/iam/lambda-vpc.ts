// Functions in a VPC: Lambda creates and deletes network interfaces whose ids AWS generates, so
// `arn:PARTITION:ec2:REGION:ACCOUNT:network-interface/*` is as narrow as those actions can be scoped. The actions are
// taken from AWS's own AWSLambdaVPCAccessExecutionRole by scripts/generate-managed-policies.ts, not listed by hand.
import type * as EniActionsFile from "./generated/lambda-vpc-eni-actions.json";

export const LAMBDA_VPC_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole";

export interface LambdaVpcEniActions {
  /** The table and policy the actions come from. */
  source: string;
  actions: string[];
}

let actions: ReadonlySet<string> | undefined;

/** Is `action` (as written, no wildcard) one of the network-interface actions Lambda needs in a VPC? */
export function isLambdaVpcEniAction(action: string): boolean {
  if (!actions) {
    const file = require("./generated/lambda-vpc-eni-actions.json") as typeof EniActionsFile;
    actions = new Set(file.actions.map((a) => a.toLowerCase()));
  }
  return actions.has(action.toLowerCase());
}

/**
 * An ARN of every network interface of one account in one region, partition, region and account named:
 * `arn:aws:ec2:us-east-1:123456789012:network-interface/*`. A wildcard in any of those three widens it to other
 * accounts or regions, which no function needs.
 */
export function isAccountEniArn(resource: string): boolean {
  const match = /^arn:([^:]+):ec2:([^:]+):([^:]+):network-interface\/\*$/.exec(resource);
  return match !== null && match.slice(1).every((field) => !/[*?]/.test(field) && !field.includes("${"));
}
