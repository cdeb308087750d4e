// @pulumi/policy's proxy module is internal (its .d.ts exports nothing), but its UnknownValueError and
// sentinels are what the SDK itself uses to mark values unknown during preview, so we use the very same objects.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const proxy = require("@pulumi/policy/proxy") as {
  UnknownValueError: new (...args: any[]) => Error;
  getSpecialProxyTarget?: (o: unknown) => unknown;
  unknownBooleanValue: string;
  unknownNumberValue: string;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownAssetValue: string;
  unknownArchiveValue: string;
  unknownObjectValue: string;
};

export const UnknownValueError = proxy.UnknownValueError;

/** True for the error the SDK's proxy throws when a policy reads a value that is unknown during preview. */
export function isUnknownValueError(e: unknown): boolean {
  return e instanceof proxy.UnknownValueError;
}

const sentinels = new Set<unknown>([
  proxy.unknownBooleanValue,
  proxy.unknownNumberValue,
  proxy.unknownStringValue,
  proxy.unknownArrayValue,
  proxy.unknownAssetValue,
  proxy.unknownArchiveValue,
  proxy.unknownObjectValue,
]);

/** True for a raw (unproxied) value that stands for "unknown during preview". */
export function isUnknownSentinel(v: unknown): boolean {
  return sentinels.has(v);
}

/** Reads a property that may be unknown during preview; unknown reads as undefined. */
export function readKnown<T = unknown>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return undefined;
    throw e;
  }
}
