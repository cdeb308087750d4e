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

  for (const policy of policies) {
    it(`${policy.name}'s page states the rule, every config key with its default, the fix and the equivalents`, () => {
      const page = pages.get(`${policy.name}.md`)!;
      expect(page).to.include(policy.description);
      expect(page).to.include(policy.remediationSteps);
      for (const [key, schema] of Object.entries((policy.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>)) {
        expect(page).to.include(`\`${key}\``);
        if (schema.default !== undefined) expect(page).to.include(JSON.stringify(schema.default));
      }
      const e = policy.metadata.equivalents;
      for (const id of [...(e.checkov ?? []), ...(e.awsConfig ?? []), ...(e.other ?? [])]) expect(page).to.include(id);
    });
  }
});
