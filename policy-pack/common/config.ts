/**
 * Config handling shared by every policy. The Pulumi CLI fills schema defaults before `Configure`, but the SDK
 * does not, and `serverless-guard` or tests may send nothing at all: each policy carries its defaults in code.
 */

/** Schema of the `exclude` key every policy accepts. */
export const excludeSchema = {
  exclude: {
    type: "array",
    items: { type: "string" },
    description: "Resources this policy skips: globs (`*`, `?`) over the logical name or the whole URN. Findings are still reported as advisory.",
  },
} as const;

export interface CommonConfig {
  exclude: string[];
}

/** `getConfig()` merged over the policy's defaults; values of the wrong type fall back to the default. */
export function configWithDefaults<T extends object>(getConfig: () => object, defaults: T): T & CommonConfig {
  let given: Record<string, unknown> = {};
  try {
    given = (getConfig() ?? {}) as Record<string, unknown>;
  } catch {
    given = {};
  }
  const merged: Record<string, unknown> = { exclude: [], ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const fallback = merged[key];
    // Assigning "__proto__" would replace the prototype; it is never a config key.
    if (value === undefined || value === null || key === "__proto__") continue;
    if (fallback !== undefined && typeof fallback !== typeof value) continue;
    if (Array.isArray(fallback) !== Array.isArray(value)) continue;
    merged[key] = value;
  }
  return merged as T & CommonConfig;
}
