import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { localServiceEnv } from "../services.ts";
import { browserTestsUnavailable, launchChromium, speechWav } from "./kiosk-browser.ts";
import { embedTag, type ShopSite, startShopSite } from "./shop-site.ts";

const unavailable = browserTestsUnavailable({ flite: true });
const LEAD_MS = 1000;
const TAIL_MS = 8000;
const REQUEST = "show me running shoes";
const hook = (value: string) => `[data-concierge="${value}"]`;

/** What went over the page's socket.io connections, as socket.io text frames (binary audio frames counted). */
function recordSockets(page: Page) {
  const sent: string[] = [];
  const received: string[] = [];
  let binaryReceived = 0;
  page.on("websocket", (ws) => {
    if (!ws.url().includes("/socket.io/")) return;
    ws.on("framesent", (f) => typeof f.payload === "string" && sent.push(f.payload));
    ws.on("framereceived", (f) => (typeof f.payload === "string" ? received.push(f.payload) : binaryReceived++));
  });
  return { sent, received, binaryReceived: () => binaryReceived };
}

/**
 * Push-to-talk in the embedded widget: Chromium's fake microphone plays flite saying the request,
 * the widget (on a shop's origin) streams it over /voice with the kiosk's capture modules loaded
 * cross-origin, shows what was heard and the answer, and plays the spoken reply.
 */
describe.skipIf(unavailable)(`the widget's microphone in Chromium${unavailable ? ` (${unavailable})` : ""}`, () => {
  let service: RunningService;
  let shop: ShopSite;
  let serviceUrl: string;
  let dataDir: string;
  let browser: Browser;
  let wav: { file: string; speechMs: number };

  beforeAll(async () => {
    wav = speechWav(REQUEST, { leadMs: LEAD_MS, tailMs: TAIL_MS });
    shop = await startShopSite(() => `<!doctype html><title>Shop</title><h1>Shop</h1>${embedTag(`${serviceUrl}/widget.js`, { "data-concierge-url": serviceUrl })}`);
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-widget-voice-"));
    service = await startService(loadConfig(localServiceEnv(dataDir, { CONCIERGE_ALLOWED_ORIGINS: shop.origin })), createLogger("silent"));
    serviceUrl = `http://127.0.0.1:${service.port}`;
    await service.ready;
    // The voice models load on the first `start`: loaded here, so the fake microphone is not ahead of the session.
    const warm = io(`${serviceUrl}/voice`, { transports: ["websocket"], forceNew: true, reconnection: false });
    try {
      const ack = await warm.timeout(400_000).emitWithAck("start", { sampleRate: 16000, format: "pcm16", locale: "en" });
      if (!ack?.ok) throw new Error(`the voice namespace refused start: ${JSON.stringify(ack)}`);
    } finally {
      warm.close();
    }
    browser = await launchChromium(wav.file);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await shop?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (wav) await rm(path.dirname(wav.file), { recursive: true, force: true });
  });

  it("held over the spoken request and released: the transcript, the answer with cards, and the reply played", async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    const frames = recordSockets(page);
    try {
      await page.goto(`${shop.origin}/`);
      await page.locator(hook("launcher")).click();
      await expect.poll(() => page.locator('[role="status"]').textContent(), { timeout: 20_000 }).toBe("Online");
      const mic = page.locator(hook("mic"));
      expect(await mic.getAttribute("aria-label")).toBe("Hold to talk");
      await mic.hover();
      await page.mouse.down();
      expect(await mic.getAttribute("aria-pressed")).toBe("true");
      // Live once the server acknowledged start and was told the button is down; the fake file starts when the microphone opens, just before.
      await expect.poll(() => frames.sent.some((f) => f.includes('"ptt"') && f.includes('"pressed":true')), { timeout: 30_000 }).toBe(true);
      await page.waitForTimeout(LEAD_MS + wav.speechMs + 1200);
      await page.mouse.up();
      expect(await mic.getAttribute("aria-pressed")).toBe("false");
      expect(frames.sent.some((f) => f.includes('"ptt"') && f.includes('"pressed":false'))).toBe(true);

      const user = page.locator(`${hook("message")}[data-role="user"]`);
      await expect.poll(() => user.count(), { timeout: 90_000 }).toBeGreaterThan(0);
      expect((await user.last().locator(".bubble").textContent())!.toLowerCase()).toMatch(/running/);
      const answer = page.locator(`${hook("message")}[data-role="assistant"]`).last();
      await expect.poll(() => answer.getAttribute("aria-busy"), { timeout: 90_000 }).toBeNull();
      expect(await answer.locator(hook("card")).count()).toBeGreaterThan(0);
      expect((await answer.locator(".bubble").textContent())!.length).toBeGreaterThan(0);

      // The reply's audio arrived and the page's player reported it started and, after its last chunk, ended.
      await expect.poll(() => frames.sent.some((f) => f.includes('"playback"') && f.includes('"ended"')), { timeout: 90_000 }).toBe(true);
      expect(frames.sent.some((f) => f.includes('"playback"') && f.includes('"started"'))).toBe(true);
      expect(frames.received.some((f) => f.includes('"audio:end"'))).toBe(true);
      expect(frames.binaryReceived()).toBeGreaterThan(0);
      expect(await page.locator('[role="alert"]').isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  }, 300_000);
});
