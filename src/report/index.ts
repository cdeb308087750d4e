import { EnforceResult } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { formatJson } from "./json";
import { formatSarif } from "./sarif";
import { formatText } from "./text";

export const REPORT_FORMATS = ["text", "json", "sarif"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function formatReport(format: ReportFormat, result: EnforceResult, graph?: ResourceGraph): string {
  switch (format) {
    case "json":
      return formatJson(result, graph);
    case "sarif":
      return formatSarif(result, graph);
    default:
      return formatText(result, graph);
  }
}
