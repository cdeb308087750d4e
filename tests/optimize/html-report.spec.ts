import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Browser } from "playwright-core";
import { launchChromium } from "../support/chromium";
import { fixture, optimize, ROOT } from "./helpers";

/** Opens the report in headless Chromium, blocking every request that is not the file itself. */
export async function openReport(browser: Browser, file: string) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  const external: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://")) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  return { page, external };
}

describe("optimize --format html (headless Chromium)", function () {
  let browser: Browser;
  let dir: string;
  before(async function () {
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimize-html-"));
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("renders one memory chart per function with its limit lines and a cost bar, from a self-contained file", async () => {
    const out = path.join(dir, "report.html");
    await optimize([
      `tap-processor-dev=${fixture("processor-plain.log")}`,
      `tap-enricher-dev=${fixture("enricher-json.log")}`,
      `image-resizer=${fixture("image-resizer-plain.log")}`,
      "--format",
      "html",
      "--output",
      out,
    ]);
    const html = fs.readFileSync(out, "utf8");
    expect(html).to.not.match(/<script|<link|@import|url\(/i);

    const { page, external } = await openReport(browser, out);
    const charts = await page.$$eval("svg.memory-chart", (svgs) =>
      svgs.map((svg) => ({
        name: svg.getAttribute("data-function"),
        width: svg.getBoundingClientRect().width,
        bars: svg.querySelectorAll("rect.bar").length,
        labels: [...svg.querySelectorAll("text.label")].map((t) => t.textContent),
        limits: [...svg.querySelectorAll("line.limit")].map((l) => l.getAttribute("class")),
        yTicks: [...svg.querySelectorAll("text.y-tick")].map((t) => Number(t.textContent)),
        tallestBar: Math.max(
          ...[...svg.querySelectorAll("rect.bar title")].map((t) =>
            Number(/: (\d+) invocation/.exec(t.textContent ?? "")![1]),
          ),
        ),
        labelBoxes: [...svg.querySelectorAll("text.label")].map((t) => {
          const b = t.getBoundingClientRect();
          return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
        }),
      })),
    );
    expect(charts.map((c) => c.name)).to.deep.equal(["tap-processor-dev", "tap-enricher-dev", "image-resizer"]);
    for (const c of charts) {
      expect(c.width).to.be.greaterThan(300);
      expect(c.bars).to.be.greaterThan(0);
      // Round y ticks (0, then a 1/2/5 x 10^k step) reaching at least the tallest bar.
      const step = c.yTicks[1];
      expect(c.yTicks[0], c.name!).to.equal(0);
      expect(step / 10 ** Math.floor(Math.log10(step)), c.name!).to.be.oneOf([1, 2, 5]);
      expect(c.yTicks, c.name!).to.deep.equal(c.yTicks.map((_, i) => i * step));
      expect(c.yTicks[c.yTicks.length - 1], c.name!).to.be.at.least(c.tallestBar);
      // No two limit labels overprint each other.
      for (const [i, a] of c.labelBoxes.entries()) {
        for (const b of c.labelBoxes.slice(i + 1)) {
          const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          expect(overlap, `${c.name}: labels overlap`).to.equal(false);
        }
      }
    }
    expect(charts[0].limits).to.have.members(["limit peak", "limit recommended", "limit configured"]);
    expect(charts[0].labels).to.have.members(["peak 180 MB", "recommended 256 MB", "configured 3008 MB"]);
    expect(charts[1].labels).to.have.members(["peak 470 MB", "recommended 576 MB", "configured 512 MB"]);
    // Above the pack's ceiling, the ceiling itself is drawn too.
    expect(charts[2].limits).to.have.members(["limit peak", "limit recommended", "limit configured", "limit pack"]);
    expect(charts[2].labels).to.have.members([
      "peak 900 MB",
      "recommended 1088 MB",
      "configured 2048 MB",
      "pack max 768 MB",
    ]);
    // One before/after cost bar per function plus the total.
    expect(await page.locator("svg.cost-chart").count()).to.equal(3);
    expect(await page.locator("svg.total-cost-chart").count()).to.equal(1);
    const processorCost = await page.locator('section[data-function="tap-processor-dev"] svg.cost-chart').textContent();
    expect(processorCost).to.contain("$45.29").and.contain("$15.42");
    // "after" is green where the recommendation saves money and red where it costs more (the under-provisioned one).
    const afterFill = (fn: string) =>
      page.locator(`section[data-function="${fn}"] svg.cost-chart rect`).nth(1).getAttribute("fill");
    expect(await afterFill("tap-processor-dev")).to.equal("#1f9d55");
    const fns = await page
      .locator("section[data-function]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-function")!));
    const statuses = await page
      .locator("section[data-function]")
      .evaluateAll((els) => els.map((e) => e.textContent ?? ""));
    const under = fns.find((_, i) => statuses[i].includes("underprovisioned"));
    expect(under, "fixture has an under-provisioned function").to.be.a("string");
    expect(await afterFill(under!)).to.equal("#d64545");
    expect(await page.locator("text=EXCEEDS POLICY LIMIT").count()).to.equal(1);
    expect(external).to.deep.equal([]);

    const shot = path.join(dir, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).to.be.greaterThan(10_000);
  });

  it("renders the bundled sample logs (UPDATE_DOCS_SCREENSHOT=1 refreshes docs/optimize-report.png)", async () => {
    const out = path.join(dir, "samples.html");
    const names = ["tap-validator-dev", "tap-enricher-dev", "tap-processor-dev"];
    await optimize([
      ...names.map((n) => `${n}=${path.join(ROOT, "samples", "logs", `${n}.log`)}`),
      "--format",
      "html",
      "--output",
      out,
    ]);
    const { page, external } = await openReport(browser, out);
    expect(
      await page.$$eval("svg.memory-chart", (svgs) => svgs.map((s) => s.getAttribute("data-function"))),
    ).to.deep.equal(names);
    expect(external).to.deep.equal([]);
    const shot =
      process.env.UPDATE_DOCS_SCREENSHOT === "1"
        ? path.join(ROOT, "docs", "optimize-report.png")
        : path.join(dir, "samples.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).to.be.greaterThan(10_000);
  });
});
