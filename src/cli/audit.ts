import { UsageError } from "./errors";

// Placeholder until the audit command lands (issue 3).
export async function run(_argv: string[]): Promise<number> {
  throw new UsageError("'audit' is not implemented yet");
}
