import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pixelmatch from "pixelmatch";
import type { Browser, Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { ReviewLog } from "../../intents/review/index.ts";
import { adminRouter } from "../../bot/http/admin.ts";
import { Experiments } from "../../recommend/experiments/index.ts";
import { createStore, type ExperimentEvent, type ShopperEvent, type Store } from "../../store/index.ts";
import { type Harness, startHarness, testConfig, testIdentity } from "../bot/harness.ts";
import { localServiceEnv } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";
import { browserTestsUnavailable, launchChromium } from "./kiosk-browser.ts";

const TOKEN = "dashboard-admin-token-5a1e9c";
const SCREENSHOT = path.resolve(import.meta.dirname, "../../docs/images/admin.png");
const skip = browserTestsUnavailable();

/** The charts the dashboard draws, by their data-chart name: every one must show seeded data. */
const CHARTS = [
  "activity-volume",
  "activity-latency",
  "activity-errors",
  "catalogue-imports",
  "segments-sizes",
  "experiment-rates",
  "sentiment-over-time",
  "sentiment-negative",
  "unanswered-outOfScope",
  "unanswered-unsure",
];

describe.skipIf(skip)("the admin dashboard in Chromium", () => {
  let service: RunningService;
  let dataDir: string;
  let base: string;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const consoleErrors: string[] = [];
  const clients: ChatClient[] = [];
  const admin = (pathname: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${base}${pathname}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { authorization: `Bearer ${TOKEN}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-admin-ui-"));
    service = await startService(loadConfig(localServiceEnv(dataDir, { CONCIERGE_ADMIN_TOKEN: TOKEN })), createLogger("silent"));
    base = `http://127.0.0.1:${service.port}`;
    await service.ready;
    const store = service.store;
    const products = (await store.catalogue.allProducts()).filter((p) => p.locale !== "zh").slice(0, 40);
    const now = Date.now();

    // Turns through the real chat socket (activity, latency, conversations), and one refused message (an error).
    for (const text of ["show me running shoes under 100", "do you have a green hoodie", "hello"]) {
      const client = await connectChat(service.port);
      clients.push(client);
      expect((await client.send(text)).reply.error).toBeUndefined();
    }
    expect((await clients[0]!.send("")).reply.error?.code).toBe("invalid_input");

    // Shoppers' events across the catalogue, then a segmentation over them.
    const events: ShopperEvent[] = [];
    for (let u = 0; u < 40; u++) {
      for (let k = 0; k < 6; k++) events.push({ userId: `seed-${u}`, itemId: products[(u % 4) * 10 + k]!.id, type: k === 0 ? "purchase" : "view", ts: now - (u + k) * 3_600_000 });
    }
    await store.shoppers.addEvents(events);
    expect((await admin("/api/admin/segments/run", { body: { k: 3 } })).status).toBe(200);

    // An experiment whose control was shown far more often than its weight says: a sample ratio mismatch.
    expect((await admin("/api/admin/experiments", { body: { id: "hero-banner", name: "Hero banner", variants: [{ name: "A" }, { name: "B" }] } })).status).toBe(201);
    const exposures: ExperimentEvent[] = [];
    const seedVariant = (variant: string, n: number, clicks: number, purchases: number) => {
      for (let i = 0; i < n; i++) {
        const userId = `exp-${variant}-${i}`;
        exposures.push({ experimentId: "hero-banner", userId, variant, type: "exposure", ts: now - 1000 });
        if (i < clicks) exposures.push({ experimentId: "hero-banner", userId, variant, type: "click", ts: now - 500 });
        if (i < purchases) exposures.push({ experimentId: "hero-banner", userId, variant, type: "purchase", ts: now - 100 });
      }
    };
    seedVariant("A", 300, 30, 9);
    seedVariant("B", 180, 36, 12);
    await store.experiments.addExperimentEvents(exposures);

    // Feedback with sentiment, one of them carrying an e-mail address that must never be shown.
    const [worst, middling] = products;
    const feedback = [
      { itemId: worst!.id, text: "Terrible, awful quality, it broke after a day. Write to jane.doe@example.com", rating: 1, ts: now - 2 * 86_400_000 },
      { itemId: worst!.id, text: "Bad fit and poor stitching, very disappointed", rating: 2, ts: now - 86_400_000 },
      { itemId: middling!.id, text: "Great hoodie, love it", rating: 5, ts: now - 86_400_000 },
      { itemId: middling!.id, text: "Horrible colour, bad", rating: 2, ts: now - 3 * 86_400_000 },
    ];
    expect((await admin("/api/admin/feedback", { body: feedback })).status).toBe(201);

    // The review log the service fills (out of scope, unsure), as it writes it.
    const log = new ReviewLog(dataDir);
    const oos = ["what is the weather on mars", "what's the weather on mars today", "can you book me a taxi", "who won the football match"];
    for (const [i, text] of oos.entries()) for (let k = 0; k <= i % 2; k++) await log.add({ text, locale: "en", intent: "oos", confidence: 0.2, at: now - i });
    for (const text of ["do you gift wrap", "can you gift wrap it", "is delivery free on sundays"]) await log.add({ text, locale: "en", intent: "product_question", confidence: 0.4, at: now });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    page.on("request", (r) => requested.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await service?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves chart.js from the service, and the page needs nothing from elsewhere", async () => {
    const res = await fetch(`${base}/admin/chart.umd.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(await res.text()).toMatch(/Chart/);
    const page = await fetch(`${base}/admin`);
    expect(await page.text()).not.toMatch(/https?:\/\//);
    // Only its own scripts, only this service, never framed: the browser enforces what the tests below rely on.
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self';.*connect-src 'self';.*frame-ancestors 'none'/);
  });

  it("refuses a wrong token in plain words, then signs in with the right one through the form", async () => {
    await page.goto(`${base}/admin`);
    const form = page.locator('[data-concierge="admin-token"]');
    await form.waitFor({ state: "visible" });
    await form.locator("input").fill("not-the-token");
    await form.locator("button[type=submit]").click();
    await expect.poll(() => page.locator("#signin-error").textContent()).toMatch(/not right/);
    expect(await page.locator("#dashboard").isHidden()).toBe(true);

    await form.locator("input").fill(TOKEN);
    await form.locator("button[type=submit]").click();
    await page.waitForFunction(() => (window as unknown as { conciergeAdmin: { loaded: boolean } }).conciergeAdmin.loaded, undefined, { timeout: 30_000 });
    const state = await page.evaluate(() => (window as unknown as { conciergeAdmin: { panels: Record<string, string>; errors: unknown[] } }).conciergeAdmin);
    expect(state.errors).toEqual([]);
    expect(Object.values(state.panels).every((p) => p === "ok")).toBe(true);
    // Kept for the tab only, and never in an address.
    expect(await page.evaluate(() => sessionStorage.getItem("concierge.admin.token"))).toBe(TOKEN);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(page.url()).not.toContain(TOKEN);
    expect(requested.some((u) => u.includes(TOKEN))).toBe(false);
    expect(requested.every((u) => u.startsWith(base))).toBe(true);
    // The refused sign-in is the only error the console saw (no policy violation, no script error).
    expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it("draws every chart with data points on a canvas that is not blank", async () => {
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-concierge="chart"]')).map((canvas) => {
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } }).Chart.getChart(canvas);
        const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined && v !== 0).length, 0) : 0;
        const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return { name: canvas.dataset.chart, points, painted, label: canvas.getAttribute("aria-label") ?? "", width: canvas.width };
      }),
    );
    expect(charts.map((c) => c.name).sort()).toEqual([...CHARTS].sort());
    for (const c of charts) {
      expect(c.points, c.name).toBeGreaterThan(0);
      expect(c.painted, c.name).toBeGreaterThan(500);
      expect(c.label.length, c.name).toBeGreaterThan(10);
    }
    // Each chart's numbers are also a table, for screen readers.
    expect(await page.locator(".chart details.numbers table").count()).toBe(CHARTS.length);
  });

  it("shows the seeded numbers: turns, imports, the sample ratio warning, redacted negative examples, questions to teach", async () => {
    expect(Number((await page.locator('[data-total="turns"]').textContent())!.replace(/,/g, ""))).toBeGreaterThanOrEqual(3);
    expect(Number((await page.locator('[data-total="products"]').textContent())!.replace(/,/g, ""))).toBe(1200);
    await expect.poll(() => page.locator('[data-concierge="sample-ratio-warning"]').isVisible()).toBe(true);
    const examples = await page.locator('#sentiment [data-list="negative"]').textContent();
    expect(examples).toMatch(/broke after a day/);
    expect(examples).toContain("[email]");
    expect(examples).not.toContain("jane.doe@example.com");
    const oos = await page.locator('#unanswered [data-list="outOfScope"]').textContent();
    expect(oos).toMatch(/weather on mars/);
    expect(await page.locator('#unanswered [data-list="unsure"]').textContent()).toMatch(/gift wrap/);
  });

  it("matches the committed screenshot loosely (or writes it with CONCIERGE_UPDATE_SCREENSHOTS=1)", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 900 } });
    if (process.env.CONCIERGE_UPDATE_SCREENSHOTS === "1" || !existsSync(SCREENSHOT)) {
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      writeFileSync(SCREENSHOT, shot);
      // The whole page, for the docs only: its height follows the data, so it is not compared.
      writeFileSync(SCREENSHOT.replace(/\.png$/, "-full.png"), await page.screenshot({ fullPage: true }));
      return;
    }
    const expected = PNG.sync.read(readFileSync(SCREENSHOT));
    const actual = PNG.sync.read(shot);
    expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
    // The hours on the axes, the measured latencies and the clock move between runs: measured here at
    // 0.02 % of pixels within an hour and 0.08 % across one. One chart of the view left blank differs by
    // 0.24–0.54 %, the activity panel's charts by 1.3 %: the bound sits between.
    const differing = pixelmatch(expected.data, actual.data, undefined, actual.width, actual.height, { threshold: 0.2 });
    expect(differing / (actual.width * actual.height)).toBeLessThan(0.002);
  });

  it("writes copy variants and starts an A/B test with them", async () => {
    const product = (await service.store.catalogue.allProducts()).find((p) => p.locale !== "zh")!;
    const form = page.locator("#copy-form");
    await form.locator("input[name=productId]").fill(product.id);
    await form.locator("select[name=tone]").selectOption("playful");
    await form.locator("select[name=channel]").selectOption("email");
    await form.locator("button[type=submit]").click();
    await page.locator('[data-concierge="copy-variant"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-concierge="copy-variant"]').count()).toBe(3);
    await page.locator('[data-concierge="copy-start-test"]').click();
    await page.locator("#copy-result .ok").waitFor();
    const { experiments } = (await (await admin("/api/admin/experiments")).json()) as { experiments: { id: string; name: string; status: string; variants: { config: { copy?: string } }[] }[] };
    const started = experiments.find((e) => e.name.includes(product.id));
    expect(started?.status).toBe("running");
    expect(started!.variants).toHaveLength(3);
    expect(JSON.parse(started!.variants[0]!.config.copy!)).toBeTypeOf("object");
  });

  it("stops an experiment with its stop button", async () => {
    await page.locator('#experiments select[name="experiment"]').selectOption("hero-banner");
    const stop = page.locator('[data-concierge="experiment-stop"][data-id="hero-banner"]');
    await stop.waitFor();
    await stop.click();
    await page.locator("#experiments .status").waitFor();
    expect(await page.locator("#experiments .status").textContent()).toMatch(/Stopped/);
    const experiment = (await (await admin("/api/admin/experiments/hero-banner")).json()) as { status: string };
    expect(experiment.status).toBe("stopped");
  });

  it("edits a reply: a bad one is refused naming the key, a good one is saved and answers the next shopper", async () => {
    const replies = page.locator('[data-concierge="replies"]');
    const greeting = replies.locator('textarea[name="greetNew"]');
    await greeting.waitFor();
    expect(await greeting.inputValue()).toMatch(/^Hi! I'm your shop assistant/);

    await replies.locator('textarea[name="priceOf"]').fill("On sale today!");
    await replies.locator('[data-concierge="replies-save"]').click();
    await expect.poll(() => replies.locator(".panel-error").textContent()).toContain("en.priceOf: missing placeholder {title}");

    await replies.locator('textarea[name="priceOf"]').fill("{title} costs {price}.");
    await greeting.fill("Welcome to the Northwind shop! What are you looking for?");
    await replies.locator('[data-concierge="replies-save"]').click();
    await expect.poll(() => replies.locator("[data-replies-status]").textContent()).toMatch(/Saved/);
    expect(readFileSync(path.join(dataDir, "replies.yaml"), "utf8")).toContain("Welcome to the Northwind shop!");
    expect(readFileSync(path.join(dataDir, "replies.yaml"), "utf8")).not.toContain("priceOf");

    const client = await connectChat(service.port);
    clients.push(client);
    expect((await client.send("hello")).reply.text).toBe("Welcome to the Northwind shop! What are you looking for?");
    // Back to the shipped wording for the tests that follow: an empty set of overrides.
    expect((await admin("/api/admin/replies", { method: "PUT", body: {} })).status).toBe(200);
  });

  it("signs out: the token is forgotten and the form is back", async () => {
    await page.locator("#signout").click();
    await page.locator('[data-concierge="admin-token"]').waitFor({ state: "visible" });
    expect(await page.evaluate(() => sessionStorage.getItem("concierge.admin.token"))).toBeNull();
    await page.reload();
    await page.locator('[data-concierge="admin-token"]').waitFor({ state: "visible" });
    expect(await page.locator("#dashboard").isHidden()).toBe(true);
  });

  it("keeps the last turns' counts through a clean stop (flushed at shutdown, not lost)", async () => {
    const before = (await (await admin("/api/admin/activity")).json()) as { totals: { turns: number } };
    const client = await connectChat(service.port);
    clients.push(client);
    await client.send("show me a red hat");
    await client.send("thanks");
    client.close();
    const running = service;
    service = undefined as unknown as RunningService;
    await running.close();
    const store = createStore({ dataDir });
    await store.init();
    try {
      const to = Math.ceil((Date.now() + 1) / 3_600_000) * 3_600_000;
      const { counts } = await store.activity.activity({ from: to - 48 * 3_600_000, to, bucketMs: 3_600_000 });
      const turns = counts.filter((c) => c.metric === "turns").reduce((n, c) => n + c.count, 0);
      expect(turns).toBe(before.totals.turns + 2);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(skip)("the admin dashboard without an admin token, on this machine", () => {
  let dir: string;
  let store: Store;
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-admin-loopback-"));
    store = createStore({ dataDir: dir });
    await store.init();
    const config = testConfig();
    const identity = await testIdentity(config);
    const experiments = new Experiments({ store });
    harness = await startHarness({
      config,
      identity: () => identity,
      admin: adminRouter({ logger: createLogger("silent"), segments: () => undefined, experiments: () => experiments, store: () => store, identity: () => identity }),
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("opens without asking (only this machine may), and after signing out takes an empty token", async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.url}/admin`);
    await page.waitForFunction(() => (window as unknown as { conciergeAdmin: { loaded: boolean } }).conciergeAdmin?.loaded, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { conciergeAdmin: { mode: string } }).conciergeAdmin.mode)).toBe("loopback");
    expect(await page.locator('[data-concierge="admin-token"]').isHidden()).toBe(true);
    expect(await page.locator("#who").textContent()).toMatch(/this machine/);
    // With nothing recorded, a chart says so instead of drawing empty axes.
    expect(await page.locator("#experiments .empty").textContent()).toMatch(/No experiments yet/);

    await page.locator("#signout").click();
    await page.reload();
    const form = page.locator('[data-concierge="admin-token"]');
    await form.waitFor({ state: "visible" });
    await form.locator("button[type=submit]").click();
    await page.locator("#dashboard").waitFor({ state: "visible" });
  });
});
