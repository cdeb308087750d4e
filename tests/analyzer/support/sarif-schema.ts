// The official SARIF 2.1.0 schema (shipped in @microsoft/jest-sarif), compiled with Ajv for draft-04.
import * as fs from "fs";
import Ajv from "ajv-draft-04";

let validate: ReturnType<Ajv["compile"]> | undefined;

/** Returns the schema errors of `log` (empty when it is valid SARIF 2.1.0). */
export function sarifErrors(log: unknown): unknown[] {
  if (!validate) {
    const schema = JSON.parse(
      fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
    );
    // The schema's patterns are not valid with the unicode flag; its string formats are checked with Node's parsers
    // (ajv-formats is not a dependency).
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    ajv.addFormat("uri", (u: string) => URL.canParse(u));
    ajv.addFormat("uri-reference", (u: string) => URL.canParse(u, "file:///"));
    ajv.addFormat("date-time", (d: string) => !Number.isNaN(Date.parse(d)));
    validate = ajv.compile(schema);
  }
  return validate(log) ? [] : [...(validate.errors ?? [])];
}
