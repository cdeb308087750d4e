/**
 * The limits of a program run, in a module of their own so that the CLI can print and validate them without
 * loading the program runner (which only the program's child process needs).
 */
import * as os from "os";

/**
 * A program awaiting a promise that never settles would otherwise hang `check` for good: the pack,
 * started meanwhile, keeps the process alive, so Node's own exit on an empty event loop never comes.
 */
export const DEFAULT_PROGRAM_TIMEOUT_SECONDS = 300;

/** Half the machine's memory, at most 16 GB: the pack and the CLI need the rest. */
export const DEFAULT_MAX_MEMORY_MB = Math.max(256, Math.min(16384, Math.floor(os.totalmem() / 2 / 1024 / 1024)));

/** Node's timers hold at most 2^31-1 ms; a longer delay fires after 1 ms. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
