import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Call inside a `describe`: returns a maker of fresh temporary directories, all removed by an `after`
 * hook of that describe, so a run of the suite leaves nothing behind in the OS temp directory.
 */
export function useTempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
