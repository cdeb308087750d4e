import { ProviderRecord, ResourceRecord } from "../../src/analyzer/resource-record";

/** The URN the engine gives a top-level resource of `project`'s dev stack. */
export const devUrn = (project: string, type: string, name: string) => `urn:pulumi:dev::${project}::${type}::${name}`;

/** A custom resource as a graph records it, with no dependencies or options, and its provider when given. */
export function customResource(
  project: string,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown> = inputs,
  provider?: ProviderRecord,
): ResourceRecord {
  return {
    urn: devUrn(project, type, name),
    type,
    name,
    custom: true,
    inputs,
    outputs,
    dependencies: [],
    propertyDependencies: {},
    options: {},
    ...(provider ? { provider } : {}),
  };
}
