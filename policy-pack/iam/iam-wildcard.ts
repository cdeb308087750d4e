// IAM wildcard matching. Hand-written rather than minimatch/picomatch because IAM globs are not path
// globs: `*` crosses `/` and `:`, `?` is exactly one character, and action names compare
// case-insensitively. The whole rule fits in one regular expression.

const compiled = new Map<string, RegExp>();

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** A case-insensitive regular expression for an IAM pattern (`*` = any run, `?` = one character). */
export function iamPatternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^${escapeRegExp(pattern).replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]")}$`, "i");
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
  const re = new RegExp(`^${escapeRegExp(allowed).replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[^*]")}$`, "i");
  return re.test(written);
}
