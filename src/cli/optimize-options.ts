import { DEFAULT_MAX_MEMORY_MB } from "../../policy-pack/lambda-memory-limit";
import { Architecture, ARCHITECTURES } from "../optimize/pricing";
import { AnalysisSettings } from "../optimize/recommend";
import { localAnalyzerInfo, readPolicyPackConfigFile, reconcilePolicyPackConfig } from "../pack-config";
import { outputOption, parseCommandArgs, reportFormat } from "./enforce-command";
import { UsageError } from "../errors";

export const USAGE = `Usage: serverless-guard optimize NAME=FILE [NAME=FILE ...] [options]
       serverless-guard optimize --live NAME [NAME ...] [options]

Right-sizes Lambda memory from REPORT log lines (plain text or JSON log format) and prices the change.
FILE '-' reads stdin; gzipped files and 'aws logs filter-log-events' output are read as they are.
NAME is the function name (used for --emit pulumi and --live).

Options:
  --headroom PCT                 free memory to keep above the observed peak, percent (default 20)
  --min-invocations N            fewer invocations than this are "insufficient-data" (default 50)
  --invocations-per-month [NAME=]N
                                 monthly volume to price, for all functions or one (repeatable);
                                 default: the observed rate extrapolated over the log's time span
  --policy-pack-config FILE      Pulumi policy config; uses lambda-memory-limit.maxMemoryMb
                                 (default ceiling ${DEFAULT_MAX_MEMORY_MB} MB)
  --current-arch x86_64|arm64    architecture the functions run on now (default x86_64)
  --arch x86_64|arm64            architecture to price the recommendation on (default: --current-arch)
  --cpu-bound-share F            share of duration assumed CPU-bound when estimating the slow-down
                                 below 1769 MB, 0..1 (default 0.5; 1 = worst case)
  --provisioned-concurrency NAME=N
                                 price NAME with N provisioned instances all month (repeatable)
  --format text|json|html        output format (default text)
  -o, --output FILE              write the report to FILE (written only when complete) instead of stdout
  --emit pulumi                  print 'pulumi config set' commands (and a JSON patch for functions
                                 outside the reference stack) instead of the report
  --stack NAME                   add '--stack NAME' to the emitted pulumi commands
  --live                         read from CloudWatch Logs (/aws/lambda/NAME) instead of files
  --since DURATION               --live window, e.g. 14d, 36h, 90m (default 14d)
  --region REGION                --live region (default $AWS_REGION or us-east-1)
  --endpoint URL                 --live endpoint override (LocalStack, tests)
  -h, --help                     show this help`;

const FORMATS = ["text", "json", "html"] as const;
export type Format = (typeof FORMATS)[number];

export interface OptimizeOptions {
  help: boolean;
  inputs: Array<{ name: string; file: string }>;
  live: boolean;
  liveNames: string[];
  sinceMs: number;
  region: string;
  endpoint?: string;
  format: Format;
  output?: string;
  /** Every file the run reads (logs, the policy config), which --output must never replace. */
  readFiles: string[];
  emit?: "pulumi";
  stack?: string;
  settings: AnalysisSettings;
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,140}$/;

const SEE_HELP = "; see 'serverless-guard optimize --help'";

/** optimize's own options; --policy-pack-config, --format, --output and --help are common to every command. */
const OPTIONS = {
  headroom: { type: "string" },
  "min-invocations": { type: "string" },
  "invocations-per-month": { type: "string", multiple: true },
  "current-arch": { type: "string" },
  arch: { type: "string" },
  "cpu-bound-share": { type: "string" },
  "provisioned-concurrency": { type: "string", multiple: true },
  emit: { type: "string" },
  stack: { type: "string" },
  live: { type: "boolean" },
  since: { type: "string" },
  region: { type: "string" },
  endpoint: { type: "string" },
} as const;

/** What parseArgs returns for OPTIONS and the common options. */
interface OptionValues {
  help?: boolean;
  live?: boolean;
  format?: string;
  output?: string;
  "policy-pack-config"?: string;
  headroom?: string;
  "min-invocations"?: string;
  "invocations-per-month"?: string[];
  "current-arch"?: string;
  arch?: string;
  "cpu-bound-share"?: string;
  "provisioned-concurrency"?: string[];
  emit?: string;
  stack?: string;
  since?: string;
  region?: string;
  endpoint?: string;
}

