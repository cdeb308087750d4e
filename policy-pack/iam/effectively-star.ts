// When does a Resource grant as much as "*"? The rule (documented in docs/iam-analysis.md):
//
// A resource is effectively "*" when it names no resource, that is when it covers EVERY resource of
// some resource type:
//   - "*" itself, an ARN whose resource part is "*" (`arn:aws:dynamodb:us-east-1:123:*`), or an ARN cut
//     short by a trailing "*" field (`arn:*:*`, `arn:aws:s3:*`);
//   - an ARN that, as an IAM glob, matches the catalog's ARN format of one of the service's resource
//     types with every name variable left open: `arn:aws:dynamodb:*:*:table/*` covers
//     `table/${TableName}`; `arn:aws:iam::123:role/*` covers `role/${RoleNameWithPath}`.
// Any named part makes it scoped: `arn:aws:s3:::one-bucket/*`, `...:table/app-*`,
// `...:log-group:/aws/lambda/fn:*` (a log group's streams). Partition, region and account may be "*":
// they widen where a named resource lives, not which resource it is.
// For a service missing from the catalog (or a "*" service), only the shapes "*" and `<word>/*` or
// `<word>:*` count, the conservative reading of "a type keyword followed by a wildcard".
import { arnFormats } from "./action-catalog";
import { iamPatternCovers } from "./iam-wildcard";

/** Why `resource` is effectively "*", or undefined when it names something. */
export function effectivelyStarReason(resource: string): string | undefined {
  if (resource === "*") return "*";
  // Policy variables (`${aws:username}`) contain colons and always name something: neutralise them.
  const text = resource.replace(/\$\{[^}]*\}/g, "VARIABLE");
  const fields = text.split(":");
  if (fields[0].toLowerCase() !== "arn") return undefined;
  if (fields.length < 6) {
    return fields[fields.length - 1] === "*" ? 'an ARN that ends in "*" before naming a resource' : undefined;
  }
  const [, , service, region, account] = fields;
  const resourcePart = fields.slice(5).join(":");
  if (resourcePart === "*") return 'an ARN whose resource part is "*"';
  const formats = service === "*" || service === "" ? undefined : arnFormats(service);
  if (!formats) {
    return /^[^*?/:]+[/:]\*$/.test(resourcePart)
      ? `an ARN whose resource part "${resourcePart}" names no resource`
      : undefined;
  }
  for (const format of formats) {
    if (!fieldFits(region, format.hasRegion) || !fieldFits(account, format.hasAccount)) continue;
    if (iamPatternCovers(resourcePart, format.resourcePattern)) {
      return `an ARN that covers every ${service.toLowerCase()} ${format.resourceType}`;
    }
  }
  return undefined;
}

/** A region/account field fits a format when both are empty, or the format has one and the ARN gives any. */
function fieldFits(value: string, formatHasField: boolean): boolean {
  return value === "*" || (value !== "") === formatHasField;
}
