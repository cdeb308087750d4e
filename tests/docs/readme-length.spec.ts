import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

// The README is the front door: what serverless-guard is, how to run it, where to read more. Detail lives in docs/.
const MAX_LINES = 220;

describe("docs: README.md", () => {
  it(`is at most ${MAX_LINES} lines`, () => {
    const text = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    expect(text.split("\n").length).to.be.at.most(MAX_LINES);
  });
});
