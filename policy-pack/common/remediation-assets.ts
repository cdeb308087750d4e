import type * as pulumiModule from "@pulumi/pulumi";
import type * as policyModule from "@pulumi/policy";
import { rawProps } from "./unknowns";

/** The engine's signature key and the asset and archive signatures (pulumi/sdk `runtime/rpc`). */
const SIG = "4dabf18193072939515e22adb298388d";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/**
 * A remediation returns the resource's whole property bag, code included. @pulumi/policy 1.21 serializes an
 * AssetArchive in that bag as the list of its asset names (deserialize.js serializeProperty), so a Lambda function's
 * `code` would come back broken. Assets and archives are therefore handed over already in the engine's wire form,
 * which the SDK passes through unchanged.
 */
export async function withWireAssets(bag: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await wire(bag)) as Record<string, unknown>;
}

// Loaded on the first remediation, not on import: the CLI's reports read the policy list (subjects, exemptions)
// and must not pay for loading the whole Pulumi SDK; the pack process has both loaded already.
let sdk: { pulumi: typeof pulumiModule; Secret: typeof policyModule.Secret } | undefined;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= { pulumi: require("@pulumi/pulumi"), Secret: require("@pulumi/policy").Secret };
  return sdk;
}

/** `value` itself unless it is, or holds, an asset or archive (secrets and everything else pass untouched). */
async function wire(proxied: unknown): Promise<unknown> {
  const { pulumi, Secret } = loadSdk();
  if (proxied === null || typeof proxied !== "object" || proxied instanceof Secret) return proxied;
  // The SDK hands policies proxies (for unknowns and secrets); a proxied promise cannot be awaited.
  const value: object = rawProps(proxied as Record<string, unknown>);
  if (value instanceof Secret) return proxied;
  if (pulumi.asset.Asset.isInstance(value)) {
    const a = value as unknown as { path?: Promise<string>; text?: Promise<string>; uri?: Promise<string> };
    if (a.path !== undefined) return { [SIG]: ASSET_SIG, path: await a.path };
    if (a.text !== undefined) return { [SIG]: ASSET_SIG, text: await a.text };
    return { [SIG]: ASSET_SIG, uri: await a.uri };
  }
  if (pulumi.asset.Archive.isInstance(value)) {
    const a = value as unknown as {
      assets?: Promise<Record<string, unknown>>;
      path?: Promise<string>;
      uri?: Promise<string>;
    };
    if (a.assets !== undefined) {
      const assets: Record<string, unknown> = {};
      for (const [name, asset] of Object.entries(rawProps(await a.assets))) assets[name] = await wire(asset);
      return { [SIG]: ARCHIVE_SIG, assets };
    }
    if (a.path !== undefined) return { [SIG]: ARCHIVE_SIG, path: await a.path };
    return { [SIG]: ARCHIVE_SIG, uri: await a.uri };
  }
  if ((value as object) instanceof Promise) return proxied;
  const entries = Object.entries(value);
  const converted = await Promise.all(entries.map(([, v]) => wire(v)));
  if (converted.every((v, i) => v === entries[i][1])) return proxied;
  if (Array.isArray(value)) return converted;
  return Object.fromEntries(entries.map(([k], i) => [k, converted[i]]));
}
