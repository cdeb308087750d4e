import * as fs from "fs";
import * as path from "path";
import type * as jsYaml from "js-yaml";
import { UsageError } from "../errors";

/** What `Pulumi.yaml` (and the program's package.json) say about how to run a program. */
export interface ProgramProject {
  dir: string;
  name: string;
  /** Absolute path of the entry module (file or directory) to require. */
  main: string;
  typescript: boolean;
  /** Project-level config defaults from Pulumi.yaml `config:` (plain values only). */
  configDefaults: Record<string, string>;
  /** Set when `main` named a file that does not exist and the entry fell back to the directory's index, as Pulumi's runtime does. */
  mainFallback?: { configured: string; used: string };
}

function readYaml(file: string, what: string): unknown {
  // Loaded here: the CLI parses --config with this module but only the program's process reads YAML.
  const yaml = require("js-yaml") as typeof jsYaml;
  try {
    return yaml.load(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new UsageError(`${what} ${file} is not valid YAML: ${reason}`);
  }
}

/** Config values are strings to the Pulumi runtime; structured values are JSON-encoded as the CLI does. */
export function configValueToString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** "key" -> "project:key"; "aws:region" stays. */
export function qualifyConfigKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

export function isSecureValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in (value as Record<string, unknown>);
}

export function loadProject(programDir: string): ProgramProject {
  const dir = path.resolve(programDir);
  if (!fs.existsSync(dir)) throw new UsageError(`program directory ${programDir} does not exist`);
  if (!fs.statSync(dir).isDirectory())
    throw new UsageError(`program directory ${programDir} is a file; give the directory holding Pulumi.yaml`);
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new UsageError(`program ${programDir} has no Pulumi.yaml`);
  const doc = readYaml(file, "project file");
  if (typeof doc !== "object" || doc === null) throw new UsageError(`project file ${file} is not a YAML mapping`);
  const project = doc as Record<string, unknown>;
  if (typeof project.name !== "string" || project.name === "") {
    throw new UsageError(`project file ${file} has no 'name'`);
  }
  const runtime = project.runtime;
  const runtimeName = typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  if (runtimeName !== "nodejs") {
    throw new UsageError(
      `program ${programDir} has runtime '${String(runtimeName)}'; only nodejs (TypeScript/JavaScript) programs can be checked`,
    );
  }
  const runtimeOptions =
    (typeof runtime === "object" && runtime !== null
      ? (runtime as { options?: Record<string, unknown> }).options
      : undefined) ?? {};

  let main: string;
  let mainFallback: ProgramProject["mainFallback"];
  let entry: string | undefined;
  if (typeof project.main === "string") {
    main = path.resolve(dir, project.main);
    entry = resolveEntry(main);
  } else {
    const pkgFile = path.join(dir, "package.json");
    const pkgMain = fs.existsSync(pkgFile)
      ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: unknown }).main
      : undefined;
    main = typeof pkgMain === "string" ? path.resolve(dir, pkgMain) : dir;
    entry = resolveEntry(main);
    // Pulumi's Node.js runtime falls back to the directory's index when package.json#main names nothing
    // (often a build output such as bin/index.js that was never built); Pulumi.yaml's own main does not fall back.
    if (!entry && main !== dir) {
      entry = resolveEntry(dir);
      if (entry) mainFallback = { configured: path.relative(dir, main) || main, used: path.relative(dir, entry) };
    }
  }
  if (!entry)
    throw new UsageError(`program ${programDir}: main ${path.relative(process.cwd(), main) || main} does not exist`);

  const configDefaults: Record<string, string> = {};
  const projectConfig = project.config;
  if (typeof projectConfig === "object" && projectConfig !== null) {
    for (const [key, spec] of Object.entries(projectConfig as Record<string, unknown>)) {
      // Project config is either a plain value or a declaration `{type, default|value, ...}`.
      const value =
        typeof spec === "object" && spec !== null && !Array.isArray(spec)
          ? ((spec as Record<string, unknown>).value ?? (spec as Record<string, unknown>).default)
          : spec;
      if (value !== undefined && !isSecureValue(value))
        configDefaults[qualifyConfigKey(key, project.name)] = configValueToString(value);
    }
  }
  return {
    dir,
    name: project.name,
    main: entry,
    typescript: runtimeOptions.typescript !== false,
    configDefaults,
    ...(mainFallback ? { mainFallback } : {}),
  };
}

/** The file Node would load for `main` (a file, or a directory's index), with .ts allowed. */
function resolveEntry(main: string): string | undefined {
  const candidates = [main, `${main}.ts`, `${main}.js`, path.join(main, "index.ts"), path.join(main, "index.js")];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** Whether a config value holds a `secure:` value, at its top level or nested in structured config. */
export function containsSecureValue(value: unknown): boolean {
  if (isSecureValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecureValue);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecureValue);
  return false;
}

/** What `Pulumi.<stack>.yaml` says: plain config, the values holding `secure:` parts, and its secrets provider. */
export interface StackConfig {
  /** Plain values (structured ones JSON-encoded, as the CLI does). */
  config: Record<string, string>;
  /** Qualified key -> the raw value that holds `secure:` ciphertext (top level or nested). */
  secure: Record<string, unknown>;
  /** The file read, when there is one. */
  file?: string;
  /** `encryptionsalt` (the passphrase provider's state), when present. */
  encryptionSalt?: string;
  /** `secretsprovider` (e.g. `awskms://...`, `passphrase`), when present. */
  secretsProvider?: string;
}

/** Config from `Pulumi.<stack>.yaml`; values holding `secure:` parts are returned apart, to be decrypted or left undecided. */
export function loadStackConfig(project: ProgramProject, stack: string): StackConfig {
  const config: Record<string, string> = {};
  const secure: Record<string, unknown> = {};
  const file = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`]
    .map((f) => path.join(project.dir, f))
    .find((f) => fs.existsSync(f));
  if (!file) return { config, secure };
  const doc = readYaml(file, "stack file");
  const top = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
  const result: StackConfig = { config, secure, file };
  if (typeof top.encryptionsalt === "string" && top.encryptionsalt) result.encryptionSalt = top.encryptionsalt;
  if (typeof top.secretsprovider === "string" && top.secretsprovider) result.secretsProvider = top.secretsprovider;
  const section = top.config;
  if (section === undefined || section === null) return result;
  if (typeof section !== "object") throw new UsageError(`stack file ${file}: 'config' is not a mapping`);
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    const qualified = qualifyConfigKey(key, project.name);
    if (containsSecureValue(value)) secure[qualified] = value;
    else config[qualified] = configValueToString(value);
  }
  return result;
}

/** Parses repeatable `--config key=value` options (keys are qualified with the project later, by runProgram). */
export function parseConfigPairs(pairs: string[]): Record<string, string> {
  const config: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    // As the Pulumi CLI: a key is `name` (the project's) or `namespace:name`, nothing more.
    if (key.split(":").length > 2 || key.startsWith(":") || key.endsWith(":")) {
      throw new UsageError(`--config key '${key}' is not of the form name or namespace:name`);
    }
    config[key] = pair.slice(eq + 1);
  }
  return config;
}
