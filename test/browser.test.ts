// The HTML trace viewer in a real browser: Debian's chromium driven by playwright-core,
// on a page `lazymmu html` wrote from a real counterexample. Checks that the page loads
// nothing from the network and logs no error, that the arrow keys, Home/End, the slider
// and a click move the highlighted step, that the panel shows that step's action and what
// changed, and that the violated rule and its text are on the page; that on a phone
// (390 px wide) no lane overflows and `tb->active` is never broken across lines; then saves a
// screenshot (to the temp dir, and to $LAZYMMU_SCREENSHOT when set: `npm run screenshot`
// writes docs/trace-viewer.png). Where no Chromium is found the test is skipped and says
// so; under CI=true that is a failure (CI installs it with scripts/install-browser.sh).

import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./cli";
import { CHROMIUM_PATHS, findChromium } from "./helpers";
import { MIGRATION_TRACE, matrixTraces } from "./traces";

const CHROMIUM = findChromium();
if (CHROMIUM === undefined) {
  const why = `no Chromium found (looked for $LAZYMMU_CHROMIUM, ${CHROMIUM_PATHS.join(", ")}); run scripts/install-browser.sh as root, or set LAZYMMU_CHROMIUM`;
  if (process.env.CI === "true") throw new Error(`browser test cannot run under CI: ${why}`);
  console.warn(`test/browser.test.ts skipped: ${why}`);
}

let browser: Browser | undefined;
let page: Page;
let work = "";
let html = "";
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (CHROMIUM === undefined) return;
  const { dir } = matrixTraces();
  work = tempDir("browser");
  html = join(work, "trace.html");
  const r = cli(["html", join(dir, MIGRATION_TRACE), "-o", html]);
  expect(r.code).toBe(0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("request", (q) => requests.push(q.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(html).href);
});

afterAll(async () => {
  await browser?.close();
});

const currentStep = () => page.getAttribute(".row.current", "data-step");
const detail = () => page.textContent("#step-detail");

describe.skipIf(CHROMIUM === undefined)("the trace viewer in chromium", () => {
  it("loads with nothing from the network and no script error", () => {
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("shows the violated rule and its text", async () => {
    const rule = await page.textContent("#rule");
    expect(rule).toContain("immediate-outside");
    expect(rule).toContain("Only updates made between enter and leave may be delayed");
    expect(await page.textContent("#violation")).toContain("set_pte_at(user:0) returned to B");
    expect(await page.textContent("#story")).toContain("the flush waits in CPU0's batch");
  });

  it("starts on the initial state, one lane per CPU and one for memory", async () => {
    expect(await currentStep()).toBe("0");
    expect(await page.inputValue("#slider")).toBe("0");
    expect(await page.textContent("#step-label")).toBe("step 0 / 9");
    expect(await detail()).toContain("Initial state");
    expect(await page.locator(".lanes .lane-head").allTextContents()).toEqual([
      "CPU0",
      "CPU1",
      "memory & MMU",
    ]);
  });

  it("steps with the arrow keys, and shows the step's action and what changed", async () => {
    for (let i = 0; i < 8; i++) await page.keyboard.press("ArrowRight");
    expect(await currentStep()).toBe("8");
    expect(await page.inputValue("#slider")).toBe("8");
    expect(await page.textContent("#step-label")).toBe("step 8 / 9");
    const d = await detail();
    expect(d).toContain("Step 8 on CPU0");
    expect(d).toContain("__set_pte_at()");
    const changes = await page.locator("#step-detail tr.change").allTextContents();
    expect(changes).toContain("memory & MMUpte[user:0]12");
    expect(changes).toContain("memory & MMUstale translations[][user:0]");
    // The highlighted row is the one under the cursor, and only that one.
    expect(await page.locator(".row.current").count()).toBe(1);
    await page.keyboard.press("ArrowLeft");
    expect(await currentStep()).toBe("7");
    expect(await detail()).toContain("spin_lock(ptl:user)");
  });

  it("jumps with End and Home; the last step shows the violation", async () => {
    await page.keyboard.press("End");
    expect(await currentStep()).toBe("9");
    expect(await page.textContent(".row.current .verdict-badge")).toBe(
      "violates immediate-outside",
    );
    expect(await page.textContent("#step-detail .violation-box")).toContain(
      "violates immediate-outside",
    );
    await page.keyboard.press("Home");
    expect(await currentStep()).toBe("0");
  });

  it("follows the slider and a click on a row", async () => {
    await page.locator("#slider").fill("3");
    expect(await currentStep()).toBe("3");
    expect(await detail()).toContain("A preempted: switched out of CPU0");
    await page.click("#step-5");
    expect(await currentStep()).toBe("5");
    expect(await page.inputValue("#slider")).toBe("5");
    await page.click("#next");
    expect(await currentStep()).toBe("6");
  });

  it("saves a screenshot", async () => {
    await page.keyboard.press("Home");
    for (let i = 0; i < 8; i++) await page.keyboard.press("ArrowRight");
    await page.evaluate("document.activeElement && document.activeElement.blur()");
    const targets = [join(work, "trace-viewer.png")];
    const wanted = process.env.LAZYMMU_SCREENSHOT;
    if (wanted !== undefined && wanted !== "") targets.push(resolve(wanted));
    for (const t of targets) {
      mkdirSync(dirname(t), { recursive: true });
      await page.screenshot({ path: t });
      expect(existsSync(t)).toBe(true);
    }
    expect(errors).toEqual([]);
  });
});

/** In the page: what overflows its lane, and each `tb->active` drawn on more than one line. */
const LAYOUT_PROBE = `(() => {
  const over = [];
  for (const c of document.querySelectorAll(".timeline .cell")) {
    const r = c.getBoundingClientRect();
    if (r.width === 0) continue;
    if (c.scrollWidth > c.clientWidth + 1 || r.right > window.innerWidth + 0.5)
      over.push(c.closest(".row").id + " " + c.getAttribute("data-lane-name"));
  }
  let found = 0;
  const broken = [];
  const walk = document.createTreeWalker(document.querySelector(".timeline"), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (let i = n.data.indexOf("tb->active"); i >= 0; i = n.data.indexOf("tb->active", i + 1)) {
      found++;
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, i + "tb->active".length);
      const tops = new Set([...range.getClientRects()].map((x) => Math.round(x.top)));
      if (tops.size !== 1) broken.push(n.parentElement.closest(".row").id);
    }
  }
  return {
    pageWidth: document.documentElement.scrollWidth,
    over,
    found,
    broken,
  };
})()`;

interface Probe {
  readonly pageWidth: number;
  readonly over: readonly string[];
  readonly found: number;
  readonly broken: readonly string[];
}

describe("the trace viewer on a phone, 390 px wide", () => {
  let phone: Page;
  beforeAll(async () => {
    if (!browser) throw new Error("no browser");
    phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(pathToFileURL(html).href);
  });

  it("fits: no lane overflows, the page does not scroll sideways", async () => {
    const p = (await phone.evaluate(LAYOUT_PROBE)) as Probe;
    expect(p.over).toEqual([]);
    expect(p.pageWidth).toBeLessThanOrEqual(390);
  });

  it("never breaks tb->active across lines", async () => {
    const p = (await phone.evaluate(LAYOUT_PROBE)) as Probe;
    expect(p.found).toBeGreaterThan(0);
    expect(p.broken).toEqual([]);
  });

  it("still steps with the keys", async () => {
    await phone.keyboard.press("End");
    expect(await phone.getAttribute(".row.current", "data-step")).toBe("9");
    const shot = join(work, "trace-viewer-390.png");
    await phone.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
  });
});
