import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { generatedPages, POLICY_DOCS_DIR } from "../../scripts/generate-policy-docs";
import { policies } from "../../policy-pack/policies";

describe("docs/policies: one generated page per policy", () => {
  const pages = generatedPages();

  it("has a page for every policy and an index, and nothing else", () => {
    const expected = ["README.md", ...policies.map((p) => `${p.name}.md`)].sort();
    expect([...pages.keys()].sort()).to.deep.equal(expected);
    expect(fs.readdirSync(POLICY_DOCS_DIR).sort()).to.deep.equal(expected);
  });

  for (const [name, content] of pages) {
    it(`${name} is up to date (run: npx ts-node scripts/generate-policy-docs.ts)`, () => {
      expect(fs.readFileSync(path.join(POLICY_DOCS_DIR, name), "utf8")).to.equal(content);
    });
  }
});
