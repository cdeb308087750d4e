// A generated Pulumi program of N functions, each with its role and log group (3N resources), for the `check`
// benchmarks. It resolves @pulumi/* from this checkout's node_modules (symlinked); the caller removes the directory.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function writeProgram(functions: number, root = path.join(__dirname, "..")): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sg-bench-${functions}-`));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench-${functions}\nruntime: nodejs\n`);
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
const tags = { Environment: "bench", Project: "bench", Owner: "perf", CostCenter: "cc-1" };
for (let i = 0; i < ${functions}; i++) {
  const role = new aws.iam.Role(\`fn\${i}-role\`, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
    tags,
  });
  const fn = new aws.lambda.Function(\`fn\${i}\`, {
    runtime: "nodejs20.x",
    handler: "index.handler",
    memorySize: 256,
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
    tags,
  });
  new aws.cloudwatch.LogGroup(\`fn\${i}-logs\`, { name: pulumi.interpolate\`/aws/lambda/\${fn.name}\`, retentionInDays: 7, tags });
}
`,
  );
  return dir;
}
