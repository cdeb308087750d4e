// `--output FILE`, as every command writes it: checked before the run, written whole or not at all.
import * as fs from "fs";
import * as path from "path";

/** `--output -` writes to stdout, the one way to reach a pipe or a device. */
export const STDOUT_OUTPUT = "-";

/** The directory `file` would be written into when that directory does not exist; undefined when it does. */
export function missingOutputDirectory(file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? undefined : dir;
}

function statOrUndefined(file: string, follow: boolean): fs.Stats | undefined {
  try {
    return follow ? fs.statSync(file) : fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** What `file` is, when it exists and is not a regular file; the atomic write would replace it with one. */
function specialKind(st: fs.Stats): string | undefined {
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return undefined;
}

/**
 * Why the report must not be written to `file`, or undefined when it may be. `inputs` are the files the command
 * reads (`-` for stdin is ignored): the report must never replace one of them, whatever path names it (a
 * relative path, `..`, a symbolic link to it or a hard link). Also refuses what an atomic rename would destroy
 * rather than write into (symbolic links, pipes, devices, sockets), and a directory the run could not write
 * in, so a long run does not end in a write error.
 */
export function outputProblem(file: string, inputs: readonly (string | undefined)[] = []): string | undefined {
  const missing = missingOutputDirectory(file);
  if (missing !== undefined) return `directory ${missing} does not exist`;
  const own = statOrUndefined(file, false);
  if (own) {
    const kind = specialKind(own);
    if (kind === "a directory") return "is a directory; give a file name";
    if (kind)
      return `is ${kind}, which writing the report would replace; give a regular file, or --output - for stdout`;
    for (const input of inputs) {
      if (input === undefined || input === STDOUT_OUTPUT) continue;
      const st = statOrUndefined(input, true);
      if (st && st.dev === own.dev && st.ino === own.ino)
        return `is the input file ${input}; writing the report would destroy it`;
    }
  }
  const dir = path.dirname(path.resolve(file));
  const probe = path.join(dir, `.${path.basename(file)}.${process.pid}.probe`);
  try {
    fs.writeFileSync(probe, "", { flag: "wx" });
    fs.rmSync(probe, { force: true });
  } catch (err) {
    return `cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return undefined;
}

/**
 * Writes the whole content or nothing: a sibling temp file, then an atomic rename, so a failed write never leaves
 * a partial report. Rethrows the file-system error after removing the temp file.
 */
export function writeFileAtomically(file: string, content: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
