// `--output FILE`, as every command writes it: checked before the run, written whole or not at all.
import * as fs from "fs";
import * as path from "path";

/** The directory `file` would be written into when that directory does not exist; undefined when it does. */
export function missingOutputDirectory(file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? undefined : dir;
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
