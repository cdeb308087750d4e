import { UsageError } from "../cli/errors";

// Placeholder until the optimize command lands (issue 5).
export async function run(_argv: string[]): Promise<number> {
  throw new UsageError("'optimize' is not implemented yet");
}
