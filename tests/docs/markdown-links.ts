import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";
import * as fs from "fs";
import * as path from "path";

// A real CommonMark parser, so links inside code spans and fences are not links, reference-style links count,
// and heading text is what GitHub renders (code spans without backticks, link text without the URL).
const md = new MarkdownIt({ html: true });

type Token = MarkdownIt.Token;

export interface MarkdownLink {
  href: string;
  line: number;
}

/** Every link and image target in a Markdown document, with its 1-based line. */
export function linksOf(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const block of md.parse(text, {})) {
    if (block.type !== "inline" || !block.children) continue;
    const line = (block.map?.[0] ?? 0) + 1;
    for (const child of block.children) {
      const href =
        child.type === "link_open" ? child.attrGet("href") : child.type === "image" ? child.attrGet("src") : null;
      if (href) links.push({ href: String(href), line });
    }
  }
  return links;
}

function textOf(inline: Token): string {
  return (inline.children ?? [])
    .filter((c) => c.type === "text" || c.type === "code_inline")
    .map((c) => c.content)
    .join("");
}

/** The anchors GitHub gives a document's headings (github-slugger: lower case, punctuation dropped, -1 for repeats). */
export function anchorsOf(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const tokens = md.parse(text, {});
  const anchors = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type === "heading_open") anchors.add(slugger.slug(textOf(tokens[i + 1])));
  });
  return anchors;
}

/** A link that leaves the repository (a scheme such as https: or mailto:) is not checked here. */
export function isExternal(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//");
}

/**
 * The problem with one relative link in `file` (a path under `root`), or null when it resolves: the target must
 * exist, and an #anchor into a Markdown file must name one of its headings.
 */
export function brokenLink(root: string, file: string, href: string): string | null {
  const hash = href.indexOf("#");
  const target = decodeURIComponent(hash < 0 ? href : href.slice(0, hash));
  const anchor = hash < 0 ? "" : decodeURIComponent(href.slice(hash + 1));
  // On GitHub a leading "/" is the repository root.
  const absolute =
    target === ""
      ? path.join(root, file)
      : target.startsWith("/")
        ? path.join(root, target)
        : path.resolve(path.dirname(path.join(root, file)), target);
  if (!fs.existsSync(absolute)) return `${path.relative(root, absolute)} does not exist`;
  if (anchor && absolute.endsWith(".md") && !anchorsOf(fs.readFileSync(absolute, "utf8")).has(anchor)) {
    return `${path.relative(root, absolute)} has no heading with anchor #${anchor}`;
  }
  return null;
}
