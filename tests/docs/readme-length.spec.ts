import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

// The README is the front door: what serverless-guard is, how to run it, where to read more. Detail lives in docs/.
const MAX_LINES = 220;
// The per-policy sections at the end are being replaced by generated pages under docs/policies/.
const POLICIES_IN_DETAIL = /^## Policies in detail\b/m;

describe("docs: README.md", () => {
  it(`is at most ${MAX_LINES} lines, not counting the "Policies in detail" block`, () => {
    const text = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const block = text.search(POLICIES_IN_DETAIL);
    const front = block < 0 ? text : text.slice(0, block);
    expect(front.split("\n").length).to.be.at.most(MAX_LINES);
  });
});
