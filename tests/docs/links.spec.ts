import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { anchorsOf, brokenLink, isExternal, linksOf } from "./markdown-links";

const ROOT = path.join(__dirname, "..", "..");

/** The repository's Markdown files: tracked, or new and not ignored (so a page is checked before its first commit). */
function markdownFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return [...new Set(out.split("\n").filter((f) => f && fs.existsSync(path.join(ROOT, f))))].sort();
}

// The per-policy pages are generated into docs/policies/; until that directory exists, links to it are expected to
// dangle. Once it exists, every link into it must resolve.
const GENERATED_POLICY_PAGES = "docs/policies/";

// The README's "Policies in detail" block is being replaced by the generated pages; it still links to two
// sections that moved out of the README. Remove an entry when the block no longer contains that link.
const MOVED_OUT_OF_README = ["#how-iam-scoped-permissions-judges-a-policy-document", "#exemptions-and-exclude"];

describe("docs: relative links in Markdown files", () => {
  const files = markdownFiles();

  it("covers the README, CONTRIBUTING.md, BENCHMARKS.md, stack/README.md and docs/", () => {
    expect(files).to.include.members([
      "README.md",
      "CONTRIBUTING.md",
      "BENCHMARKS.md",
      "stack/README.md",
      "docs/README.md",
    ]);
    expect(files.filter((f) => f.startsWith("docs/")).length).to.be.above(5);
  });

  for (const file of files) {
    it(`${file}: every relative link resolves, and every #anchor names a heading`, () => {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      const problems: string[] = [];
      for (const { href, line } of linksOf(text)) {
        if (isExternal(href)) continue;
        if (file === "README.md" && MOVED_OUT_OF_README.includes(href)) continue;
        const problem = brokenLink(ROOT, file, href);
        const intoMissingPolicyPages =
          path.posix.normalize(path.posix.join(path.posix.dirname(file), href)).startsWith(GENERATED_POLICY_PAGES) &&
          !fs.existsSync(path.join(ROOT, GENERATED_POLICY_PAGES));
        if (problem && !intoMissingPolicyPages) problems.push(`${file}:${line}: (${href}) ${problem}`);
      }
      expect(problems).to.deep.equal([]);
    });
  }

  it("the README links that are tolerated because their sections moved are still there (else drop them from the list)", () => {
    const hrefs = linksOf(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).map((l) => l.href);
    for (const href of MOVED_OUT_OF_README) expect(hrefs, href).to.include(href);
  });
});

describe("docs: the link checker itself", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sg-links-"));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("gives headings GitHub's anchors: code spans unwrapped, punctuation dropped, repeats numbered", () => {
    const anchors = anchorsOf(
      "# How `iam-scoped-permissions` judges a policy document\n## Options\n## Options\n### Exemptions and `exclude`\n",
    );
    expect([...anchors]).to.deep.equal([
      "how-iam-scoped-permissions-judges-a-policy-document",
      "options",
      "options-1",
      "exemptions-and-exclude",
    ]);
  });

  it("finds links and images but not what code spans and fences show", () => {
    const text = "[a](x.md) ![b](y.png)\n\n`[c](no.md)`\n\n```\n[d](no.md)\n```\n\n[e][ref]\n\n[ref]: z.md#top\n";
    expect(linksOf(text).map((l) => l.href)).to.deep.equal(["x.md", "y.png", "z.md#top"]);
  });

  it("reports a missing file and an anchor that names no heading, and accepts the ones that resolve", () => {
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, "README.md"), "# Top\n## Exit codes\n");
    fs.writeFileSync(path.join(root, "docs", "page.md"), "# Page\n");
    expect(brokenLink(root, "docs/page.md", "../README.md#exit-codes")).to.equal(null);
    expect(brokenLink(root, "docs/page.md", "#page")).to.equal(null);
    expect(brokenLink(root, "docs/page.md", "/README.md")).to.equal(null);
    expect(brokenLink(root, "docs/page.md", "../README.md#exit-code")).to.equal(
      "README.md has no heading with anchor #exit-code",
    );
    expect(brokenLink(root, "docs/page.md", "gone.md")).to.equal("docs/gone.md does not exist");
  });
});
