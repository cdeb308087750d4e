// Whole-string globs: `*` any run of characters, `?` exactly one. Hand-written rather than minimatch/picomatch,
// which are path globs (`*` stops at `/`): logical names, URNs, ARNs and IAM actions treat `/` and `:` as
// ordinary characters. The whole rule fits in one regular expression.
import { re2 } from "./re2";

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** Regular-expression source (without anchors) for a glob; `one` is what a `?` stands for. */
export function globSource(pattern: string, one = "[\\s\\S]"): string {
  return escapeRegExp(pattern).replace(/\*/g, "[\\s\\S]*").replace(/\?/g, one);
}

const matchers = new Map<string, (text: string) => boolean>();

/**
 * A whole-string matcher for a glob from the user's config, on RE2 (linear-time matching): a pattern such as
 * `*a*a*a*a*b` cannot stall the run by backtracking. Compiled once per pattern.
 */
export function globMatcher(pattern: string): (text: string) => boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    const re = re2().compile(`^${globSource(pattern)}$`);
    matcher = (text: string) => re.test(text);
    if (matchers.size < 1000) matchers.set(pattern, matcher);
  }
  return matcher;
}
