// @pulumi/policy's proxy module is internal (its .d.ts exports nothing), but its UnknownValueError and
// sentinels are what the SDK itself uses to mark values unknown during preview, so we use the very same objects.

const proxy = require("@pulumi/policy/proxy") as {
  UnknownValueError: new (...args: any[]) => Error;
  unknownBooleanValue: string;
  unknownNumberValue: string;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownAssetValue: string;
  unknownArchiveValue: string;
  unknownObjectValue: string;
};

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
  const p = probe(read);
  return p.known ? p.value : undefined;
}

const IS_SPECIAL_PROXY = "__isSpecialProxy";
const SPECIAL_PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The plain property bag under the SDK's proxies (unknown-checking, secrets-preserving), for remediations: spreading
 * the proxy would read, and so throw on, every unknown value, while the bag itself keeps unknown sentinels and
 * Secret wrappers that the SDK serializes back unchanged. So a remediation can fix one property during preview.
 */
export function rawProps(props: Record<string, any>): Record<string, any> {
  let current: any = props;
  for (let depth = 0; depth < 4 && current && current[IS_SPECIAL_PROXY] === true; depth++) {
    current = current[SPECIAL_PROXY_TARGET];
  }
  return current;
}

/** A read that tells "unknown during preview" apart from "absent". */
export type Probe<T> = { known: true; value: T } | { known: false };

/**
 * The one reader for values that may be unknown during preview, through the SDK's proxy (which throws on them) or
 * raw (where they are sentinels): every other reader here is built on it.
 */
export function probe<T>(read: () => T): Probe<T> {
  // The SDK signals an unknown value by throwing; during preview that is most reads of a large stack. The error is
  // dropped here, so its stack trace (most of the cost of a throw) is not captured.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const value = read();
    return isUnknownSentinel(value) ? { known: false } : { known: true, value };
  } catch (e) {
    if (isUnknownValueError(e)) return { known: false };
    throw e;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** `object[key]`, raw or proxied; null reads as undefined (absent). */
export function probeField(object: object, key: string): Probe<unknown> {
  return probe(() => (object as Record<string, unknown>)[key] ?? undefined);
}

/** A known non-empty string, `undefined` when absent or not a string, or `{known: false}` when unknown. */
export function probeString(read: () => unknown): Probe<string | undefined> {
  const p = probe(read);
  if (!p.known) return p;
  return { known: true, value: typeof p.value === "string" && p.value !== "" ? p.value : undefined };
}

/** A known non-empty string, else undefined (absent, not a string, or unknown during preview). */
export function knownString(read: () => unknown): string | undefined {
  const p = probeString(read);
  return p.known ? p.value : undefined;
}

/**
 * The SDK's own error for a value unknown during preview, for a policy that found out by itself (e.g. a required tag
 * whose value is unknown): thrown through the wrappers, the SDK reports its advisory "can't run ... during preview".
 */
export function unknownValueAt(path: string[]): Error {
  return new proxy.UnknownValueError(proxy.unknownStringValue, path);
}
