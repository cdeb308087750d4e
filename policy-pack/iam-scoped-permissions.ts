import { resourcePolicy } from "./common/define";
import { TYPES } from "./common/types";
import { isUnknownSentinel, rawProps } from "./common/unknowns";
import { analyzePolicyDocument, IamAnalysis } from "./iam/analyze-policy-document";
import { awsManagedPolicyDocument, isAwsManagedPolicyArn } from "./iam/managed-policies";

/** Resources whose `policy` property is an identity-policy document. */
const DOCUMENT_TYPES: readonly string[] = [
  TYPES.iamPolicy,
  TYPES.iamRolePolicy,
  TYPES.iamUserPolicy,
  TYPES.iamGroupPolicy,
];
/** Resources that attach a managed policy by `policyArn`. */
const ATTACHMENT_TYPES: readonly string[] = [
  TYPES.iamRolePolicyAttachment,
  TYPES.iamUserPolicyAttachment,
  TYPES.iamGroupPolicyAttachment,
  TYPES.iamPolicyAttachment,
];
/** Resources that attach managed policies by a list of ARNs, and the property holding it. */
const ARN_LIST_PROPERTY: Readonly<Record<string, string>> = {
  [TYPES.iamRole]: "managedPolicyArns", // deprecated in @pulumi/aws 7, still common
  [TYPES.iamRolePolicyAttachmentsExclusive]: "policyArns",
  [TYPES.iamUserPolicyAttachmentsExclusive]: "policyArns",
  [TYPES.iamGroupPolicyAttachmentsExclusive]: "policyArns",
};

/** One document to judge and how to name it in the message. */
interface Subject {
  label: string;
  analysis: IamAnalysis;
}

function undecidedSubject(label: string, why: string): Subject {
  return { label, analysis: { findings: [], undecided: [why] } };
}

/**
 * An AWS managed policy, judged by its real document; none for a customer-managed one, which is judged where its
 * document is: on its aws.iam.Policy resource.
 */
function managedPolicySubjects(arn: unknown, allowedWildcardActions: string[]): Subject[] {
  if (typeof arn !== "string" || !isAwsManagedPolicyArn(arn)) return [];
  const document = awsManagedPolicyDocument(arn);
  if (!document) {
    const why = "it is not in the bundled table of AWS managed policies (regenerate it, or the ARN is wrong)";
    return [undecidedSubject(`AWS managed policy ${arn}`, why)];
  }
  const label = `AWS managed policy ${arn.slice(arn.lastIndexOf("/") + 1)} (${arn})`;
  return [{ label, analysis: analyzePolicyDocument(document, { allowedWildcardActions }) }];
}

function inlinePolicySubjects(inline: unknown, allowedWildcardActions: string[]): Subject[] {
  const analyze = (document: unknown) => analyzePolicyDocument(document, { allowedWildcardActions });
  if (isUnknownSentinel(inline)) return [{ label: "inlinePolicies", analysis: analyze(inline) }];
  if (!Array.isArray(inline)) return [];
  return inline.map((p: any, i: number) => ({
    label: `inline policy ${typeof p?.name === "string" && p.name ? `"${p.name}"` : `#${i}`}`,
    analysis: analyze(isUnknownSentinel(p) ? p : p?.policy),
  }));
}

function arnListSubjects(property: string, arns: unknown, allowedWildcardActions: string[]): Subject[] {
  if (isUnknownSentinel(arns)) return [undecidedSubject(property, "it is unknown during preview")];
  if (!Array.isArray(arns)) return [];
  return arns.flatMap((arn, i) =>
    isUnknownSentinel(arn)
      ? [undecidedSubject(`${property}[${i}]`, "it is unknown during preview")]
      : managedPolicySubjects(arn, allowedWildcardActions),
  );
}

function documentsOf(type: string, props: Record<string, any>, allowedWildcardActions: string[]): Subject[] {
  // Raw values: analyzePolicyDocument reads unknown sentinels itself and decides what it can around them (a document
  // with one unknown ARN still fails on Action "*").
  const raw = rawProps(props);
  if (DOCUMENT_TYPES.includes(type)) {
    return [{ label: "policy document", analysis: analyzePolicyDocument(raw.policy, { allowedWildcardActions }) }];
  }
  // Attachments by one ARN: read through the SDK's proxy, so an ARN unknown during preview gives the SDK's advisory.
  if (ATTACHMENT_TYPES.includes(type)) return managedPolicySubjects(props.policyArn, allowedWildcardActions);
  const subjects: Subject[] = [];
  // Roles: only inlinePolicies and managedPolicyArns; assumeRolePolicy is a trust policy and grants nothing.
  if (type === TYPES.iamRole) subjects.push(...inlinePolicySubjects(raw.inlinePolicies, allowedWildcardActions));
  const listProperty = ARN_LIST_PROPERTY[type];
  if (listProperty) subjects.push(...arnListSubjects(listProperty, raw[listProperty], allowedWildcardActions));
  return subjects;
}

