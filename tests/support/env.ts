/**
 * Mocha runs every spec file in one process, so a spec that sets environment variables must put
 * them back. Restores in place (never `process.env = copy`: a plain object loses process.env's
 * string coercion and no longer reaches native code such as the SDK's credential chain).
 */
export function snapshotEnv(): () => void {
  const saved = { ...process.env };
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    for (const [key, value] of Object.entries(saved)) if (process.env[key] !== value) process.env[key] = value;
  };
}
