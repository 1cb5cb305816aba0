import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { io } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { browserTestsUnavailable, type KioskState, launchChromium, speechWav } from "./kiosk-browser.ts";
import { SHOP_SECRET } from "../helpers/tokens.ts";
import { localServiceEnv } from "../services.ts";

const unavailable = browserTestsUnavailable({ flite: true });

// The fake microphone's file: this much silence, the request, then silence until the end.
const LEAD_MS = 3000;
const TAIL_MS = 6000;
const REQUEST = "show me running shoes";
/** KIOSK_SCREENSHOT=/tmp/some-dir saves what a shopper sees mid-conversation (for a person to look at). */
const screenshotDir = process.env.KIOSK_SCREENSHOT;

const state = (page: Page) => page.evaluate(() => (window as unknown as { kiosk: { state: KioskState } }).kiosk.state);
const waitFor = async (page: Page, what: string, predicate: string, timeout = 90_000) => {
  try {
    await page.waitForFunction(`(() => { const s = window.kiosk.state; return ${predicate}; })()`, undefined, { timeout, polling: 100 });
  } catch (err) {
    throw new Error(`${what}: not reached (${predicate}); page state: ${JSON.stringify(await state(page).catch(() => "unavailable"))}`, { cause: err });
  }
};

/**
 * The kiosk page in headless Chromium against the real service: its microphone is a WAV of flite's
 * slt voice (Chromium's fake capture device), so the whole path runs — AudioWorklet capture,
 * 16 kHz PCM16 over socket.io /voice, VAD, recognition, the turn, synthesis, playback in the page.
 */
