// Runs one program with runProgram in a process of its own (it sets process-global Pulumi state) and
// prints the resource graph as JSON: print-graph.ts DIR [--stack NAME] [--config k=v ...]
import { parseArgs } from "util";
import { runProgram } from "../../src/program/run-program";
import { parseConfigPairs } from "../../src/program/project";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { stack: { type: "string" }, config: { type: "string", multiple: true } },
});
runProgram(positionals[0], { stack: values.stack, config: parseConfigPairs(values.config ?? []) }).then(
  (graph) => process.stdout.write(JSON.stringify(graph)),
  (err) => {
    process.stderr.write(`${err.name}: ${err.message}\n`);
    process.exitCode = 2;
  },
);
