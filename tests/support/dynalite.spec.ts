import { expect } from "chai";
import { startDynalite } from "./dynalite";
import { snapshotEnv } from "./env";

// Mocha runs every spec file in one process: the dummy AWS settings must not outlive the server.
describe("test support: startDynalite", () => {
  it("puts back the AWS environment it replaced once stopped, a crashed server included", async () => {
    const restore = snapshotEnv();
    try {
      process.env.AWS_ACCESS_KEY_ID = "real-looking-key";
      process.env.AWS_PROFILE = "someone";
      delete process.env.AWS_SECRET_ACCESS_KEY;
      delete process.env.AWS_REGION;
      const before = { ...process.env };
      for (const crash of [false, true]) {
        const dynamo = await startDynalite();
        expect(process.env.AWS_ACCESS_KEY_ID).to.equal("test");
        expect(process.env.AWS_PROFILE).to.equal(undefined);
        if (crash) dynamo.crash();
        await dynamo.stop();
        expect({ ...process.env }, crash ? "after a crash" : "after stop").to.deep.equal(before);
      }
    } finally {
      restore();
    }
  });
});
