import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";
import { PACK_POLICY_NAMES } from "../support/policy-harness";

const PACK_DIR = path.join(__dirname, "../../policy-pack");
const README = path.join(__dirname, "../../README.md");


/** The README, which documents every policy under a heading that is its name in backticks. */
function policyDocs(): string {
  return fs.readFileSync(README, "utf8");
}

/** The section under the heading that is just the policy's name in backticks, up to the next heading. */
function sectionOf(docs: string, name: string): string {
  const start = docs.search(new RegExp("^#+ `" + name + "`\\s*$", "m"));
  if (start < 0) return "";
  const bodyStart = docs.indexOf("\n", start) + 1;
  const next = docs.slice(bodyStart).search(/^#{1,4} /m);
  return next < 0 ? docs.slice(start) : docs.slice(start, bodyStart + next);
}

describe("policy metadata", () => {
  it("the pack lists exactly the nine policies, each once", () => {
    expect(policies.map((p) => p.name).sort()).to.deep.equal([...PACK_POLICY_NAMES]);
  });

  for (const policy of policies) {
    describe(policy.name, () => {
      it("lives in policy-pack/<name>.ts, which exports this very policy object", () => {
        const file = path.join(PACK_DIR, `${policy.name}.ts`);
        expect(fs.existsSync(file), file).to.equal(true);
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const exported = Object.values(require(file));
        expect(exported).to.include(policy);
      });

      it("has a description, a severity, remediation steps and metadata", () => {
        expect(policy.description).to.be.a("string").with.length.above(20);
        expect(["low", "medium", "high", "critical"]).to.include(policy.severity);
        expect(policy.remediationSteps).to.be.a("string").with.length.above(20);
        expect(policy.metadata.topics).to.be.an("array").that.is.not.empty;
        expect(policy.metadata.equivalents).to.be.an("object");
        for (const list of Object.values(policy.metadata.equivalents)) expect(list).to.be.an("array");
        // Its docs page, which the SDK sends to the engine (SARIF helpUri).
        expect(policy.url).to.equal(`https://github.com/serverless-guard/serverless-guard/blob/main/docs/policies/${policy.name}.md`);
        // The pack's default (mandatory) applies unless the config file says otherwise.
        expect(policy.enforcementLevel).to.equal(undefined);
      });

      it("its config schema documents every key, with a default for every key but exclude", () => {
        const props = (policy.configSchema?.properties ?? {}) as Record<string, { description?: string; default?: unknown }>;
        expect(props).to.have.property("exclude");
        expect(props).to.not.have.property("enforcementLevel");
        for (const [key, schema] of Object.entries(props)) {
          expect(schema.description, `${key}.description`).to.be.a("string").that.is.not.empty;
          if (key !== "exclude") expect(schema, `${key}.default`).to.have.property("default");
        }
      });

      it("is documented in the README: rule, config keys with defaults, example message, equivalents", () => {
        const section = sectionOf(policyDocs(), policy.name);
        expect(section, `a heading naming \`${policy.name}\` in README.md`).to.not.equal("");
        const props = (policy.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
        for (const [key, schema] of Object.entries(props)) {
          if (key === "exclude") continue;
          expect(section, `config key ${key}`).to.include(key);
          const shown = Array.isArray(schema.default) ? (schema.default as unknown[]).join(", ") : String(schema.default);
          if (shown) expect(section, `default of ${key}`).to.include(shown);
        }
        expect(section.toLowerCase(), "an example message").to.include("example");
        for (const id of [...(policy.metadata.equivalents.checkov ?? []), ...(policy.metadata.equivalents.awsConfig ?? [])]) {
          expect(section, `equivalent ${id}`).to.include(id.split(" ")[0]);
        }
      });
    });
  }
});