describe.skipIf(unavailable)(`the kiosk page in Chromium against the running service${unavailable ? ` (${unavailable})` : ""}`, () => {
  let service: RunningService;
  let dataDir: string;
  let base: string;
  let wav: { file: string; speechMs: number };
  const browsers: Browser[] = [];
  const open = async (query: string, fakeMic = true) => {
    const browser = await launchChromium(fakeMic ? wav.file : undefined);
    browsers.push(browser);
    const page = await browser.newPage({ viewport: { width: 800, height: 1280 } });
    return { browser, page, go: () => page.goto(`${base}/kiosk${query}`) };
  };

  beforeAll(async () => {
    wav = speechWav(REQUEST, { leadMs: LEAD_MS, tailMs: TAIL_MS });
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-kiosk-"));
    const config = loadConfig(localServiceEnv(dataDir, { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET }));
    service = await startService(config, createLogger("silent"));
    base = `http://127.0.0.1:${service.port}`;
    await service.ready;
    // The voice models load on the first `start`; load them here so the pages' fake microphones
    // (which start playing when the page opens them) are not ahead of a session that is still loading.
    const warm = io(`${base}/voice`, { transports: ["websocket"], forceNew: true, reconnection: false });
    try {
      const ack = await warm.timeout(400_000).emitWithAck("start", { sampleRate: 16000, format: "pcm16", locale: "en" });
      if (!ack?.ok) throw new Error(`the voice namespace refused start: ${JSON.stringify(ack)}`);
    } finally {
      warm.close();
    }
  }, 600_000); // the catalogue import and the voice models' first load take minutes on a busy 2-core machine

  afterEach(async () => {
    for (const b of browsers.splice(0)) await b.close();
  });

  afterAll(async () => {
    await service?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (wav) await rm(path.dirname(wav.file), { recursive: true, force: true });
  });

  it("hands-free: transcribes the spoken request, shows product cards and plays the spoken reply", async () => {
    const { page, go } = await open("?lang=en&mode=hands-free");
    await go();
    await waitFor(page, "voice session started and microphone on", `s.started && s.mic === "on"`, 60_000);
    const started = await state(page);
    expect(started.session?.sampleRate).toBe(16000);
    expect(started.micSettings).toMatchObject({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });

    await waitFor(page, "a final transcript", "s.transcripts.length > 0");
    const heard = (await state(page)).transcripts[0]!.text.toLowerCase();
    expect(heard).toMatch(/running/);
    expect(heard).toMatch(/shoe/);
    await expect.poll(() => page.locator(".turn.shopper .bubble").first().textContent()).toMatch(/running/i);

    await waitFor(page, "the reply with products", "s.replies.some((r) => r.products.length > 0)");
    const reply = (await state(page)).replies.find((r) => r.products.length > 0)!;
    const cards = page.locator(".turn.assistant .card");
    expect(await cards.count()).toBe(reply.products.length);
    expect(await cards.first().locator(".title").textContent()).toBe(reply.products[0]!.title);
    expect(await cards.first().locator(".reason").textContent()).toBe(reply.products[0]!.reason);
    expect(await cards.first().locator("img").getAttribute("src")).toMatch(/^\/|^https?:/);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(await page.locator(".turn.assistant .bubble").last().textContent()).toBe(reply.text);
    if (reply.suggestions.length > 0) expect(await page.locator(".turn.assistant .chip").count()).toBe(reply.suggestions.length);

    // Played: the page reported the reply started and, after its last chunk, ended.
    await waitFor(page, "the spoken reply to start", `s.playback.some((p) => p.state === "started" && p.id === ${JSON.stringify(reply.id)})`);
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, "kiosk-speaking.png") });
    await waitFor(page, "the spoken reply to finish", `s.playback.some((p) => p.state === "ended" && p.id === ${JSON.stringify(reply.id)})`);
    const done = await state(page);
    const schedule = done.played.schedule.filter((c) => c.id === reply.id);
    expect(schedule.length).toBeGreaterThan(0);
    expect(schedule.map((c) => c.seq)).toEqual(schedule.map((_, i) => i));
    for (let i = 1; i < schedule.length; i++) expect(schedule[i]!.start).toBeCloseTo(schedule[i - 1]!.end, 6); // gap-free
    expect(done.played.seconds).toBeGreaterThan(0.5);
    expect(done.playback.filter((p) => p.id === reply.id)).toEqual([
      { state: "started", id: reply.id },
      { state: "ended", id: reply.id },
    ]);
    expect(done.sent.bytes % 2).toBe(0);
    expect(done.errors).toEqual([]);
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, "kiosk-done.png") });
  }, 240_000);

  it("push-to-talk: nothing is sent until the button is held; held over the request, released, it is answered", async () => {
    const { page, go } = await open("?lang=en&mode=push-to-talk");
    await go();
    await waitFor(page, "voice session started and microphone on", `s.started && s.mic === "on"`, 60_000);
    const before = await state(page);
    expect(before.mode).toBe("push-to-talk");
    expect(before.phase).toBe("ready");
    expect(before.sent.frames).toBe(0);
    // The press must come before the request starts in the fake microphone's file.
    if (before.micSeconds > LEAD_MS / 1000 - 0.5) throw new Error(`the page took too long to start: the request began before the button could be pressed (mic at ${before.micSeconds} s)`);

    const button = page.locator("#talk");
    await button.hover();
    await page.mouse.down();
    await waitFor(page, "the button held", "s.pttPressed && s.phase !== 'ready'", 10_000);
    expect(await button.getAttribute("aria-pressed")).toBe("true");
    // Hold until the microphone has delivered the whole request plus a little silence (audio time, not wall time).
    const releaseAt = (LEAD_MS + wav.speechMs + 600) / 1000;
    await waitFor(page, "the request to be captured", `s.micSeconds >= ${releaseAt}`, 30_000);
    await page.mouse.up();
    const released = await state(page);
    expect(released.pttPressed).toBe(false);
    expect(released.sent.frames).toBeGreaterThan(((wav.speechMs + 600) / 1000 / 0.02) * 0.9);

    await waitFor(page, "a final transcript", "s.transcripts.length > 0");
    const heard = (await state(page)).transcripts[0]!.text.toLowerCase();
    expect(heard).toMatch(/running/);
    await waitFor(page, "the reply with products", "s.replies.some((r) => r.products.length > 0)");
    expect(await page.locator(".turn.assistant .card").count()).toBeGreaterThan(0);
    await waitFor(page, "the spoken reply to start", `s.playback.some((p) => p.state === "started")`);
    const { id } = (await state(page)).playback.find((p) => p.state === "started")!;

    // Pressing again (space bar this time) while the reply plays cuts it off at once, and says so to the server.
    await page.keyboard.down("Space");
    const cut = await state(page);
    expect(cut.pttPressed).toBe(true);
    expect(cut.played.active).toBe(false);
    expect(cut.speaking).toBe(false);
    expect(cut.playback.filter((p) => p.id === id)).toEqual([
      { state: "started", id },
      { state: "ended", id, reason: "ptt" },
    ]);
    await page.keyboard.up("Space");
    expect((await state(page)).errors).toEqual([]);
  }, 240_000);

  it("switches to 中文 when the server can recognise Chinese, else says why and stays in English", async () => {
    const { page, go } = await open("?lang=en&mode=push-to-talk", false);
    await go();
    await waitFor(page, "voice session started", "s.started", 60_000);
    await page.click('#lang button[data-locale="zh"]');
    // Either the server accepts the new locale, or the page reverts to the settings its session still runs with.
    await waitFor(page, "the server's answer to the new locale", `s.accepted?.locale === "zh" || s.errors.some((e) => e.key === "start")`, 60_000);
    const s = await state(page);
    if (s.errors.some((e) => e.key === "start")) {
      expect(s.locale).toBe("en");
      expect(s.started).toBe(true);
      expect(s.error?.message).toMatch(/^The voice service could not start: .*whisper/);
      expect(await page.locator("#error").isVisible()).toBe(true);
      expect(await page.locator('#lang button[data-locale="en"]').getAttribute("aria-pressed")).toBe("true");
    } else {
      expect(s.locale).toBe("zh");
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
      expect(await page.locator("#phase").textContent()).toBe("按住按钮说话");
    }
  }, 120_000);

  it("says plainly when the assistant cannot be reached, and reconnects when it can", async () => {
    // Push-to-talk, so the fake device's beeps are never sent once connected.
    const { page, go } = await open("?lang=en&mode=push-to-talk", false);
    // Refuse socket.io's handshake (its long-polling requests), as a stopped service or a broken network would.
    const socketIo = /\/socket\.io\/\?/;
    await page.route(socketIo, (route) => route.abort("connectionrefused"));
    await go();
    const banner = page.locator("#error");
    await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await banner.textContent()).toMatch(/can.t reach the assistant/i);
    expect(await page.locator("#phase").textContent()).toMatch(/can.t reach the assistant/i);
    expect(await page.locator("#conn").getAttribute("data-state")).toBe("offline");
    const down = await state(page);
    expect(down.connected).toBe(false);
    expect(down.phase).toBe("offline");

    await page.unroute(socketIo);
    await waitFor(page, "reconnected and the voice session started again", "s.connected && s.started", 30_000);
    expect(await banner.isVisible()).toBe(false);
    expect(await page.locator("#conn").getAttribute("data-state")).toBe("online");
  }, 120_000);
});
