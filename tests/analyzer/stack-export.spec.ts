import { expect } from "chai";
import * as path from "path";
import { readStackExport, stackExportToGraph } from "../../src/analyzer/stack-export";
import { SECRET_SIG, SECRET_SIG_VALUE } from "../../src/analyzer/resource-record";
import { toWireValue, UNKNOWN_VALUE } from "../../src/analyzer/wire";
import { UsageError } from "../../src/errors";

const fixture = path.join(__dirname, "..", "fixtures", "exports", "clean.json");

describe("stack export (pulumi stack export v3) -> resource graph", () => {
  const graph = readStackExport(fixture);
  const byName = (name: string) => graph.resources.find((r) => r.name === name)!;

  it("takes project and stack from the URNs and keeps every resource, including components and other providers'", () => {
    expect(graph.project).to.equal("shop");
    expect(graph.stack).to.equal("prod");
    expect(graph.sourceFile).to.equal(fixture);
    expect(byName("orders").custom).to.equal(false);
    expect(byName("orders").type).to.equal("shop:app:OrderPipeline");
    expect(byName("suffix").type).to.equal("random:index/randomPet:RandomPet");
    expect(byName("suffix").provider!.type).to.equal("pulumi:providers:random");
  });

  it("resolves URN::ID provider references and decodes JSON-string provider config, keeping secrets", () => {
    const provider = byName("order-processor").provider!;
    expect(provider.urn).to.equal("urn:pulumi:prod::shop::pulumi:providers:aws::default_7_48_0");
    expect(provider.name).to.equal("default_7_48_0");
    expect(provider.properties.defaultTags).to.deep.equal({
      tags: { Environment: "prod", Project: "shop", Owner: "team-orders", CostCenter: "cc-1234" },
    });
    expect(provider.properties.skipCredentialsValidation).to.equal("false");
    expect(provider.properties.accessKey).to.deep.equal({
      [SECRET_SIG]: SECRET_SIG_VALUE,
      ciphertext: "v1:AAAA:aws-access-key",
    });
  });

  it("keeps ciphertext secrets in inputs, which go to the pack as secrets of unknown value", () => {
    const env = byName("order-processor").inputs.environment;
    expect(env).to.deep.equal({ [SECRET_SIG]: SECRET_SIG_VALUE, ciphertext: "v1:BBBB:env-with-api-key" });
    expect(toWireValue(env)).to.deep.equal({ [SECRET_SIG]: SECRET_SIG_VALUE, value: UNKNOWN_VALUE });
  });

  it("keeps the redrivePolicy string, parents, dependencies and the declaration's source position", () => {
    const queue = byName("orders-queue");
    expect(JSON.parse(queue.inputs.redrivePolicy as string).deadLetterTargetArn).to.equal(
      "arn:aws:sqs:us-east-1:123456789012:orders-dlq-9c8d7e6",
    );
    expect(queue.parent).to.equal(byName("orders").urn);
    expect(queue.propertyDependencies).to.deep.equal({ redrivePolicy: [byName("orders-dlq").urn] });
    expect(queue.sourcePosition).to.deep.equal({ uri: "index.ts", line: 24, column: 5 });
  });

  it("turns --show-secrets plaintext into secret values, drops pending deletes, converts timeouts", () => {
    const g = stackExportToGraph(
      {
        version: 3,
        deployment: {
          resources: [
            { urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", type: "pulumi:pulumi:Stack", custom: false },
            {
              urn: "urn:pulumi:s::p::aws:sqs/queue:Queue::q",
              type: "aws:sqs/queue:Queue",
              custom: true,
              inputs: { name: { [SECRET_SIG]: SECRET_SIG_VALUE, plaintext: '"secret-name"' } },
              customTimeouts: { create: 300, delete: 0 },
            },
            {
              urn: "urn:pulumi:s::p::aws:sqs/queue:Queue::old",
              type: "aws:sqs/queue:Queue",
              custom: true,
              delete: true,
            },
          ],
        },
      },
      "x.json",
    );
    expect(g.resources.map((r) => r.name)).to.deep.equal(["p-s", "q"]);
    expect(g.resources[1].inputs.name).to.deep.equal({ [SECRET_SIG]: SECRET_SIG_VALUE, value: "secret-name" });
    // 0 is how state stores "no timeout set".
    expect(g.resources[1].options.customTimeouts).to.deep.equal({
      create: "300s",
      update: undefined,
      delete: undefined,
    });
  });

  it("rejects other versions and malformed documents with one-line UsageErrors naming the file", () => {
    const msg = (doc: unknown) => {
      try {
        stackExportToGraph(doc, "s.json");
      } catch (e) {
        expect(e).to.be.instanceOf(UsageError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(msg([])).to.equal("s.json: expected a JSON object from `pulumi stack export`");
    expect(msg({ version: 4, deployment: {} })).to.equal(
      "s.json: unsupported stack export version 4 (expected 3, as written by `pulumi stack export`)",
    );
    expect(msg({ version: 3, deployment: { resources: {} } })).to.equal(
      "s.json: 'deployment.resources' is not an array",
    );
    expect(msg({ version: 3, deployment: { resources: [{ urn: "x", type: "t" }] } })).to.equal(
      "s.json: deployment.resources[0] has a malformed urn 'x'",
    );
    // No name part: urn:pulumi:STACK::PROJECT::TYPE::NAME has four.
    const nameless = "urn:pulumi:s::p::aws:sqs/queue:Queue";
    expect(msg({ version: 3, deployment: { resources: [{ urn: nameless, type: "aws:sqs/queue:Queue" }] } })).to.equal(
      `s.json: deployment.resources[0] has a malformed urn '${nameless}'`,
    );
  });
});
