/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per policy (from GetAnalyzerInfo), one result per
 * violation, carrying the resource URN as a logical location and, when the resource's declaration
 * is known, its file and line; otherwise the file the graph came from (program or state file),
 * since code scanning needs a physical location to show a result.
 */
import * as path from "path";
import { pathToFileURL } from "url";
import type * as sarif from "sarif";
import { EnforceResult, Violation } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { runNotes } from "./notes";
import { ReportSummary, summarize } from "./summary";
import { parseUrn } from "./urn";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A URI relative to the repository that holds the program (else the working directory), as code scanning expects. */
function artifactUri(file: string, root = process.cwd()): string {
  const abs = path.resolve(file);
  const rel = path.relative(root, abs);
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) return rel.split(path.sep).join("/");
  return pathToFileURL(abs).href;
}

function sarifLevel(level: string): sarif.ReportingConfiguration.level {
  return level === "mandatory" || level === "remediate" ? "error" : level === "disabled" ? "none" : "warning";
}

// GitHub sorts alerts by this 0-10 score.
const SECURITY_SEVERITY: Record<string, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

export function toSarif(
  result: EnforceResult,
  graph?: ResourceGraph,
  summary: ReportSummary = summarize(result, graph),
): sarif.Log {
  const rules: sarif.ReportingDescriptor[] = result.policies.map((p) => ({
    id: p.name,
    name: p.name,
    shortDescription: { text: p.description.split("\n")[0] || p.name },
    fullDescription: { text: p.description || p.name },
    help: { text: p.remediationSteps ?? p.description },
    ...(p.url ? { helpUri: p.url } : {}),
    defaultConfiguration: {
      level: sarifLevel(result.config[p.name]?.enforcementLevel ?? p.enforcementLevel),
      enabled: (result.config[p.name]?.enforcementLevel ?? p.enforcementLevel) !== "disabled",
    },
    properties: {
      ...(p.severity ? { severity: p.severity, "security-severity": SECURITY_SEVERITY[p.severity] } : {}),
      policyType: p.policyType,
    },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const positions = new Map(
    (graph?.resources ?? []).filter((r) => r.sourcePosition).map((r) => [r.urn, r.sourcePosition!]),
  );

  const location = (v: Violation): sarif.Location => {
    const loc: sarif.Location = {};
    const pos = v.resourceUrn ? positions.get(v.resourceUrn) : undefined;
    if (pos) {
      const uri = /^[a-z]+:\/\//i.test(pos.uri) ? pos.uri : artifactUri(pos.uri, graph?.repositoryRoot);
      loc.physicalLocation = {
        artifactLocation: { uri },
        region: { startLine: Math.max(1, pos.line), ...(pos.column ? { startColumn: pos.column } : {}) },
      };
    } else if (graph?.sourceFile) {
      loc.physicalLocation = {
        artifactLocation: { uri: artifactUri(graph.sourceFile, graph.repositoryRoot) },
        region: { startLine: 1 },
      };
    }
    if (v.resourceUrn) {
      const { type, name } = parseUrn(v.resourceUrn);
      loc.logicalLocations = [{ name, fullyQualifiedName: v.resourceUrn, kind: "resource", properties: { type } }];
    }
    return loc;
  };

  const results: sarif.Result[] = result.violations.map((v) => {
    const res: sarif.Result = {
      ruleId: v.policyName,
      level: sarifLevel(v.enforcementLevel),
      message: { text: v.message },
      locations: [location(v)],
      properties: {
        enforcementLevel: v.enforcementLevel,
        ...(v.severity ? { severity: v.severity } : {}),
        ...(v.resourceUrn ? { resourceUrn: v.resourceUrn } : {}),
      },
    };
    const index = ruleIndex.get(v.policyName);
    if (index !== undefined) res.ruleIndex = index;
    return res;
  });

  const notes = runNotes(graph);
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: result.policyPack.name, version: result.policyPack.version, rules } },
        results,
        ...(notes.length
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: notes.map((text) => ({ level: "warning" as const, message: { text } })),
                },
              ],
            }
          : {}),
        properties: {
          summary: { ...result.summary, ...summary },
          ...(graph?.mode === "preview" ? { mode: graph.mode } : {}),
        },
      },
    ],
  };
}

export function formatSarif(result: EnforceResult, graph?: ResourceGraph, summary?: ReportSummary): string {
  return JSON.stringify(toSarif(result, graph, summary), null, 2) + "\n";
}
