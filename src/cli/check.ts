import { UsageError } from "./errors";

// Placeholder until the check command lands (issue 3).
export async function run(_argv: string[]): Promise<number> {
  throw new UsageError("'check' is not implemented yet");
}
