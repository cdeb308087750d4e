// What a published pack costs every machine that runs `pulumi preview` under an organization's policy group: the
// pack's tarball installed as the Pulumi CLI installs it (production dependencies only, as PulumiPolicy.yaml asks),
// side by side with the floor, its runtime dependencies installed alone. Target: at most 110 MB on disk.
// Both installs use the npm cache that `npm ci` filled, so times compare packages, not the network.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  directoryBytes,
  installDependenciesAlone,
  installPublishedPack,
  packTarball,
  REPO_ROOT,
} from "../scripts/package-install";

const TARGET_MB = 110;

function timed<T>(work: () => T): { value: T; seconds: number } {
  const t0 = process.hrtime.bigint();
  const value = work();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function main(): number {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sg-pack-install-"));
  try {
    const tarball = packTarball(work);
    const dependencies = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).dependencies;
    const floor = timed(() => installDependenciesAlone(dependencies, path.join(work, "floor")));
    const pack = timed(() => installPublishedPack(tarball, path.join(work, "pack")));
    const packMb = directoryBytes(pack.value) / 1e6;
    const floorMb = directoryBytes(floor.value) / 1e6;
    console.log("published pack, installed as the Pulumi CLI installs it (npm install --omit=dev):");
    console.log(
      `  serverless-guard pack: ${packMb.toFixed(1)} MB in ${pack.seconds.toFixed(1)} s (tarball ${(fs.statSync(tarball).size / 1e3).toFixed(0)} kB)`,
    );
    console.log(
      `  floor (${Object.keys(dependencies).join(", ")} alone): ${floorMb.toFixed(1)} MB in ${floor.seconds.toFixed(1)} s`,
    );
    console.log(`  size ratio ${(packMb / floorMb).toFixed(2)}; ${packMb.toFixed(1)} MB (target <= ${TARGET_MB} MB)`);
    return packMb <= TARGET_MB ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exit(main());
