// IAM wildcard matching: the pack's whole-string globs (../common/glob), compared case-insensitively as IAM does.
import { globSource } from "../common/glob";

const compiled = new Map<string, RegExp>();

/** A case-insensitive regular expression for an IAM pattern (`*` = any run, `?` = one character). */
export function iamPatternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^${globSource(pattern)}$`, "i");
    // Bounded: policy documents are small, but garbage input could feed many distinct strings.
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

export function hasIamWildcard(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

/** Whether `pattern` matches the concrete name `name` (case-insensitive). */
export function iamPatternMatches(pattern: string, name: string): boolean {
  return iamPatternRegExp(pattern).test(name);
}

/**
 * Whether every action `written` can grant is also matched by `allowed`: `allowed` matched against the
 * text of `written`, where a `?` in `allowed` may not stand for a `*` in `written` (a `*` covers many
 * characters, a `?` one). Sound for the patterns people write (`s3:*` covers `s3:Get*`).
 */
export function iamPatternCovers(allowed: string, written: string): boolean {
  return new RegExp(`^${globSource(allowed, "[^*]")}$`, "i").test(written);
}
