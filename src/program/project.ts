import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { UsageError } from "../cli/errors";

/** What `Pulumi.yaml` (and the program's package.json) say about how to run a program. */
export interface ProgramProject {
  dir: string;
  name: string;
  /** Absolute path of the entry module (file or directory) to require. */
  main: string;
  typescript: boolean;
  /** Project-level config defaults from Pulumi.yaml `config:` (plain values only). */
  configDefaults: Record<string, string>;
}

function readYaml(file: string, what: string): unknown {
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

function isSecureValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in (value as Record<string, unknown>);
}

export function loadProject(programDir: string): ProgramProject {
  const dir = path.resolve(programDir);
  if (!fs.existsSync(dir)) throw new UsageError(`program directory ${programDir} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`program directory ${programDir} is a file; give the directory holding Pulumi.yaml`);
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
    throw new UsageError(`program ${programDir} has runtime '${String(runtimeName)}'; only nodejs (TypeScript/JavaScript) programs can be checked`);
  }
  const runtimeOptions = (typeof runtime === "object" && runtime !== null ? (runtime as { options?: Record<string, unknown> }).options : undefined) ?? {};

  let main: string;
  if (typeof project.main === "string") {
    main = path.resolve(dir, project.main);
  } else {
    const pkgFile = path.join(dir, "package.json");
    const pkgMain = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: unknown }).main : undefined;
    main = typeof pkgMain === "string" ? path.resolve(dir, pkgMain) : dir;
  }
  const entry = resolveEntry(main);
  if (!entry) throw new UsageError(`program ${programDir}: main ${path.relative(process.cwd(), main) || main} does not exist`);

  const configDefaults: Record<string, string> = {};
  const projectConfig = project.config;
  if (typeof projectConfig === "object" && projectConfig !== null) {
    for (const [key, spec] of Object.entries(projectConfig as Record<string, unknown>)) {
      // Project config is either a plain value or a declaration `{type, default|value, ...}`.
      const value =
        typeof spec === "object" && spec !== null && !Array.isArray(spec)
          ? ((spec as Record<string, unknown>).value ?? (spec as Record<string, unknown>).default)
          : spec;
      if (value !== undefined && !isSecureValue(value)) configDefaults[qualifyConfigKey(key, project.name)] = configValueToString(value);
    }
  }
  return {
    dir,
    name: project.name,
    main: entry,
    typescript: runtimeOptions.typescript !== false,
    configDefaults,
  };
}

/** The file Node would load for `main` (a file, or a directory's index), with .ts allowed. */
function resolveEntry(main: string): string | undefined {
  const candidates = [main, `${main}.ts`, `${main}.js`, path.join(main, "index.ts"), path.join(main, "index.js")];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/**
 * Config from `Pulumi.<stack>.yaml`: plain values are kept (structured ones JSON-encoded as the CLI does);
 * `secure:` values cannot be decrypted without the stack's secrets provider, so they are left unset and listed.
 */
export function loadStackConfig(project: ProgramProject, stack: string): { config: Record<string, string>; skippedSecrets: string[] } {
  const config: Record<string, string> = {};
  const skippedSecrets: string[] = [];
  const file = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(project.dir, f)).find((f) => fs.existsSync(f));
  if (!file) return { config, skippedSecrets };
  const doc = readYaml(file, "stack file");
  const section = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>).config : undefined;
  if (section === undefined || section === null) return { config, skippedSecrets };
  if (typeof section !== "object") throw new UsageError(`stack file ${file}: 'config' is not a mapping`);
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    const qualified = qualifyConfigKey(key, project.name);
    if (isSecureValue(value)) skippedSecrets.push(qualified);
    else config[qualified] = configValueToString(value);
  }
  return { config, skippedSecrets };
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
