/**
 * Regenerates policy-pack/generated/taggable-types.json: the type tokens of every @pulumi/aws resource that takes
 * `tags`, decided from @pulumi/aws's own type definitions rather than a hand list (which would rot with each provider
 * release). Run after upgrading @pulumi/aws:
 *
 *   npx ts-node scripts/generate-taggable-types.ts
 *
 * How: each resource module `<service>/<name>.js` declares `static __pulumiType = '<token>'` on its class; the sibling
 * `.d.ts` declares `export interface <Class>Args { ... }`. A resource is taggable when that Args interface has a
 * top-level `tags?:` member (tags nested in other blocks, e.g. a launch template's tagSpecifications, do not count).
 * The policy pack cannot do this at start-up: reading @pulumi/aws would cost seconds on every preview.
 * Text matching rather than the TypeScript compiler API: the provider's .d.ts files are generated in one fixed layout
 * (4-space members, `}` at column 0), and the cost-allocation-tags spec checks the list against a fresh scan and
 * against types known to take tags (Lambda, SQS, S3, ...), so a layout change in a provider release fails a test.
 */
import * as fs from "fs";
import * as path from "path";

const AWS_ROOT = path.dirname(require.resolve("@pulumi/aws/package.json"));
export const OUTPUT = path.join(__dirname, "..", "policy-pack", "generated", "taggable-types.json");

/** All `.js` files under dir, bounded by the provider's layout (one level of service folders, a few nested ones). */
function jsFiles(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "types") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(full, depth + 1));
    else if (entry.name.endsWith(".js")) out.push(full);
  }
  return out;
}

/** The body of `export interface <name> { ... }` (up to its closing brace at column 0), or undefined. */
function interfaceBody(dts: string, name: string): string | undefined {
  const start = dts.indexOf(`export interface ${name} {`);
  if (start < 0) return undefined;
  const end = dts.indexOf("\n}", start);
  return dts.slice(start, end < 0 ? undefined : end);
}

/**
 * Whether an interface body has a top-level (4-space indented) `tags?:` member that holds resource tags: a key/value
 * map, or a list of tag blocks (autoscaling groups' `{key, value, propagateAtLaunch}`). Members named `tags` that are
 * something else (devopsguru's tag filter) do not make a resource taggable.
 */
function hasTopLevelTags(body: string): boolean {
  const member = /\n {4}tags\?: (.*)/.exec(body);
  if (!member) return false;
  return (
    member[1].startsWith("pulumi.Input<{") || /^pulumi\.Input<pulumi\.Input<inputs\.[\w.]*Tag>\[\]/.test(member[1])
  );
}

/**
 * Types that take `tags` whose tags are not cost allocation tags in AWS Billing: requiring them would cost money and
 * allocate nothing. Each with the reason, written into the generated list.
 */
export const NOT_BILLING_TAGS: readonly { type: string; reason: string }[] = [
  ...["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy"].map(
    (type) => ({
      type,
      reason:
        "S3 object tags are not cost allocation tags (AWS Billing allocates S3 costs by the bucket's tags) and are charged per tag",
    }),
  ),
];

export function taggableTypes(root: string = AWS_ROOT): {
  taggable: string[];
  excluded: { type: string; reason: string }[];
  scanned: number;
} {
  const taggable = new Set<string>();
  let scanned = 0;
  for (const js of jsFiles(root)) {
    const source = fs.readFileSync(js, "utf8");
    const typeMatch = /static __pulumiType = '([^']+)';/.exec(source) ?? /\.__pulumiType = '([^']+)';/.exec(source);
    if (!typeMatch) continue;
    const token = typeMatch[1];
    const className = token.slice(token.lastIndexOf(":") + 1);
    const dtsPath = js.replace(/\.js$/, ".d.ts");
    if (!fs.existsSync(dtsPath)) continue;
    scanned++;
    const args = interfaceBody(fs.readFileSync(dtsPath, "utf8"), `${className}Args`);
    if (args && hasTopLevelTags(args)) taggable.add(token);
  }
  const excluded = NOT_BILLING_TAGS.filter((e) => taggable.has(e.type));
  for (const e of excluded) taggable.delete(e.type);
  return { taggable: [...taggable].sort(), excluded, scanned };
}

if (require.main === module) {
  const { taggable, excluded, scanned } = taggableTypes();

  const version = (require("@pulumi/aws/package.json") as { version: string }).version;
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(
    OUTPUT,
    JSON.stringify(
      { generatedBy: "scripts/generate-taggable-types.ts", pulumiAwsVersion: version, types: taggable, excluded },
      null,
      1,
    ) + "\n",
  );
  console.log(
    `${taggable.length} taggable of ${scanned} resource types (@pulumi/aws ${version}) -> ${path.relative(process.cwd(), OUTPUT)}`,
  );
}
