import { LAMBDA_PRICING } from "./pricing";
import { AnalysisSettings, FunctionReport } from "./recommend";
import { change, totalsOf, usd } from "./report";

// Hand-written SVG rather than a chart library: the page must be self-contained (no scripts, no
// fonts, no network), and two chart shapes do not justify bundling one.

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const COLORS = {
  bars: "#6b8fd6",
  configured: "#d64545",
  recommended: "#1f9d55",
  peak: "#e08a00",
  pack: "#7c3aed",
  grid: "#e3e6ec",
  text: "#2b2f36",
  muted: "#6b7280",
};
const STATUS_COLORS: Record<string, string> = {
  overprovisioned: "#1f9d55",
  underprovisioned: "#d64545",
  optimized: "#4b5563",
  "insufficient-data": "#b7791f",
};

function niceMax(v: number): number {
  const step = v <= 512 ? 64 : v <= 2048 ? 256 : 1024;
  return Math.ceil(v / step) * step;
}

/** A round tick step (1, 2 or 5 x 10^k) that divides 0..max into at most `ticks` steps. */
export function niceStep(max: number, ticks = 4): number {
  const raw = Math.max(max, 1) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  return Math.max(1, step);
}

/** Memory used distribution (bars) with the configured, recommended and peak lines (and the pack's ceiling when exceeded). */
function memoryChart(r: FunctionReport, packMaxMemoryMb: number): string {
  const markers = [
    { mb: r.maxMemoryUsedMb, label: `peak ${r.maxMemoryUsedMb} MB`, color: COLORS.peak, dash: "2 3", cls: "peak" },
    {
      mb: r.recommendedMemoryMb,
      label: `recommended ${r.recommendedMemoryMb} MB`,
      color: COLORS.recommended,
      dash: "",
      cls: "recommended",
    },
    {
      mb: r.currentMemoryMb,
      label: `configured ${r.currentMemoryMb} MB`,
      color: COLORS.configured,
      dash: "6 4",
      cls: "configured",
    },
  ];
  // The loud case gets its own line: how far the recommendation goes past the policy's ceiling.
  if (r.exceedsPackLimit)
    markers.push({
      mb: packMaxMemoryMb,
      label: `pack max ${packMaxMemoryMb} MB`,
      color: COLORS.pack,
      dash: "1 4",
      cls: "pack",
    });
  markers.sort((a, b) => a.mb - b.mb);
  // One label row per marker, so labels never overprint whatever their spacing.
  const W = 640,
    H = 202 + 14 * markers.length,
    left = 48,
    right = 16,
    top = 6 + 14 * markers.length,
    bottom = 40;
  const plotW = W - left - right,
    plotH = H - top - bottom;
  const xMax = niceMax(Math.max(...markers.map((m) => m.mb)) * 1.04);
  // About 3 px per bin: fine enough to show the shape even when the limit lines stretch the axis.
  const bins = 160;
  const binMb = xMax / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const [mb, n] of r.memoryUsedDistribution) counts[Math.min(bins - 1, Math.floor(mb / binMb))] += n;
  const yStep = niceStep(Math.max(...counts));
  const yMax = Math.ceil(Math.max(...counts, 1) / yStep) * yStep;
  const x = (mb: number) => left + (mb / xMax) * plotW;
  const parts: string[] = [];
  for (let v = 0; v <= yMax; v += yStep) {
    const y = top + plotH - (v / yMax) * plotH;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end" class="tick y-tick">${v}</text>`);
  }
  counts.forEach((n, i) => {
    if (!n) return;
    const h = (n / yMax) * plotH;
    parts.push(
      `<rect class="bar" x="${x(i * binMb).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${Math.max(2, plotW / bins - 0.6).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS.bars}"><title>${Math.round(i * binMb)}-${Math.round((i + 1) * binMb)} MB: ${n} invocation(s)</title></rect>`,
    );
  });
  for (let i = 0; i <= 8; i++) {
    const mb = (i / 8) * xMax;
    parts.push(`<text x="${x(mb)}" y="${top + plotH + 16}" text-anchor="middle" class="tick">${Math.round(mb)}</text>`);
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${H - 4}" text-anchor="middle" class="axis">Max Memory Used per invocation (MB)</text>`,
  );
  parts.push(
    `<text x="12" y="${top + plotH / 2}" text-anchor="middle" class="axis" transform="rotate(-90 12 ${top + plotH / 2})">invocations</text>`,
  );
  // Limit lines; each label takes the first row where it does not overprint another.
  const rowsEnd: number[] = markers.map(() => -Infinity);
  for (const m of markers) {
    const mx = x(m.mb);
    const textW = m.label.length * 6.6;
    const anchor = mx + textW / 2 > W - 4 ? "end" : mx - textW / 2 < 4 ? "start" : "middle";
    const from = anchor === "start" ? mx : anchor === "end" ? mx - textW : mx - textW / 2;
    let row = rowsEnd.findIndex((end) => end + 8 <= from);
    if (row < 0) row = rowsEnd.indexOf(Math.min(...rowsEnd));
    rowsEnd[row] = from + textW;
    parts.push(
      `<line class="limit ${m.cls}" x1="${mx}" x2="${mx}" y1="${12 + row * 14}" y2="${top + plotH}" stroke="${m.color}" stroke-width="2" ${m.dash ? `stroke-dasharray="${m.dash}"` : ""}/>`,
    );
    parts.push(
      `<text x="${mx + (anchor === "start" ? 3 : anchor === "end" ? -3 : 0)}" y="${10 + row * 14}" text-anchor="${anchor}" fill="${m.color}" class="label">${esc(m.label)}</text>`,
    );
  }
  return `<svg class="memory-chart" data-function="${esc(r.name)}" role="img" aria-label="${esc(`memory used distribution of ${r.name}`)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

/** Two horizontal bars: monthly cost now (neutral) and after: green when it saves, red when it costs more. */
function costChart(now: number, after: number, cls: string, width = 300): string {
  const H = 64,
    labelW = 46,
    valueW = 82;
  const scale = (width - labelW - valueW) / Math.max(now, after, 1e-9);
  const row = (y: number, label: string, value: number, color: string) =>
    `<text x="0" y="${y + 13}" class="tick">${label}</text><rect x="${labelW}" y="${y}" width="${Math.max(1, value * scale).toFixed(1)}" height="18" rx="3" fill="${color}"/>` +
    `<text x="${labelW + Math.max(1, value * scale) + 5}" y="${y + 13}" class="value">${usd(value)}</text>`;
  return `<svg class="${cls}" role="img" aria-label="monthly cost now and after" viewBox="0 0 ${width} ${H}" width="${width}" height="${H}" xmlns="http://www.w3.org/2000/svg">${row(6, "now", now, COLORS.muted)}${row(36, "after", after, after > now ? COLORS.configured : COLORS.recommended)}</svg>`;
}

export function toHtml(reports: FunctionReport[], settings: AnalysisSettings): string {
  const t = totalsOf(reports);
  const cards = reports
    .map((r) => {
      const facts: Array<[string, string]> = [
        ["Invocations", r.invocations.toLocaleString("en-US")],
        ["Memory", `${r.currentMemoryMb} &rarr; ${r.recommendedMemoryMb} MB`],
        ["Used p50 / p95 / max", `${r.p50MemoryUsedMb} / ${r.p95MemoryUsedMb} / ${r.maxMemoryUsedMb} MB`],
        ["Duration p50 / p95", `${r.p50DurationMs} / ${r.p95DurationMs} ms`],
        [
          "Cold starts",
          `${r.coldStarts}${r.p95InitDurationMs !== null ? ` (init p95 ${r.p95InitDurationMs} ms)` : ""}`,
        ],
        ["Per month", `${Math.round(r.invocationsPerMonth).toLocaleString("en-US")} (${r.invocationsPerMonthSource})`],
      ];
      return `<section class="card" data-function="${esc(r.name)}">
  <header><h2>${esc(r.name)}</h2><span class="status" style="background:${STATUS_COLORS[r.status]}">${r.status}</span></header>
  <div class="body">
    ${memoryChart(r, settings.packMaxMemoryMb)}
    <div class="side">
      <dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
      <h3>Monthly cost <span class="delta${r.monthlyCostRecommendedUsd > r.monthlyCostCurrentUsd ? " up" : ""}">${esc(change(r.monthlyCostCurrentUsd, r.monthlyCostRecommendedUsd))}</span></h3>
      ${costChart(r.monthlyCostCurrentUsd, r.monthlyCostRecommendedUsd, "cost-chart")}
    </div>
  </div>
  ${r.warnings.length ? `<ul class="warnings">${r.warnings.map((w) => `<li${/^EXCEEDS|^needs more/.test(w) ? ' class="loud"' : ""}>${esc(w)}</li>`).join("")}</ul>` : ""}