export const iamScopedPermissions = resourcePolicy({
  name: "iam-scoped-permissions",
  description:
    "IAM identity policies must not grant wildcards: no `*` or partial wildcard actions, no NotAction/NotResource with Allow, " +
    'no Resource "*" (or an effectively-star ARN) for actions that support resource-level permissions, no iam:PassRole on "*".',
  severity: "high",
  remediationSteps:
    "List the exact actions the code calls and scope Resource to the ARNs it touches (the table, queue or log group, e.g. " +
    "`arn:aws:logs:REGION:ACCOUNT:log-group:/aws/lambda/NAME:*`). Replace broad AWS managed policies such as AdministratorAccess " +
    "or AWSLambdaBasicExecutionRole with a customer-managed or inline policy scoped to the function. Actions that support no " +
    "resource type may stay on `*`; extra exceptions go in `allowedWildcardActions`.",
  tags: ["security", "iam"],
  metadata: {
    example:
      'aws:iam/rolePolicyAttachment:RolePolicyAttachment "basic-exec" grants wildcard permissions: AWS managed policy AWSLambdaBasicExecutionRole (arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole): statement 0: Resource "*" for logs:CreateLogGroup (log-group), logs:CreateLogStream (log-stream), logs:PutLogEvents (log-stream), which support resource-level permissions; name the log-group, log-stream ARNs. Scope actions and resources to what the code uses.',
    details: [
      "No wildcard grants in identity policies. Documents are read from `aws.iam.Policy`, `RolePolicy`,",
      "`UserPolicy` and `GroupPolicy` (`policy`, a JSON string or an object), from `aws.iam.Role`",
      "`inlinePolicies[].policy` (never `assumeRolePolicy`: a trust policy grants nothing), and from AWS",
      "managed policies attached by the policy attachment resources (`policyArn`), the",
      "`*PolicyAttachmentsExclusive` resources (`policyArns`) or a role's deprecated `managedPolicyArns`.",
      "AWS managed policies are judged by their real current documents (a bundled table):",
      "`AdministratorAccess` fails, and so does `AWSLambdaBasicExecutionRole`, whose log actions on `*`",
      "could be scoped to the function's log group. A customer-managed policy is judged on its own",
      "`aws.iam.Policy` resource.",
      "",
      "How each document is judged (wildcard actions, `NotAction`/`NotResource` with `Allow`, `Resource:",
      '"*"` for actions that support resource-level permissions, `iam:PassRole` on `*`, and the',
      "network-interface actions of functions in a VPC) is in [IAM analysis](../iam-analysis.md).",
      "",
      "A document the pack cannot decide (unknown during preview, invalid JSON) gives an advisory `...",
      "could not be fully checked for wildcard permissions: ...` ([unknown values](../unknown-values.md)).",
      "No remediation: least privilege needs knowledge of the code.",
    ].join("\n"),
    equivalents: {
      checkov: [
        "CKV_AWS_62",
        "CKV_AWS_63",
        "CKV_AWS_355",
        "CKV_AWS_286",
        "CKV_AWS_287",
        "CKV_AWS_288",
        "CKV_AWS_289",
        "CKV_AWS_290",
      ],
      awsConfig: ["iam-policy-no-statements-with-admin-access", "iam-policy-no-statements-with-full-access"],
      other: ["Parliament", "Cloudsplaining", "cfn_nag F4/W11/F38"],
    },
  },
  configProperties: {
    allowedWildcardActions: {
      type: "array",
      items: { type: "string" },
      default: [] as string[],
      description:
        'Extra exceptions: action names or patterns (case-insensitive, e.g. "cloudwatch:PutMetricData") allowed with wildcards or on "*".',
    },
  },
  types: [...DOCUMENT_TYPES, ...ATTACHMENT_TYPES, ...Object.keys(ARN_LIST_PROPERTY)],
  validate(resource, config, report) {
    const subjects = documentsOf(resource.type, resource.props, config.allowedWildcardActions);
    const failing = subjects.filter((s) => s.analysis.findings.length > 0);
    if (failing.length > 0) {
      const details = failing
        .map((s) => `${s.label}: ${s.analysis.findings.map((f) => f.message).join("; ")}`)
        .join(" | ");
      const undecided = subjects.flatMap((s) => s.analysis.undecided.map((u) => `${s.label}: ${u}`));
      const rest = undecided.length ? ` (not yet decidable: ${undecided.join("; ")})` : "";
      report(
        `${resource.type} "${resource.name}" grants wildcard permissions: ${details}${rest}. ` +
          "Scope actions and resources to what the code uses.",
      );
      return;
    }
    const undecided = subjects.flatMap((s) => s.analysis.undecided.map((u) => `${s.label}: ${u}`));
    if (undecided.length > 0) {
      report(
        `${resource.type} "${resource.name}" could not be fully checked for wildcard permissions: ${undecided.join("; ")}`,
        { advisory: true },
      );
    }
  },
});
