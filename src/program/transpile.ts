/**
 * Loads a program's TypeScript with esbuild: each .ts file is transpiled on require (tens of milliseconds for a
 * whole program, where ts-node with the TypeScript compiler took about half a second). Types are not checked:
 * that is the program's own build's job, and Pulumi's runtime checks values as they arrive.
 *
 * Each file carries an inline source map, and the map is also kept here, so that positions the Pulumi SDK
 * records in transpiled coordinates (a resource's declaration, for SARIF) are mapped back to the .ts source
 * once, where they are read, instead of installing a global stack-trace hook that would map every stack the
 * SDK captures (it records one per promise).
 */
import * as fs from "fs";
import * as path from "path";
import { SourceMap } from "module";
import type { TransformFailure } from "esbuild";
import { SourcePosition } from "../analyzer/resource-record";

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"];
const INLINE_MAP = "//# sourceMappingURL=data:application/json;base64,";

/** Source maps of the files transpiled in this process, by absolute path (raw payloads; parsed on first lookup). */
const maps = new Map<string, string | SourceMap>();
let registered = false;

/** The program's tsconfig.json as esbuild reads it (comments and trailing commas allowed); `extends` is not followed. */
function tsconfigOf(programDir: string): string | undefined {
  const file = path.join(programDir, "tsconfig.json");
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** An esbuild parse error as Node reports a syntax error: the stack starts with `FILE:LINE`. */
function syntaxError(failure: TransformFailure, file: string): SyntaxError {
  const first = failure.errors[0];
  const loc = first?.location;
  const err = new SyntaxError(first?.text ?? failure.message);
  err.stack = `${loc?.file || file}:${loc?.line ?? 1}\n${loc?.lineText ?? ""}\n\nSyntaxError: ${err.message}`;
  return err;
}

/**
 * Registers the require hook for TypeScript files outside node_modules (the program may import .ts files from
 * outside its own directory, as the reference stack does with ../lambdas). Module format is CommonJS, since the
 * program is loaded with require().
 */
export function registerTypeScript(programDir: string): void {
  // Under ts-node (the tests' in-process runs) its own hook and stack mapping stay in charge, as before.
  if (registered || (process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")]) return;
  registered = true;
  // Loaded only when a TypeScript program runs: esbuild's JS API is cheap, but `check` of a .js program needs none of it.

  const esbuild = require("esbuild") as typeof import("esbuild");
  const tsconfigRaw = tsconfigOf(programDir);
  const extensions = require.extensions as NodeJS.RequireExtensions;
  const previous = new Map(EXTENSIONS.map((ext) => [ext, extensions[ext]]));
  for (const ext of EXTENSIONS) {
    extensions[ext] = (module, filename) => {
      if (filename.split(path.sep).includes("node_modules")) {
        const fallback = previous.get(ext) ?? extensions[".js"];
        return fallback(module, filename);
      }
      const source = fs.readFileSync(filename, "utf8");
      let code: string;
      try {
        const result = esbuild.transformSync(source, {
          loader: ext === ".tsx" ? "tsx" : "ts",
          format: "cjs",
          target: `node${process.versions.node.split(".")[0]}`,
          platform: "node",
          sourcefile: filename,
          sourcemap: "inline",
          ...(tsconfigRaw !== undefined ? { tsconfigRaw } : {}),
          logLevel: "silent",
        });
        code = result.code;
      } catch (err) {
        if (err && Array.isArray((err as TransformFailure).errors))
          throw syntaxError(err as TransformFailure, filename);
        throw err;
      }
      const at = code.lastIndexOf(INLINE_MAP);
      if (at >= 0)
        maps.set(filename, Buffer.from(code.slice(at + INLINE_MAP.length).trim(), "base64").toString("utf8"));
      (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
    };
  }
}

/**
 * The position in the original source of a 1-based (line, column) in a file this hook transpiled; the position
 * itself for any other file (JavaScript, node_modules) or one the map does not cover.
 */
export function originalPosition(pos: SourcePosition): SourcePosition {
  const entry = maps.get(pos.uri);
  // With Node's own source-map support on (--enable-source-maps), stack positions are mapped already.
  if (entry === undefined || (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) return pos;
  let map: SourceMap;
  if (typeof entry === "string") {
    map = new SourceMap(JSON.parse(entry));
    maps.set(pos.uri, map);
  } else map = entry;
  const found = map.findEntry(pos.line - 1, Math.max(0, (pos.column ?? 1) - 1)) as Partial<{
    originalLine: number;
    originalColumn: number;
  }>;
  if (typeof found.originalLine !== "number") return pos;
  return {
    ...pos,
    line: found.originalLine + 1,
    ...(pos.column !== undefined ? { column: (found.originalColumn ?? 0) + 1 } : {}),
  };
}
