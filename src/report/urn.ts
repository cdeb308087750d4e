/** Splits a Pulumi URN (`urn:pulumi:STACK::PROJECT::QUALIFIED_TYPE::NAME`) into its type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4) return { type: "", name: urn };
  const qualifiedType = parts[2];
  // A child's qualified type is "parentType$childType"; the resource's own type is the last one.
  return { type: qualifiedType.split("$").pop()!, name: parts.slice(3).join("::") };
}
