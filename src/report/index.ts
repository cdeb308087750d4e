import { EnforceResult } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { formatJson } from "./json";
import { formatSarif } from "./sarif";
import { withoutSecrets } from "./secrets";
import { summarize } from "./summary";
import { formatText, TextOptions } from "./text";

export const REPORT_FORMATS = ["text", "json", "sarif"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type { TextOptions } from "./text";
export { summarize, summaryLine } from "./summary";

/** Every format goes through withoutSecrets first: no report prints a secret's value. */
export function formatReport(format: ReportFormat, result: EnforceResult, graph?: ResourceGraph, textOptions: TextOptions = {}): string {
  const safe = withoutSecrets(result, graph);
  const summary = summarize(safe, graph);
  switch (format) {
    case "json":
      return formatJson(safe, summary);
    case "sarif":
      return formatSarif(safe, graph, summary);
    default:
      return formatText(safe, graph, textOptions, summary);
  }
}
