/**
 * An error the user can fix: bad arguments, unreadable or malformed input, bad configuration.
 * The CLI prints its message on one line and exits with code 2 (no stack trace).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_USAGE = 2;

/** What went wrong with a file-system call, short enough for a one-line error: the code (`ENOENT`) when there is one. */
export function fsErrorText(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
