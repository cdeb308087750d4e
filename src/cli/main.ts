import { UsageError, EXIT_USAGE } from "../errors";
import { killAllChildren } from "../child-processes";
import { packageVersion } from "../paths";

/** A subcommand module exports `run(argv)` resolving to the process exit code. */
interface Command {
  summary: string;
  load: () => { run(argv: string[]): Promise<number> };
}

// Loaded lazily so that `optimize` does not pay for the analyzer's gRPC stack and vice versa.
const commands: Record<string, Command> = {
  check: {
    summary: "run a Pulumi program under a mock engine and enforce the policy pack on it",
    load: () => require("./check"),
  },
  audit: {
    summary: "enforce the policy pack on a `pulumi stack export` file",
    load: () => require("./audit"),
  },
  optimize: {
    summary: "right-size Lambda memory from REPORT logs and price the savings",
    load: () => require("./optimize"),
  },
};

export const USAGE = `Usage: serverless-guard <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Run \`serverless-guard <command> --help\` for a command's options.
Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 usage or input error.`;

/** Exit codes for the signals that stop a run: 128 + the signal's number, as shells report them. */
export const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

let signalsHandled = false;

/**
 * On SIGINT, SIGTERM or SIGHUP, stops the pack and the program's process before exiting, so none outlives the CLI
 * (they are killed outright: neither holds anything worth a graceful shutdown).
 */
function stopChildrenOnSignals(command: string): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.once(signal as NodeJS.Signals, () => {
      killAllChildren();
      process.stderr.write(`serverless-guard ${command}: stopped by ${signal}\n`);
      process.exit(code);
    });
  }
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(commands).join(", ");
  if (name === undefined) {
    // Bad input like any other: one line on stderr, exit 2 (the full usage is one --help away).
    console.error(`serverless-guard: missing command (expected one of: ${names}); see --help`);
    return EXIT_USAGE;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return 0;
  }
  if (name === "--version" || name === "-V") {
    console.log(packageVersion());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`serverless-guard: unknown command '${name}' (expected one of: ${names}); see --help`);
    return EXIT_USAGE;
  }
  stopChildrenOnSignals(name);
  try {
    return await command.load().run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`serverless-guard ${name}: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  } finally {
    // Every path out, an unexpected error included, leaves no process behind.
    killAllChildren();
  }
}
