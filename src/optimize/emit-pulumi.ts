import { FunctionReport } from "./recommend";

/** The reference stack's project and the config key that sets each of its functions' memory. */
export const REFERENCE_PROJECT = "tap";
const ROLE_KEYS: Record<string, string> = {
  validator: "validatorMemoryMb",
  enricher: "enricherMemoryMb",
  processor: "processorMemoryMb",
};

/** The config key for a function name, by which single role (validator/enricher/processor) it names. */
export function configKeyFor(functionName: string): string | undefined {
  const roles = Object.keys(ROLE_KEYS).filter((role) => functionName.toLowerCase().includes(role));
  return roles.length === 1 ? `${REFERENCE_PROJECT}:${ROLE_KEYS[roles[0]]}` : undefined;
}

const shellQuote = (s: string) => (/^[A-Za-z0-9_:./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * A shell script: `pulumi config set` for functions of the reference stack, and for any other
 * function an RFC 6902 JSON patch (`replace /<name>/memorySize`) printed as a comment, since there is
 * no config key to set. Functions with too little data or no change are listed but not touched.
 */
export function emitPulumi(reports: FunctionReport[], stack?: string): string {
  const out = [
    `# serverless-guard optimize: apply memory recommendations to the reference stack (project ${REFERENCE_PROJECT})`,
  ];
  const stackArg = stack ? ` --stack ${shellQuote(stack)}` : "";
  const byKey = new Map<string, FunctionReport>();
  const patch: Array<{ op: "replace"; path: string; value: number }> = [];
  for (const r of reports) {
    if (r.status === "insufficient-data") {
      out.push(
        r.insufficientData === "time-span"
          ? `# ${r.name}: not changed, the log's time span is too short to price the change (pass --invocations-per-month)`
          : `# ${r.name}: not changed, too few invocations (${r.invocations}) to trust`,
      );
      continue;
    }
    if (r.recommendedMemoryMb === r.currentMemoryMb) {
      out.push(`# ${r.name}: not changed, ${r.currentMemoryMb} MB is already right`);
      continue;
    }
    const key = configKeyFor(r.name);
    if (!key) {
      patch.push({
        op: "replace",
        path: `/${r.name.replace(/~/g, "~0").replace(/\//g, "~1")}/memorySize`,
        value: r.recommendedMemoryMb,
      });
      continue;
    }
    const other = byKey.get(key);
    if (other) {
      // Two logs map to one key (e.g. two stages of the processor): keep the larger need.
      out.push(`# ${r.name} and ${other.name} share ${key}; using the larger recommendation`);
      if (other.recommendedMemoryMb >= r.recommendedMemoryMb) continue;
    }
    byKey.set(key, r);
  }
  for (const [key, r] of byKey) {
    if (r.exceedsPackLimit)
      out.push(
        `# WARNING ${r.name}: ${r.recommendedMemoryMb} MB exceeds the pack's maxMemoryMb; the policy will flag it`,
      );
    out.push(
      `pulumi config set${stackArg} ${key} ${r.recommendedMemoryMb}   # ${r.name}: ${r.currentMemoryMb} -> ${r.recommendedMemoryMb} MB`,
    );
  }
  if (patch.length) {
    out.push(
      `# Not in the reference stack (no ${REFERENCE_PROJECT}:*MemoryMb key); JSON patch (RFC 6902) of each function's memorySize:`,
      `# ${JSON.stringify(patch)}`,
    );
  }
  return out.join("\n") + "\n";
}
