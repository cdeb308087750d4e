import { EnforceResult } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { formatJson } from "./json";
import { formatSarif } from "./sarif";
import { secretRedactor, withoutSecrets } from "./secrets";
import { summarize } from "./summary";
import { formatText, propertyChanges, TextOptions } from "./text";

export const REPORT_FORMATS = ["text", "json", "sarif"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type { TextOptions } from "./text";
export { ownPackHelpers, summarize, summaryLine } from "./summary";

/** Every format goes through withoutSecrets first: no report prints a secret's value. */
export function formatReport(
  format: ReportFormat,
  result: EnforceResult,
  graph?: ResourceGraph,
  textOptions: TextOptions = {},
): string {
  const redact = secretRedactor(result, graph);
  const safe = withoutSecrets(result, redact);
  const summary = summarize(safe, graph);
  switch (format) {
    case "json":
      return formatJson(safe, summary, graph);
    case "sarif":
      return formatSarif(safe, graph, summary);
    default: {
      // Compared before masking, so a changed secret shows as changed ("[secret]" => "[secret]").
      const show = (v: unknown) => JSON.stringify(redact.value(v)) ?? "undefined";
      const changes = result.remediations.map((r) => propertyChanges(r.previous, r.properties, show));
      return formatText(safe, graph, textOptions, summary, changes);
    }
  }
}
