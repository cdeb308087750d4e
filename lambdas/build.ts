import * as path from "path";
import { buildSync } from "esbuild";

/** The functions the stack deploys, each built from lambdas/<name>/index.ts. */
export const FUNCTION_NAMES = ["validator", "enricher", "processor"] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const LAMBDAS_DIR = __dirname;
export const BUNDLES_DIR = path.join(__dirname, "dist");

/**
 * Bundles every handler into lambdas/dist/<name>/index.js (CommonJS, Node 22, arm64-agnostic JS).
 * The AWS SDK v3 stays external because the Node.js 22 runtime ships it; Powertools and zod are
 * bundled. Synchronous and fast (well under a second), so the stack program calls it on every run
 * and a fresh clone needs no extra build step. Returns each function's bundle directory.
 */
export function buildHandlers(): Record<FunctionName, string> {
  const result = buildSync({
    entryPoints: FUNCTION_NAMES.map((name) => ({ in: path.join(LAMBDAS_DIR, name, "index.ts"), out: `${name}/index` })),
    outdir: BUNDLES_DIR,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    external: ["@aws-sdk/*"],
    logLevel: "silent",
    // Keeps bundles reproducible so an unchanged handler produces an unchanged archive hash.
    legalComments: "none",
  });
  if (result.errors.length > 0) {
    throw new Error(`bundling the handlers failed: ${result.errors.map((e) => e.text).join("; ")}`);
  }
  return Object.fromEntries(FUNCTION_NAMES.map((name) => [name, path.join(BUNDLES_DIR, name)])) as Record<FunctionName, string>;
}

if (require.main === module) {
  const started = Date.now();
  const dirs = buildHandlers();
  console.log(`built ${Object.keys(dirs).join(", ")} into ${BUNDLES_DIR} in ${Date.now() - started} ms`);
}
