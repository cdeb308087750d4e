import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { FIXTURES, fixture, optimize, ROOT } from "./helpers";

// Every report format on the fixtures and the bundled sample logs, byte for byte as recorded before the
// reader and the analysis were restructured: a change of output must be a deliberate one.
// `UPDATE_GOLDEN=1 npx mocha tests/optimize/golden.spec.ts` records them again after such a change.
// Recordings of HTML and shell output end in `.golden`: they are data, and tools that read `.html` or `.sh` as code
// (formatters, linters, duplicate finders) should leave them alone.
const EXPECTED = path.join(FIXTURES, "expected");
const sample = (name: string) => `${name}=${path.join(ROOT, "samples", "logs", `${name}.log`)}`;
const FIXTURE_ARGS = [
  `tap-processor-dev=${fixture("processor-plain.log")}`,
  `tap-enricher-dev=${fixture("enricher-json.log")}`,
  `tap-validator-dev=${fixture("validator-sparse.log")}`,
  `reports-api=${fixture("reports-api-json.log")}`,
  `image-resizer=${fixture("image-resizer-plain.log")}`,
];
const SAMPLE_ARGS = ["tap-validator-dev", "tap-enricher-dev", "tap-processor-dev"].map(sample);

const CASES: Record<string, string[]> = {
  "fixtures.txt": FIXTURE_ARGS,
  "fixtures.json": [...FIXTURE_ARGS, "--format", "json"],
  "fixtures.html.golden": [...FIXTURE_ARGS, "--format", "html"],
  "fixtures-emit.sh.golden": [...FIXTURE_ARGS, "--emit", "pulumi", "--stack", "dev"],
  "fixtures-options.txt": [
    ...FIXTURE_ARGS,
    "--arch",
    "arm64",
    "--headroom",
    "35",
    "--provisioned-concurrency",
    "tap-processor-dev=3",
    "--invocations-per-month",
    "reports-api=2e6",
  ],
  "samples.txt": SAMPLE_ARGS,
  "samples.json": [...SAMPLE_ARGS, "--format", "json"],
  "samples.html.golden": [...SAMPLE_ARGS, "--format", "html"],
};

describe("optimize: reports are unchanged on the fixtures and the sample logs", () => {
  for (const [file, argv] of Object.entries(CASES)) {
    it(`${file}: optimize ${argv.filter((a) => !a.includes("=") || a.startsWith("--")).join(" ")}`, async () => {
      // Paths inside the report are made relative to the repository, so the recording does not depend on where it lives.
      const { stdout } = await optimize(argv);
      const shown = stdout.split(ROOT + path.sep).join("");
      const expectedFile = path.join(EXPECTED, file);
      if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(expectedFile, shown);
      expect(shown).to.equal(fs.readFileSync(expectedFile, "utf8"));
    });
  }
});