</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>serverless-guard optimize report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f4f6f9;color:${COLORS.text}}
main{max-width:1060px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}.sub{color:${COLORS.muted};margin:0 0 18px;font-size:13px}
.summary{display:flex;gap:28px;align-items:center;background:#fff;border-radius:10px;padding:16px 20px;box-shadow:0 1px 3px #0001;margin-bottom:18px}
.big{font-size:26px;font-weight:600}.big small{font-size:14px;color:${COLORS.muted};font-weight:400;display:block}
.card{background:#fff;border-radius:10px;padding:14px 20px 12px;box-shadow:0 1px 3px #0001;margin-bottom:16px}
.card header{display:flex;align-items:center;gap:12px}.card h2{font-size:17px;margin:0}
.status{color:#fff;border-radius:999px;padding:2px 10px;font-size:12px}
.body{display:flex;gap:18px;align-items:flex-start;flex-wrap:wrap}.side{flex:1;min-width:300px}
dl{display:grid;grid-template-columns:auto 1fr;gap:3px 12px;font-size:13px;margin:8px 0}dt{color:${COLORS.muted}}dd{margin:0}
h3{font-size:13px;margin:10px 0 2px}.delta{color:${COLORS.recommended};font-weight:400;margin-left:6px}.delta.up{color:${COLORS.configured}}
svg text{font-family:inherit}.tick{font-size:11px;fill:${COLORS.muted}}.axis{font-size:11px;fill:${COLORS.muted}}
.label{font-size:11.5px;font-weight:600}.value{font-size:12px;fill:${COLORS.text}}
.warnings{margin:6px 0 0;padding-left:18px;font-size:12.5px;color:#7a5a00}.warnings .loud{color:${COLORS.configured};font-weight:600}
footer{color:${COLORS.muted};font-size:12px;margin-top:8px}
</style></head><body><main>
<h1>Lambda memory right-sizing</h1>
<p class="sub">${t.functions} function(s) · ${t.invocations.toLocaleString("en-US")} invocations · headroom ${Number((settings.headroom * 100).toFixed(2))}% above peak · pack ceiling ${settings.packMaxMemoryMb} MB · ${settings.currentArch}${settings.recommendedArch !== settings.currentArch ? ` &rarr; ${settings.recommendedArch}` : ""}</p>
<div class="summary">
  <div class="big">${usd(t.monthlyCostCurrentUsd)} &rarr; ${usd(t.monthlyCostRecommendedUsd)}<small>estimated monthly cost, now &rarr; after</small></div>
  <div class="big">${esc(change(t.monthlyCostCurrentUsd, t.monthlyCostRecommendedUsd))}<small>change per month</small></div>
  ${costChart(t.monthlyCostCurrentUsd, t.monthlyCostRecommendedUsd, "total-cost-chart", 360)}
</div>
${cards}
<footer>Prices: AWS Lambda ${LAMBDA_PRICING.region} as of ${LAMBDA_PRICING.asOf} (${LAMBDA_PRICING.source}). Below 1,769 MB CPU scales with memory; durations at a smaller size are estimated assuming ${Math.round(settings.cpuBoundShare * 100)}% of the time is CPU-bound. ${t.skippedLines} non-REPORT line(s) skipped.</footer>
</main></body></html>
`;
}
