// Builds this repository's two packages the way they are shipped and installs them the way their users do:
// - the policy pack (the repository root): `npm pack`, unpacked, then `npm install --omit=dev`, which is what the
//   Pulumi CLI runs for a published pack whose PulumiPolicy.yaml sets `production: true`;
// - the CLI (cli/ workspace): `npm pack --workspace cli`, then `npm install -g` of the tarball into a prefix.
// Used by the packaging spec (does it work?) and the install benchmark (how big, how long?).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.join(__dirname, "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
/** Installs reuse the npm cache that `npm ci` filled; the registry is asked only for what is missing. */
const INSTALL_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

function npm(args: string[], cwd: string): string {
  const r = spawnSync(NPM, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} (in ${cwd}) failed with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** `npm pack` of the root or a workspace into `destination`; returns the tarball's path. */
export function packTarball(destination: string, workspace?: string): string {
  const args = ["pack", "--json", "--pack-destination", destination, ...(workspace ? ["--workspace", workspace] : [])];
  const [info] = JSON.parse(npm(args, REPO_ROOT)) as { filename: string }[];
  return path.join(destination, info.filename);
}

/** Unpacks the pack's tarball into `dir` and installs it as the Pulumi CLI does; returns the pack directory. */
export function installPublishedPack(tarball: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", dir]);
  const packDir = path.join(dir, "package");
  const manifest = fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8");
  // The Pulumi CLI omits devDependencies only when the pack's PulumiPolicy.yaml asks for it.
  const production = /^\s*production:\s*true\s*$/m.test(manifest);
  npm(["install", ...(production ? ["--omit=dev"] : []), ...INSTALL_FLAGS], packDir);
  return packDir;
}

/** A project with only `dependencies` installed the same way: the floor a lean pack is measured against. */
export function installDependenciesAlone(dependencies: Record<string, string>, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "floor", version: "0.0.0", private: true, dependencies }),
  );
  npm(["install", "--omit=dev", ...INSTALL_FLAGS], dir);
  return dir;
}

/** `npm install -g` of the CLI's tarball into `prefix`; returns the installed `serverless-guard` launcher. */
export function installCliGlobally(tarball: string, prefix: string): string {
  npm(["install", "-g", "--prefix", prefix, tarball, ...INSTALL_FLAGS], path.dirname(tarball));
  return path.join(prefix, "bin", "serverless-guard");
}

/** Bytes on disk below `dir` (files only, links not followed), as `du --apparent-size` counts them. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}
