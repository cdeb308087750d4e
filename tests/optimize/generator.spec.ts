import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { FIXTURE_PROFILES, generateLog, LogProfile, SAMPLE_PROFILES } from "../../scripts/generate-sample-logs";
import { parseReportLine } from "../../src/optimize/parse";
import { FIXTURES, ROOT } from "./helpers";

// The committed logs are what the seeded script writes: the README run and the hand-computed specs
// rest on that, so a drift between script and files must fail here.
const SETS: Array<{ dir: string; profiles: Record<string, LogProfile>; seed: number }> = [
  { dir: FIXTURES, profiles: FIXTURE_PROFILES, seed: 42 },
  { dir: path.join(ROOT, "samples", "logs"), profiles: SAMPLE_PROFILES, seed: 7 },
];

describe("optimize: seeded sample and fixture logs (scripts/generate-sample-logs.ts)", () => {
  for (const { dir, profiles, seed } of SETS) {
    Object.entries(profiles).forEach(([name, profile], i) => {
      const file = path.join(dir, profile.file);

      it(`${path.relative(ROOT, file)} is exactly what the script generates for ${name}`, () => {
        const generated = [...generateLog(profile, seed + i)].join("\n") + "\n";
        expect(generated === fs.readFileSync(file, "utf8"), "regenerate with scripts/generate-sample-logs.ts").to.equal(
          true,
        );
      });

      it(`${path.relative(ROOT, file)}: every REPORT bills Duration + Init rounded up to the ms`, () => {
        const records = fs
          .readFileSync(file, "utf8")
          .split("\n")
          .map(parseReportLine)
          .filter((r) => r !== undefined);
        expect(records).to.have.length(profile.invocations);
        for (const r of records) {
          const runs = r.durationMs + (r.initDurationMs ?? 0);
          expect(r.billedDurationMs, JSON.stringify(r))
            .to.be.at.least(runs)
            .and.below(runs + 1);
        }
      });
    });
  }
});
