import { LAMBDA_PRICING } from "./pricing";
import { AnalysisSettings, FunctionReport } from "./recommend";

export interface Totals {
  functions: number;
  invocations: number;
  skippedLines: number;
  monthlyCostCurrentUsd: number;
  monthlyCostRecommendedUsd: number;
  monthlyChangeUsd: number;
  underprovisioned: number;
  overprovisioned: number;
  exceedsPackLimit: number;
}

export function totalsOf(reports: FunctionReport[]): Totals {
  const sum = (f: (r: FunctionReport) => number) => reports.reduce((acc, r) => acc + f(r), 0);
  const now = sum((r) => r.monthlyCostCurrentUsd);
  const after = sum((r) => r.monthlyCostRecommendedUsd);
  return {
    functions: reports.length,
    invocations: sum((r) => r.invocations),
    skippedLines: sum((r) => r.skippedLines),
    monthlyCostCurrentUsd: now,
    monthlyCostRecommendedUsd: after,
    monthlyChangeUsd: after - now,
    underprovisioned: reports.filter((r) => r.status === "underprovisioned").length,
    overprovisioned: reports.filter((r) => r.status === "overprovisioned").length,
    exceedsPackLimit: reports.filter((r) => r.exceedsPackLimit).length,
  };
}

export function usd(n: number): string {
  const abs = Math.abs(n);
  const digits = abs !== 0 && abs < 0.01 ? 4 : 2;
  return `${n < 0 ? "-" : ""}$${abs.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function change(now: number, after: number): string {
  const diff = after - now;
  const pct = now > 0 ? ` (${diff >= 0 ? "+" : ""}${((diff / now) * 100).toFixed(0)}%)` : "";
  return `${diff >= 0 ? "+" : "-"}${usd(Math.abs(diff))}${pct}`;
}

const roundTo = (n: number, digits: number) => Number(n.toFixed(digits));

/** The `--format json` document; money rounded to 1/100 of a cent, everything else as measured. */
export function toJson(reports: FunctionReport[], settings: AnalysisSettings): object {
  const t = totalsOf(reports);
  return {
    functions: reports.map(({ memoryUsedDistribution: _chartOnly, insufficientData: _inWarnings, ...r }) => ({
      ...r,
      meanBilledDurationMs: roundTo(r.meanBilledDurationMs, 3),
      estimatedMeanBilledDurationMs: roundTo(r.estimatedMeanBilledDurationMs, 3),
      invocationsPerMonth: Math.round(r.invocationsPerMonth),
      monthlyCostCurrentUsd: roundTo(r.monthlyCostCurrentUsd, 4),
      monthlyCostRecommendedUsd: roundTo(r.monthlyCostRecommendedUsd, 4),
    })),
    totals: {
      ...t,
      monthlyCostCurrentUsd: roundTo(t.monthlyCostCurrentUsd, 4),
      monthlyCostRecommendedUsd: roundTo(t.monthlyCostRecommendedUsd, 4),
      monthlyChangeUsd: roundTo(t.monthlyChangeUsd, 4),
    },
    settings: {
      headroomPercent: roundTo(settings.headroom * 100, 4),
      packMaxMemoryMb: settings.packMaxMemoryMb,
      minInvocations: settings.minInvocations,
      cpuBoundShare: settings.cpuBoundShare,
      currentArch: settings.currentArch,
      recommendedArch: settings.recommendedArch,
    },
    pricing: { region: LAMBDA_PRICING.region, asOf: LAMBDA_PRICING.asOf, source: LAMBDA_PRICING.source },
  };
}

/** An Infracost-style table, one row per function, then the total, warnings and assumptions. */
export function toText(reports: FunctionReport[], settings: AnalysisSettings): string {
  const header = [
    "Name",
    "Memory now -> recommended",
    "Peak used",
    "p95 duration",
    "Monthly cost now -> after",
    "Change",
  ];
  const rows = reports.map((r) => [
    r.name,
    `${r.currentMemoryMb} -> ${r.recommendedMemoryMb} MB${r.exceedsPackLimit ? " (!)" : ""}`,
    `${r.maxMemoryUsedMb} MB`,
    `${r.p95DurationMs} ms`,
    `${usd(r.monthlyCostCurrentUsd)} -> ${usd(r.monthlyCostRecommendedUsd)}`,
    `${change(r.monthlyCostCurrentUsd, r.monthlyCostRecommendedUsd)}  ${r.status}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join(" | ")
      .trimEnd();
  const t = totalsOf(reports);
  const out: string[] = [];
  const archNote =
    settings.recommendedArch === settings.currentArch
      ? settings.currentArch
      : `${settings.currentArch} -> ${settings.recommendedArch}`;
  out.push(
    `Lambda memory right-sizing: ${t.functions} function(s), ${t.invocations} invocation(s), headroom ${roundTo(settings.headroom * 100, 2)}%, pack ceiling ${settings.packMaxMemoryMb} MB, ${archNote}`,
    "",
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map(line),
    "",
    `Total monthly cost: ${usd(t.monthlyCostCurrentUsd)} -> ${usd(t.monthlyCostRecommendedUsd)}  ${change(t.monthlyCostCurrentUsd, t.monthlyCostRecommendedUsd)}`,
  );
  const volume = reports.map(
    (r) =>
      `${r.name} ${Math.round(r.invocationsPerMonth).toLocaleString("en-US")}/month (${r.invocationsPerMonthSource})`,
  );
  out.push(`Invocations priced: ${volume.join(", ")}`);
  const warned = reports.filter((r) => r.warnings.length);
  if (warned.length) {
    out.push("", "Warnings:");
    for (const r of warned) for (const w of r.warnings) out.push(`  ${r.name}: ${w}`);
  }
  out.push(
    "",
    `Skipped ${t.skippedLines} non-REPORT line(s). Prices: AWS Lambda ${LAMBDA_PRICING.region}, ${LAMBDA_PRICING.asOf}, ${LAMBDA_PRICING.source}`,
  );
  return out.join("\n") + "\n";
}
