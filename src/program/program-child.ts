/**
 * Entry point of the process `check` runs a program in (started by run-in-child.ts). It receives one job over IPC,
 * runs the program with runProgram, and sends back the whole ResourceGraph (structured clone, so whatever fields
 * the graph has travel as they are) or the error. The parent then kills this process: whatever the program left
 * running (timers, servers, a late throw, a `process.exit`) ends with it and cannot change the verdict.
 */
import { ResourceGraph } from "../analyzer/resource-record";
import { runProgram, RunProgramOptions } from "./run-program";
import { originalPosition } from "./transpile";

export interface ProgramJob {
  programDir: string;
  options: RunProgramOptions;
  /** Echoed in the outcome, so a message the program itself sends to the parent is not taken for the result. */
  token: string;
}

export type ProgramOutcome = { token: string } & (
  { graph: ResourceGraph } | { error: { name: string; message: string } }
);

/** The first URN registered twice: the engine rejects the second registration, so the run fails as it would there. */
function duplicateUrn(graph: ResourceGraph): string | undefined {
  const seen = new Set<string>();
  for (const r of graph.resources) {
    if (seen.has(r.urn)) return r.urn;
    seen.add(r.urn);
  }
  return undefined;
}

async function runJob(job: ProgramJob): Promise<ResourceGraph> {
  const graph = await runProgram(job.programDir, job.options);
  const duplicate = duplicateUrn(graph);
  // The engine's wording (pkg/resource/deploy/step_generator.go, diag.GetDuplicateResourceURNError).
  if (duplicate)
    throw Object.assign(
      new Error(`program ${job.programDir} failed: Duplicate resource URN '${duplicate}'; try giving it a unique name`),
      { name: "UsageError" },
    );
  // Declarations were recorded in transpiled coordinates; map them to the program's .ts source, where SARIF points.
  for (const r of graph.resources) if (r.sourcePosition) r.sourcePosition = originalPosition(r.sourcePosition);
  return graph;
}

/**
 * The exit code this process reports when the program ends it with code 0 before its result is sent. Non-zero,
 * so that the Pulumi SDK's exit handler does not also print its "promises were still active" report.
 */
export const EARLY_EXIT_ZERO = 213;

// Captured before the program loads, so a program that replaces process.send cannot rewrite the result.
const send = process.send!.bind(process);
let finished = false;
process.once("message", (job: ProgramJob) => {
  const { token } = job;
  const reply = (outcome: ProgramOutcome) => {
    finished = true;
    send(outcome);
  };
  runJob(job).then(
    (graph) => reply({ token, graph }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      reply({ token, error: { name: e.name, message: e.message } });
    },
  );
});
// Registered before the program loads, so it runs before any exit handler the program or its SDK adds.
process.on("exit", (code) => {
  if (!finished && !code) process.exitCode = EARLY_EXIT_ZERO;
});
// The CLI went away without killing us (it was killed itself): do not run on as an orphan.
process.once("disconnect", () => process.exit(0));
