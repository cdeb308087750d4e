import { Browser, chromium } from "playwright-core";

/** Flags for a headless run on a machine with no network beyond loopback and no GPU. */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Launches headless Chromium: the browser named by CHROMIUM_PATH when set, otherwise the real Chromium binary that
 * the @sparticuz/chromium package ships (unpacked to the temp directory on first use), so `npm ci` is all a fresh
 * machine needs.
 */
export async function launchChromium(): Promise<Browser> {
  let executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) {
    // The package is ESM-first; its CommonJS build exports the class as `default`.
    const packaged = require("@sparticuz/chromium");
    executablePath = await (packaged.default ?? packaged).executablePath();
  }
  return chromium.launch({ executablePath, args: ARGS });
}
