import { createHash } from "crypto";
import { SECRET_SIG } from "../analyzer/resource-record";

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockContext {
  region: string;
  account: string;
  /** Provider defaultTags (already decoded), merged into `tagsAll` as the AWS provider does. */
  defaultTags?: Record<string, string>;
}

/** Deterministic stand-in for Pulumi's random suffixes: the same program yields the same names, run after run. */
export function hexSuffix(seed: string, length = 7): string {
  return createHash("sha1").update(seed).digest("hex").slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = createHash("sha1").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The input that carries each type's physical name and is auto-named `<logical>-<7 hex>` by the provider
 * when absent. Auto-naming is the provider's job (its Check), so the SDK cannot tell us; this lists the
 * serverless types the pack and reference stack use, with `name` as the fallback for other AWS types that
 * have a `name`-less input bag (only applied when the type is in this table).
 */
const AUTONAME_PROPERTY: Record<string, { property: string; lowercase?: boolean; maxLength?: number }> = {
  "aws:lambda/function:Function": { property: "name", maxLength: 64 },
  "aws:lambda/alias:Alias": { property: "name", maxLength: 128 },
  "aws:iam/role:Role": { property: "name", maxLength: 64 },
  "aws:iam/policy:Policy": { property: "name", maxLength: 128 },
  "aws:iam/rolePolicy:RolePolicy": { property: "name", maxLength: 128 },
  "aws:iam/user:User": { property: "name" },
  "aws:iam/group:Group": { property: "name" },
  "aws:sqs/queue:Queue": { property: "name", maxLength: 80 },
  "aws:sns/topic:Topic": { property: "name", maxLength: 256 },
  "aws:dynamodb/table:Table": { property: "name", maxLength: 255 },
  "aws:cloudwatch/logGroup:LogGroup": { property: "name", maxLength: 512 },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { property: "name", maxLength: 255 },
  "aws:cloudwatch/eventRule:EventRule": { property: "name", maxLength: 64 },
  "aws:s3/bucket:Bucket": { property: "bucket", lowercase: true, maxLength: 63 },
  "aws:s3/bucketV2:BucketV2": { property: "bucket", lowercase: true, maxLength: 63 },
  "aws:apigateway/restApi:RestApi": { property: "name" },
  "aws:apigatewayv2/api:Api": { property: "name" },
  "aws:sfn/stateMachine:StateMachine": { property: "name", maxLength: 80 },
};

/**
 * Inputs as the provider's Check would return them: the auto-name filled in when the program gave neither
 * the name nor a `namePrefix`. Returns a new object; the argument is not modified.
 */
export function withAutoName(
  type: string,
  logicalName: string,
  urn: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  inputs = withPolicyStrings(type, inputs);
  const spec = AUTONAME_PROPERTY[type];
  if (!spec || (inputs[spec.property] !== undefined && inputs[spec.property] !== null)) return inputs;
  const prefixKey = `${spec.property === "bucket" ? "bucket" : "name"}Prefix`;
  const prefix = typeof inputs[prefixKey] === "string" ? (inputs[prefixKey] as string) : undefined;
  let base = prefix ?? `${spec.lowercase ? logicalName.toLowerCase() : logicalName}-`;
  let name = `${base}${hexSuffix(urn)}`;
  if (type === "aws:sqs/queue:Queue" && inputs.fifoQueue === true) name += ".fifo";
  if (spec.maxLength && name.length > spec.maxLength) {
    base = base.slice(0, spec.maxLength - 8);
    name = `${base}${hexSuffix(urn)}`;
  }
  return { ...inputs, [spec.property]: name };
}

/**
 * The AWS provider stores policy documents given as objects (e.g. `aws.iam.assumeRolePolicyForPrincipal`)
 * as JSON strings, so state shows strings; do the same so check and audit see one shape.
 */
function withPolicyStrings(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (!type.startsWith("aws:")) return inputs;
  let out = inputs;
  for (const key of ["policy", "assumeRolePolicy"]) {
    const v = inputs[key];
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !(SECRET_SIG in v))
      out = { ...out, [key]: JSON.stringify(v) };
  }
  return out;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A function reference (name, partial or full ARN) reduced to the function name. */
function functionNameOf(ref: unknown): string | undefined {
  const s = str(ref);
  if (!s) return undefined;
  const m = /:function:([^:]+)/.exec(s);
  return m ? m[1] : s;
}

function serviceOf(type: string): { pkg: string; module: string; resource: string } {
  const [pkg, mod = "", res = ""] = type.split(":");
  return { pkg, module: mod.split("/")[0], resource: res };
}

export interface MockState {
  id: string;
  /** Outputs the provider would add to the inputs. */
  computed: Record<string, unknown>;
}

/**
 * The id and computed outputs an AWS resource has after deployment, in the shapes AWS really returns, so
 * that `queue.arn` or `fn.name` flow into other resources as they would after `pulumi up`.
 * `inputs` must already carry the auto-name (see withAutoName).
 */
export function mockState(
  type: string,
  logicalName: string,
  urn: string,
  inputs: Record<string, unknown>,
  ctx: MockContext,
): MockState {
  const { region, account } = ctx;
  const suffix = hexSuffix(urn);
  const name = str(inputs.name) ?? `${logicalName}-${suffix}`;
  const computed: Record<string, unknown> = {};
  let id = name;

  switch (type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
      const version = inputs.publish === true ? "1" : "$LATEST";
      Object.assign(computed, {
        arn,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualifiedArn: `${arn}:${version}`,
        qualifiedInvokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}:${version}/invocations`,
        version,
        lastModified: "2026-01-01T00:00:00.000+0000",
      });
      break;
    }
    case "aws:lambda/alias:Alias": {
      const fn = functionNameOf(inputs.functionName) ?? "function";
      const arn = `arn:aws:lambda:${region}:${account}:function:${fn}:${name}`;
      id = arn;
      Object.assign(computed, {
        arn,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      });
      break;
    }
    case "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig":
      id = `${functionNameOf(inputs.functionName) ?? "function"},${str(inputs.qualifier) ?? ""}`;
      break;
    case "aws:lambda/permission:Permission":
      id = str(inputs.statementId) ?? `terraform-${suffix}`;
      break;
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      id = uuidFrom(urn);
      Object.assign(computed, {
        uuid: id,
        functionArn: `arn:aws:lambda:${region}:${account}:function:${functionNameOf(inputs.functionName) ?? "function"}`,
        state: "Enabled",
      });
      break;
    case "aws:iam/role:Role": {
      const p = str(inputs.path) ?? "/";
      Object.assign(computed, {
        arn: `arn:aws:iam::${account}:role${p}${name}`,
        uniqueId: `AROA${suffix.toUpperCase()}EXAMPLE`,
        createDate: "2026-01-01T00:00:00Z",
      });
      break;
    }
    case "aws:iam/policy:Policy": {
      const p = str(inputs.path) ?? "/";
      const arn = `arn:aws:iam::${account}:policy${p}${name}`;
      id = arn;
      Object.assign(computed, { arn, policyId: `ANPA${suffix.toUpperCase()}EXAMPLE` });
      break;
    }
    case "aws:iam/rolePolicy:RolePolicy":
      id = `${str(inputs.role) ?? "role"}:${name}`;
      break;
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
      id = `${str(inputs.role) ?? "role"}-${suffix}`;
      break;
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      id = url;
      Object.assign(computed, { arn: `arn:aws:sqs:${region}:${account}:${name}`, url });
      break;
    }
    case "aws:sns/topic:Topic": {
      const arn = `arn:aws:sns:${region}:${account}:${name}`;
      id = arn;
      Object.assign(computed, { arn });
      break;
    }
    case "aws:dynamodb/table:Table":
      computed.arn = `arn:aws:dynamodb:${region}:${account}:table/${name}`;
      if (inputs.streamEnabled === true) {
        computed.streamLabel = "2026-01-01T00:00:00.000";
        computed.streamArn = `${computed.arn}/stream/2026-01-01T00:00:00.000`;
      }
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      // Since AWS provider v5 `arn` has no trailing `:*` (the log-stream wildcard).
      computed.arn = `arn:aws:logs:${region}:${account}:log-group:${name}`;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      computed.arn = `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
      break;
    case "aws:cloudwatch/eventRule:EventRule":
      computed.arn = `arn:aws:events:${region}:${account}:rule/${name}`;
      break;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = str(inputs.bucket) ?? `${logicalName.toLowerCase()}-${suffix}`;
      id = bucket;
      Object.assign(computed, {
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        region,
      });
      break;
    }
    case "aws:kms/key:Key": {
      const keyId = uuidFrom(urn);
      id = keyId;
      Object.assign(computed, { arn: `arn:aws:kms:${region}:${account}:key/${keyId}`, keyId });
      break;
    }
    case "aws:kms/alias:Alias":
      computed.arn = `arn:aws:kms:${region}:${account}:${name}`;
      break;
    default: {
      const { pkg, module, resource } = serviceOf(type);
      if (pkg === "aws") {
        // Generic fallback: the common `arn:aws:<service>:<region>:<account>:<resource-type>/<name>` shape.
        const resourceType = resource
          .replace(/^[A-Z]/, (c) => c.toLowerCase())
          .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        computed.arn = `arn:aws:${module}:${region}:${account}:${resourceType}/${name}`;
      } else {
        id = `${logicalName}-${suffix}`;
      }
    }
  }

  // The AWS provider reports the effective tags (provider defaultTags overlaid by the resource's) as tagsAll.
  if (type.startsWith("aws:") && typeof inputs.tags === "object" && inputs.tags !== null) {
    computed.tagsAll = { ...(ctx.defaultTags ?? {}), ...(inputs.tags as Record<string, unknown>) };
  }
  return { id, computed };
}

/** Provider resources get the UUID-shaped ids the engine gives them. */
export function providerId(urn: string): string {
  return uuidFrom(urn);
}