/** Parses optimize's argv with the helpers check and audit use, so flags and errors read the same. */
export function parseOptimizeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): OptimizeOptions {
  const parsed = parseCommandArgs("optimize", OPTIONS, argv);
  const v = parsed.values as OptionValues;

  const help = v.help === true;
  const live = v.live === true;
  const positionals = parsed.positionals;

  const inputs: Array<{ name: string; file: string }> = [];
  const liveNames: string[] = [];
  if (!help) {
    if (positionals.length === 0) {
      throw new UsageError(
        (live ? "--live needs at least one function NAME" : "expected at least one NAME=FILE argument") + SEE_HELP,
      );
    }
    const seen = new Set<string>();
    for (const p of positionals) {
      let name: string;
      if (live) {
        name = p;
        if (!NAME_PATTERN.test(name)) throw new UsageError(`bad function name '${p}' (letters, digits, '-', '_', '.')`);
        liveNames.push(name);
      } else {
        const eq = p.indexOf("=");
        name = eq > 0 ? p.slice(0, eq) : "";
        const file = eq > 0 ? p.slice(eq + 1) : "";
        if (!NAME_PATTERN.test(name) || file === "") {
          throw new UsageError(`bad argument '${p}': expected NAME=FILE, e.g. tap-processor-dev=logs/processor.log`);
        }
        inputs.push({ name, file });
      }
      if (seen.has(name)) throw new UsageError(`function '${name}' given twice`);
      seen.add(name);
    }
    if (inputs.filter((i) => i.file === "-").length > 1) throw new UsageError("only one NAME=- can read stdin");
  }

  const format = reportFormat(v.format, FORMATS);
  const emit = v.emit === undefined ? undefined : oneOf("--emit", v.emit, ["pulumi"] as const);
  if (emit !== undefined && v.format !== undefined)
    throw new UsageError("--emit pulumi prints commands, not a report: drop --format");
  const currentArch = oneOf("--current-arch", v["current-arch"] ?? "x86_64", ARCHITECTURES) as Architecture;
  const recommendedArch = oneOf("--arch", v.arch ?? currentArch, ARCHITECTURES) as Architecture;
  if (v.stack !== undefined && !/^[A-Za-z0-9_./-]+$/.test(v.stack)) throw new UsageError(`bad --stack '${v.stack}'`);
  if (!live && (v.since !== undefined || v.endpoint !== undefined || v.region !== undefined)) {
    throw new UsageError("--since, --region and --endpoint only apply with --live");
  }
  if (v.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(v.endpoint))
    throw new UsageError(`bad --endpoint '${v.endpoint}': expected an http(s) URL`);

  const invocationsPerMonth = new Map<string, number>();
  for (const item of v["invocations-per-month"] ?? []) {
    const [key, raw] = splitNamed(item);
    invocationsPerMonth.set(key ?? "*", number("--invocations-per-month", raw, 0, 1e13, item));
  }
  const provisionedConcurrency = new Map<string, number>();
  for (const item of v["provisioned-concurrency"] ?? []) {
    const [key, raw] = splitNamed(item);
    if (key === undefined) throw new UsageError(`bad --provisioned-concurrency '${item}': expected NAME=N`);
    provisionedConcurrency.set(key, integer("--provisioned-concurrency", raw, 0, 100_000, item));
  }

  // A per-function value for a name that is not analysed would silently price nothing: say so.
  const names = new Set([...inputs.map((i) => i.name), ...liveNames]);
  for (const [flag, byName] of [
    ["--invocations-per-month", invocationsPerMonth],
    ["--provisioned-concurrency", provisionedConcurrency],
  ] as const) {
    for (const key of byName.keys()) {
      if (key !== "*" && !help && !names.has(key))
        throw new UsageError(
          `${flag} names '${key}', which is not one of the functions given (${[...names].join(", ")})`,
        );
    }
  }

  return {
    help,
    inputs,
    live,
    liveNames,
    sinceMs: v.since === undefined ? 14 * 86_400_000 : durationMs(v.since),
    region: v.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    endpoint: v.endpoint,
    format,
    output: help ? undefined : outputOption(v.output),
    readFiles: [
      ...inputs.map((i) => i.file).filter((f) => f !== "-"),
      ...(v["policy-pack-config"] === undefined ? [] : [v["policy-pack-config"]]),
    ],
    emit,
    stack: v.stack,
    settings: {
      headroom: number("--headroom", (v.headroom ?? "20").replace(/%$/, ""), 0, 500) / 100,
      minInvocations: integer("--min-invocations", v["min-invocations"] ?? "50", 0, 1e9),
      cpuBoundShare: number("--cpu-bound-share", v["cpu-bound-share"] ?? "0.5", 0, 1),
      packMaxMemoryMb:
        v["policy-pack-config"] === undefined ? DEFAULT_MAX_MEMORY_MB : readPackMaxMemory(v["policy-pack-config"]),
      currentArch,
      recommendedArch,
      invocationsPerMonth,
      provisionedConcurrency,
    },
  };
}

/**
 * The pack's memory ceiling from a policy config file, read and validated exactly as `check`/`audit` do (the same
 * file format, schema and errors); the pack default when the file does not set it.
 */
export function readPackMaxMemory(file: string): number {
  // readPolicyPackConfigFile rejects a file nested too deep to walk, as it does for check and audit.
  const reconciled = reconcilePolicyPackConfig(localAnalyzerInfo(), readPolicyPackConfigFile(file));
  const max = reconciled["lambda-memory-limit"]?.properties.maxMemoryMb;
  return typeof max === "number" ? max : DEFAULT_MAX_MEMORY_MB;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`bad ${flag} '${value}': expected one of ${allowed.join(", ")}`);
  return value as T;
}

function splitNamed(item: string): [string | undefined, string] {
  const eq = item.lastIndexOf("=");
  return eq > 0 ? [item.slice(0, eq), item.slice(eq + 1)] : [undefined, item];
}

/** A plain decimal; digit groups (`1,000,000`, `1_000_000`) and an exponent (`1e6`) are allowed for volumes. */
function number(flag: string, raw: string, min: number, max: number, shown = raw): number {
  const plain = raw.trim().replace(/(?<=\d)[_,](?=\d{3})/g, "");
  const n = /^\d+(\.\d+)?(e\d+)?$/i.test(plain) ? Number(plain) : NaN;
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`bad ${flag} '${shown}': expected a number from ${min} to ${max}`);
  return n;
}

function integer(flag: string, raw: string, min: number, max: number, shown = raw): number {
  const n = number(flag, raw, min, max, shown);
  if (!Number.isInteger(n)) throw new UsageError(`bad ${flag} '${shown}': expected a whole number`);
  return n;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function durationMs(raw: string): number {
  const m = /^(\d+)([mhd])$/.exec(raw);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!(ms > 0) || ms > 365 * 86_400_000)
    throw new UsageError(`bad --since '${raw}': expected e.g. 90m, 36h or 14d (at most 365d)`);
  return ms;
}
