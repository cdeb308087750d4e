// Runs one program with runProgram in a process of its own (it sets process-global Pulumi state) and
// prints the resource graph as JSON: print-graph.ts DIR [--stack NAME] [--config k=v ...] [--preview] [--stack-reference NAME=FILE ...]
import { parseArgs } from "util";
import { runProgram } from "../../src/program/run-program";
import { parseConfigPairs } from "../../src/program/project";
import { parseStackReferences } from "../../src/program/stack-references";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stack: { type: "string" },
    config: { type: "string", multiple: true },
    preview: { type: "boolean" },
    "stack-reference": { type: "string", multiple: true },
  },
});
new Promise((resolve) => resolve(parseStackReferences(values["stack-reference"] ?? [])))
  .then((stackReferences) =>
    runProgram(positionals[0], {
      stack: values.stack,
      config: parseConfigPairs(values.config ?? []),
      preview: values.preview,
      stackReferences: stackReferences as never,
    }),
  )
  .then(
    (graph) => process.stdout.write(JSON.stringify(graph)),
    (err) => {
      process.stderr.write(`${err.name}: ${err.message}\n`);
      process.exitCode = 2;
    },
  );
