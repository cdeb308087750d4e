import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { useTempDirs } from "../support/temp";
import { runTracked, survivors } from "./support/process-tree";

// SIGINT, SIGTERM and SIGHUP sent to the CLI mid-run: it stops the pack and the program's process, exits with
// 128 + the signal's number, and leaves no process behind.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const slowProgram = path.join(root, "tests", "fixtures", "programs", "hostile-slow");
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** A valid export of `count` SQS queues (enough resources for audit to take a while). */
function writeExport(dir: string, count: number): string {
  const resources: object[] = [
    { urn: "urn:pulumi:dev::big::pulumi:pulumi:Stack::big-dev", type: "pulumi:pulumi:Stack", custom: false },
  ];
  for (let i = 0; i < count; i++) {
    resources.push({
      urn: `urn:pulumi:dev::big::aws:sqs/queue:Queue::q${i}`,
      type: "aws:sqs/queue:Queue",
      custom: true,
      inputs: { name: `q${i}` },
      outputs: { name: `q${i}`, arn: `arn:aws:sqs:us-east-1:123456789012:q${i}` },
    });
  }
  const file = path.join(dir, "big.json");
  fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
  return file;
}

describe("signals stop the whole run", function () {
  const tempDir = useTempDirs("sg-signals-");

  for (const [signal, code] of Object.entries(EXIT_CODES)) {
    it(`${signal} during check: the pack and the program's process are stopped, exit ${code}`, async () => {
      let sent = false;
      let seenAtSignal: number[] = [];
      const r = await runTracked([bin, "check", slowProgram], {
        cwd: root,
        watch(stderr, pid, descendants) {
          // The program says it runs once its process is up; the pack was started before it.
          if (!sent && stderr.includes("[program] program running")) {
            sent = true;
            seenAtSignal = [...descendants];
            process.kill(pid, signal);
          }
        },
      });
      expect(sent, r.stderr).to.equal(true);
      expect(r.status, r.stderr).to.equal(code);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.contain(`serverless-guard check: stopped by ${signal}\n`);
      expect(seenAtSignal.length, "the pack and the program's process were running").to.be.at.least(2);
      expect(await survivors(r.descendants)).to.deep.equal([]);
    });
  }

  it("SIGTERM during audit: the pack is stopped, exit 143", async () => {
    const file = writeExport(tempDir(), 5000);
    let sent = false;
    const r = await runTracked([bin, "audit", file], {
      cwd: root,
      watch(_stderr, pid, descendants) {
        // The pack starts first and takes a second or more to serve: interrupt as soon as its process exists.
        if (!sent && descendants.size > 0) {
          sent = true;
          process.kill(pid, "SIGTERM");
        }
      },
    });
    expect(sent, r.stderr).to.equal(true);
    expect(r.status, r.stderr).to.equal(143);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.contain("serverless-guard audit: stopped by SIGTERM\n");
    expect(await survivors(r.descendants)).to.deep.equal([]);
  });
});
