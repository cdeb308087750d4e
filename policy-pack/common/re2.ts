// Patterns from the user's config (criticalFunctionPattern, exclude globs) run on re2js, a pure-JS port of RE2:
// matching is linear in the input, so no pattern can stall a run by backtracking. Loaded on first use (about 40 ms),
// not at pack start-up.
import type { RE2JS as RE2JSClass } from "re2js";

export type RE2 = RE2JSClass;

let engine: typeof RE2JSClass | undefined;

export function re2(): typeof RE2JSClass {
  engine ??= (require("re2js") as typeof import("re2js")).RE2JS;
  return engine;
}
