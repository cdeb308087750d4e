/**
 * A bound on how deeply nested a JSON input may be. JSON.parse copes with any depth, but everything after it
 * (our readers, protobuf's Struct, the pack's own deserialization) recurses, and would fail with "Maximum call
 * stack size exceeded" and no file name. 100 levels is protobuf's default recursion limit; real stack state and
 * policy configs stay far below it.
 */
export const MAX_JSON_NESTING = 100;

/** Whether `value` nests objects or arrays more than `max` levels deep (iterative, so any depth is safe to test). */
export function nestingExceeds(value: unknown, max: number = MAX_JSON_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The one-line problem for a too-deep file, after its name: `FILE: nesting too deep ...`. */
export const NESTING_TOO_DEEP = `nesting too deep (more than ${MAX_JSON_NESTING} levels of objects and arrays)`;
