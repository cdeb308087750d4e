// Whole-string globs: `*` any run of characters, `?` exactly one. Hand-written rather than minimatch/picomatch,
// which are path globs (`*` stops at `/`): logical names, URNs, ARNs and IAM actions treat `/` and `:` as
// ordinary characters. The whole rule fits in one regular expression.

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** Regular-expression source (without anchors) for a glob; `one` is what a `?` stands for. */
export function globSource(pattern: string, one = "[\\s\\S]"): string {
  return escapeRegExp(pattern).replace(/\*/g, "[\\s\\S]*").replace(/\?/g, one);
}
