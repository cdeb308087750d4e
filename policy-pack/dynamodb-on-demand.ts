import { resourcePolicy } from "./common/define";
import { TYPES } from "./common/types";
import { probe, rawProps, readKnown } from "./common/unknowns";

export const ON_DEMAND = "PAY_PER_REQUEST";

export const dynamodbOnDemand = resourcePolicy({
  name: "dynamodb-on-demand",
  description: "DynamoDB tables must use on-demand capacity (billingMode PAY_PER_REQUEST); unset means PROVISIONED.",
  severity: "low",
  remediationSteps:
    'Set `billingMode: "PAY_PER_REQUEST"` and remove `readCapacity`/`writeCapacity` (also on global secondary indexes). ' +
    "For steady, predictable load where provisioned capacity is cheaper, exempt the table with a reason.",
  tags: ["cost", "dynamodb"],
  metadata: {
    example:
      'table "orders" billingMode is "PROVISIONED" (readCapacity 20, writeCapacity 5); set billingMode to "PAY_PER_REQUEST" and drop readCapacity/writeCapacity',
    details: [
      "An `aws.dynamodb.Table` must have `billingMode` `PAY_PER_REQUEST`; unset means `PROVISIONED` and",
      "fails. The message shows the provisioned capacity when the table sets it.",
      "",
      "Remediation sets `billingMode` to `PAY_PER_REQUEST` and drops `readCapacity`/`writeCapacity`, also",
      "from global secondary indexes, keeping everything else.",
    ].join("\n"),
    equivalents: {
      checkov: ["CKV2_AWS_16 (auto scaling for provisioned tables)"],
      awsConfig: ["dynamodb-autoscaling-enabled"],
      other: ["cfn_nag W73"],
    },
  },
  types: [TYPES.dynamodbTable],
  validate(resource, _config, report) {
    // Read through the SDK's proxy: an unknown billingMode is reported by the SDK as not checkable during preview.
    const mode = resource.props.billingMode;
    if (mode === ON_DEMAND) return;
    const read = readKnown(() => resource.props.readCapacity);
    const write = readKnown(() => resource.props.writeCapacity);
    const capacity =
      read !== undefined || write !== undefined
        ? ` (readCapacity ${read ?? "unset"}, writeCapacity ${write ?? "unset"})`
        : "";
    const shown =
      mode === undefined || mode === null
        ? "billingMode is not set, which means PROVISIONED"
        : `billingMode is ${JSON.stringify(mode)}`;
    report(
      `table "${resource.name}" ${shown}${capacity}; set billingMode to "${ON_DEMAND}" and drop readCapacity/writeCapacity`,
    );
  },
  remediate(resource) {
    const mode = probe(() => resource.props.billingMode);
    if (!mode.known || mode.value === ON_DEMAND) return undefined; // unknown in preview: nothing to decide yet
    const { readCapacity: _r, writeCapacity: _w, ...rest } = rawProps(resource.props);
    const fixed: Record<string, any> = { ...rest, billingMode: ON_DEMAND };
    if (Array.isArray(rest.globalSecondaryIndexes)) {
      fixed.globalSecondaryIndexes = rest.globalSecondaryIndexes.map((gsi: unknown) => {
        if (!gsi || typeof gsi !== "object") return gsi;
        const { readCapacity: _gr, writeCapacity: _gw, ...gsiRest } = gsi as Record<string, unknown>;
        return gsiRest;
      });
    }
    return fixed;
  },
});
