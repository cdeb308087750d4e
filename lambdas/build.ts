import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildSync, BuildOptions, version as esbuildVersion } from "esbuild";

/** The functions the stack deploys, each built from lambdas/<name>/index.ts. */
export const FUNCTION_NAMES = ["validator", "enricher", "processor"] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const LAMBDAS_DIR = __dirname;
export const BUNDLES_DIR = path.join(__dirname, "dist");
/** What the last build read and wrote, with content hashes: an unchanged build is skipped. */
const CACHE_FILE = path.join(BUNDLES_DIR, ".build-cache.json");
/** Paths in the build's metafile are relative to this directory. */
const WORKING_DIR = path.dirname(__dirname);

interface BuildCache {
  /** Hash of esbuild's version and the build options. */
  key: string;
  /** Every file the bundles were built from (sources and bundled dependencies), relative path -> sha256. */
  inputs: Record<string, string>;
  /** Every bundle written, relative path -> sha256. */
  outputs: Record<string, string>;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function fileHash(relative: string): string | undefined {
  try {
    return sha256(fs.readFileSync(path.join(WORKING_DIR, relative)));
  } catch {
    return undefined;
  }
}

function buildOptions(): BuildOptions {
  return {
    entryPoints: FUNCTION_NAMES.map((name) => ({ in: path.join(LAMBDAS_DIR, name, "index.ts"), out: `${name}/index` })),
    outdir: BUNDLES_DIR,
    absWorkingDir: WORKING_DIR,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    external: ["@aws-sdk/*"],
    logLevel: "silent",
    // Keeps bundles reproducible so an unchanged handler produces an unchanged archive hash.
    legalComments: "none",
  };
}

/** Whether the bundles on disk are exactly what building `key` would write again. */
function upToDate(key: string): boolean {
  let cache: BuildCache;
  try {
    cache = JSON.parse(fs.readFileSync(CACHE_FILE, "utf8"));
  } catch {
    return false;
  }
  if (cache.key !== key) return false;
  const same = (files: Record<string, string>) =>
    Object.entries(files).every(([file, hash]) => fileHash(file) === hash);
  return Object.keys(cache.outputs).length === FUNCTION_NAMES.length && same(cache.inputs) && same(cache.outputs);
}

/**
 * Bundles every handler into lambdas/dist/<name>/index.js (CommonJS, Node 22, arm64-agnostic JS).
 * The AWS SDK v3 stays external because the Node.js 22 runtime ships it; Powertools and zod are
 * bundled. Synchronous, so the stack program calls it on every run and a fresh clone needs no extra
 * build step. Skipped (a few milliseconds of hashing) when neither esbuild, the options, nor the content of
 * any file the last build read has changed and its bundles are intact. Returns each function's bundle directory.
 */
export function buildHandlers(): Record<FunctionName, string> {
  const options = buildOptions();
  const key = sha256(JSON.stringify({ esbuildVersion, options }));
  const dirs = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, path.join(BUNDLES_DIR, name)])) as Record<
    FunctionName,
    string
  >;
  if (upToDate(key)) return dirs;

  const result = buildSync({ ...options, metafile: true });
  if (result.errors.length > 0) {
    throw new Error(`bundling the handlers failed: ${result.errors.map((e) => e.text).join("; ")}`);
  }
  const hashes = (files: string[]) => Object.fromEntries(files.map((f) => [f, fileHash(f) ?? ""]));
  const cache: BuildCache = {
    key,
    inputs: hashes(Object.keys(result.metafile!.inputs)),
    outputs: hashes(Object.keys(result.metafile!.outputs)),
  };
  // Written whole (temp file and rename): concurrent runs may build at the same time.
  const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cache));
  fs.renameSync(tmp, CACHE_FILE);
  return dirs;
}

if (require.main === module) {
  const started = Date.now();
  const dirs = buildHandlers();
  console.log(`built ${Object.keys(dirs).join(", ")} into ${BUNDLES_DIR} in ${Date.now() - started} ms`);
}
