import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import pixelmatch from "pixelmatch";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { localServiceEnv } from "../services.ts";
import { browserTestsUnavailable, launchChromium } from "./kiosk-browser.ts";
import { embedTag, type ShopSite, startShopSite } from "./shop-site.ts";

const unavailable = browserTestsUnavailable();
const REFERENCE = path.resolve(import.meta.dirname, "../../docs/images/widget.png");
const VIEWPORT = { width: 900, height: 760 };
/** A shop stylesheet that would wreck any widget living in the page's own DOM. */
const AGGRESSIVE_CSS = `* { font-size: 40px !important; display: block !important; padding: 20px !important; margin: 10px !important;
  box-sizing: content-box !important; line-height: 3 !important; color: magenta !important; background: yellow !important;
  position: static !important; width: auto !important; height: auto !important; border: 5px solid red !important; }
  button, input, div, section { all: revert !important; font-size: 40px !important; }`;

const hook = (value: string) => `[data-concierge="${value}"]`;

/** Which data-concierge element (inside the widget's shadow root) has the focus. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const host = document.querySelector("concierge-widget");
    return document.activeElement === host ? (host?.shadowRoot?.activeElement?.getAttribute("data-concierge") ?? "(none)") : (document.activeElement?.tagName ?? null);
  });

/** The widget's state as a shopper sees it, through the data-concierge hooks only. */
const assistantMessages = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelector("concierge-widget")?.shadowRoot?.querySelectorAll('[data-concierge="message"][data-role="assistant"]') ?? []).map((m) => ({
      busy: m.getAttribute("aria-busy") === "true",
      text: m.querySelector(".bubble")?.textContent ?? "",
      cards: Array.from(m.querySelectorAll('[data-concierge="card"]')).map((c) => ({ title: c.querySelector(".title")?.textContent, price: c.querySelector(".price")?.textContent, image: c.querySelector("img")?.getAttribute("src") })),
      suggestions: Array.from(m.querySelectorAll('[data-concierge="suggestion"]')).map((s) => s.textContent),
    })),
  );

/**
 * The widget embedded in a shop's page on another origin than the service, in Debian's Chromium,
 * against the real service (built-in models, templated replies).
 */
describe.skipIf(unavailable)(`the widget embedded cross-origin in Chromium${unavailable ? ` (${unavailable})` : ""}`, () => {
  let service: RunningService;
  let shop: ShopSite;
  let serviceUrl: string;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    shop = await startShopSite((url) => {
      const q = url.searchParams;
      const attributes: Record<string, string> = { "data-concierge-url": serviceUrl };
      for (const name of ["token", "locale", "theme", "accent"]) if (q.has(name)) attributes[`data-${name}`] = q.get(name)!;
      return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Running shop</title>
        <style>body{margin:0;font:16px/1.5 Georgia,serif;background:#f4efe6;color:#222}h1{margin:0;padding:24px 32px;background:#233;color:#fff}p{padding:0 32px}
        ${q.get("css") === "aggressive" ? AGGRESSIVE_CSS : ""}</style></head>
        <body><h1>Running shop</h1><p>Shoes, socks and everything for the road.</p><button id="shop-button">Shop button</button>
        ${embedTag(`${serviceUrl}/widget.js`, attributes)}</body></html>`;
    });
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-widget-"));
    const config = loadConfig(localServiceEnv(dataDir, { CONCIERGE_ALLOWED_ORIGINS: shop.origin, CONCIERGE_IDENTITY_SECRET: SHOP_SECRET }));
    service = await startService(config, createLogger("silent"));
    serviceUrl = `http://127.0.0.1:${service.port}`;
    await service.ready;
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await shop?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function openShop(query = "", origin = shop.origin): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: "reduce", locale: "en-US", deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${origin}/${query}`);
    await page.locator(hook("launcher")).waitFor({ timeout: 20_000 });
    return { context, page };
  }

  async function askAndWait(page: Page, text: string) {
    const before = (await assistantMessages(page)).length;
    await page.locator(hook("input")).fill(text);
    await page.locator(hook("send")).click();
    await expect.poll(async () => (await assistantMessages(page)).slice(before).some((m) => !m.busy), { timeout: 60_000 }).toBe(true);
    return (await assistantMessages(page)).at(-1)!;
  }

  /** Everything the page asked for, so a test can say what never appeared in a URL. */
  function recordUrls(page: Page): string[] {
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    page.on("websocket", (ws) => urls.push(ws.url()));
    return urls;
  }

  it("looks like the reference screenshot with a reply and its product cards (docs/images/widget.png)", async () => {
    const { context, page } = await openShop();
    try {
      await page.locator(hook("launcher")).click();
      const reply = await askAndWait(page, "running shoes");
      expect(reply.cards.length).toBeGreaterThan(0);
      // Final state only: every card image decoded, fonts loaded, nothing moving.
      await page.waitForFunction(() => Array.from(document.querySelector("concierge-widget")?.shadowRoot?.querySelectorAll("img") ?? []).every((i) => i.complete && i.naturalWidth > 0));
      await page.evaluate(() => document.fonts.ready);
      await page.evaluate(() => {
        const log = document.querySelector("concierge-widget")?.shadowRoot?.querySelector(".log");
        if (log) log.scrollTop = 0;
      });
      const shot = PNG.sync.read(await page.screenshot({ animations: "disabled", caret: "hide" }));
      if (process.env.CONCIERGE_UPDATE_SCREENSHOTS === "1" || !existsSync(REFERENCE)) {
        if (!existsSync(REFERENCE) && process.env.CI) throw new Error(`${REFERENCE} is missing; run the test once with CONCIERGE_UPDATE_SCREENSHOTS=1 and commit it`);
        writeFileSync(REFERENCE, PNG.sync.write(shot));
        console.warn(`[screenshot] wrote ${REFERENCE}`);
        return;
      }
      const reference = PNG.sync.read(readFileSync(REFERENCE));
      expect([shot.width, shot.height]).toEqual([reference.width, reference.height]);
      const diff = new PNG({ width: shot.width, height: shot.height });
      // Per-pixel threshold absorbs anti-aliasing; 1 % of the pixels may differ (a font hinting change), a moved or missing card does not fit in that.
      const differing = pixelmatch(shot.data, reference.data, diff.data, shot.width, shot.height, { threshold: 0.15 });
      const share = differing / (shot.width * shot.height);
      if (share > 0.01) {
        const out = path.join(tmpdir(), "widget-diff.png");
        writeFileSync(out, PNG.sync.write(diff));
        writeFileSync(path.join(tmpdir(), "widget-actual.png"), PNG.sync.write(shot));
        throw new Error(`the widget differs from ${REFERENCE} in ${(share * 100).toFixed(2)} % of its pixels; see ${out} (rewrite with CONCIERGE_UPDATE_SCREENSHOTS=1 if the change is intended)`);
      }
    } finally {
      await context.close();
    }
  }, 120_000);

  it("opens from the launcher, streams the answer to 'running shoes' with priced cards, follows a suggestion, and Escape closes back to the launcher", async () => {
    const { context, page } = await openShop();
    const urls = recordUrls(page);
    try {
      const launcher = page.locator(hook("launcher"));
      expect(await launcher.getAttribute("aria-expanded")).toBe("false");
      expect(await launcher.getAttribute("aria-label")).toBe("Open the shop assistant");
      await launcher.click();
      expect(await launcher.getAttribute("aria-expanded")).toBe("true");
      expect(await focused(page)).toBe("input");
      expect(await page.locator('[role="log"]').getAttribute("aria-live")).toBe("polite");
      expect(await page.locator(hook("send")).getAttribute("aria-label")).toBe("Send");
      await expect.poll(() => page.locator('[role="status"]').textContent(), { timeout: 20_000 }).toBe("Online");

      // Streamed: text shows up in the answer while it is still being written (aria-busy), before the final reply.
      await page.evaluate(() => {
        const root = document.querySelector("concierge-widget")!.shadowRoot!;
        const seen: string[] = [];
        (window as unknown as { streamed: string[] }).streamed = seen;
        new MutationObserver(() => {
          for (const b of Array.from(root.querySelectorAll('[data-concierge="message"][aria-busy="true"] .bubble:not(.typing)'))) if (b.textContent) seen.push(b.textContent);
        }).observe(root, { subtree: true, childList: true, characterData: true });
      });
      const reply = await askAndWait(page, "running shoes");
      const streamed = await page.evaluate(() => (window as unknown as { streamed: string[] }).streamed);
      expect(streamed.length).toBeGreaterThan(0);
      expect(reply.text.startsWith(streamed[0]!)).toBe(true);
      expect(reply.text.length).toBeGreaterThan(0);
      const user = page.locator(`${hook("message")}[data-role="user"]`);
      expect(await user.last().locator(".bubble").textContent()).toBe("running shoes");

      expect(reply.cards.length).toBeGreaterThan(0);
      for (const card of reply.cards) {
        expect(card.title).toBeTruthy();
        expect(card.price).toMatch(/\d/);
        expect(card.image).toMatch(new RegExp(`^${serviceUrl}/|^https?://`));
      }

      // A suggestion (or, without one, a card's "tell me more") is sent and answered.
      const next = reply.suggestions.length > 0 ? page.locator(hook("suggestion")).last() : page.locator(hook("more")).first();
      const asked = (await next.textContent())!;
      const count = (await assistantMessages(page)).length;
      await next.click();
      await expect.poll(async () => (await assistantMessages(page)).slice(count).some((m) => !m.busy && m.text.length > 0), { timeout: 60_000 }).toBe(true);
      expect(await user.count()).toBe(2);
      if (reply.suggestions.length > 0) expect(await user.last().locator(".bubble").textContent()).toBe(asked);

      // Keyboard order after the message box: the microphone, then send.
      await page.locator(hook("input")).focus();
      await page.keyboard.press("Tab");
      expect(await focused(page)).toBe("mic");
      await page.keyboard.press("Tab");
      expect(await focused(page)).toBe("send");
      await page.locator(hook("input")).focus();
      await page.keyboard.press("Escape");
      expect(await page.locator('[role="dialog"]').isHidden()).toBe(true);
      expect(await launcher.getAttribute("aria-expanded")).toBe("false");
      expect(await focused(page)).toBe("launcher");

      // The server's anonymous identity is kept on the shop's origin: after a reload it is the same visitor.
      const anonymous = await page.evaluate(() => localStorage.getItem("concierge.anonymousToken"));
      expect(anonymous).toMatch(/\S{20,}/);
      const visitor = String(decodeJwt(anonymous!).sub);
      expect(visitor).toMatch(/^anon:/);
      await page.reload();
      await page.locator(hook("launcher")).click();
      await expect.poll(() => page.locator('[role="status"]').textContent(), { timeout: 20_000 }).toBe("Online");
      await askAndWait(page, "show me tents");
      expect(await page.evaluate(() => localStorage.getItem("concierge.anonymousToken"))).toBe(anonymous);
      await service.flush();
      const said = (await service.store.conversations.messagesForUser(visitor)).filter((m) => m.role === "user").map((m) => m.text);
      expect(said).toEqual(expect.arrayContaining(["running shoes", "show me tents"]));
      expect(urls.some((u) => u.includes(anonymous!))).toBe(false);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("speaks as the shop's customer with data-token, which never appears in a URL; a forged token is refused in plain words", async () => {
    const token = await customerToken("widget-runner");
    const { context, page } = await openShop(`?token=${encodeURIComponent(token)}`);
    const urls = recordUrls(page);
    try {
      await page.locator(hook("launcher")).click();
      await expect.poll(() => page.locator('[role="status"]').textContent(), { timeout: 20_000 }).toBe("Online");
      const reply = await askAndWait(page, "hello");
      expect(reply.text.length).toBeGreaterThan(0);
      expect(urls.length).toBeGreaterThan(0);
      expect(urls.filter((u) => u.includes(token) || u.includes(encodeURIComponent(token)))).toEqual([]);
      // A customer's identity is the shop's token, not an anonymous one kept in the browser.
      expect(await page.evaluate(() => localStorage.getItem("concierge.anonymousToken"))).toBeNull();
      await service.flush();
      expect((await service.store.conversations.messagesForUser("customer:widget-runner")).some((m) => m.text === "hello")).toBe(true);
    } finally {
      await context.close();
    }
    const forged = await customerToken("widget-runner", { secret: "not-the-shop-secret-0123456789abcdef" });
    const other = await openShop(`?token=${encodeURIComponent(forged)}`);
    try {
      await other.page.locator(hook("launcher")).click();
      await expect.poll(() => other.page.locator('[role="alert"]').textContent(), { timeout: 20_000 }).toBe("We couldn't confirm who you are. Please reload the page and sign in again.");
      expect(await other.page.locator('[role="status"]').getAttribute("data-state")).toBe("offline");
      // Not quietly continued as an anonymous visitor either.
      expect(await other.page.evaluate(() => localStorage.getItem("concierge.anonymousToken"))).toBeNull();
    } finally {
      await other.context.close();
    }
  }, 120_000);

  it("the service's own / is a demo shop page embedding the widget with a script tag, and it chats same-origin", async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    try {
      await page.goto(`${serviceUrl}/`);
      expect(await page.locator('script[src="/widget.js"][data-concierge-url][async]').count()).toBe(1);
      await page.locator(hook("launcher")).click();
      await expect.poll(() => page.locator('[role="status"]').textContent(), { timeout: 20_000 }).toBe("Online");
      const reply = await askAndWait(page, "running shoes");
      expect(reply.cards.length).toBeGreaterThan(0);
      // An answer from the shop's documents names where it came from.
      await askAndWait(page, "how many days do I have to return something?");
      const sources = await page.evaluate(() => {
        const root = document.querySelector("concierge-widget")?.shadowRoot;
        const lines = root?.querySelectorAll('[data-concierge="message"] [data-concierge="sources"]') ?? [];
        const last = lines[lines.length - 1];
        return last ? Array.from(last.querySelectorAll('[data-concierge="source"]')).map((s) => s.textContent ?? "") : [];
      });
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.join(" ")).toMatch(/return/i);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("refuses a page of an origin CONCIERGE_ALLOWED_ORIGINS does not list, and says so in plain words", async () => {
    const { context, page } = await openShop("", shop.otherOrigin);
    try {
      await page.locator(hook("launcher")).click();
      await expect.poll(() => page.locator('[role="alert"]').textContent(), { timeout: 20_000 }).toBe("Can't reach the assistant right now. Trying again…");
      expect(await page.locator('[role="status"]').textContent()).not.toBe("Online");
      // No CORS grant for it either: the browser keeps the service's responses from the page.
      const read = await page.evaluate(async (url) => {
        try {
          await fetch(`${url}/widget-voice.js`);
          return "read";
        } catch {
          return "blocked";
        }
      }, serviceUrl);
      expect(read).toBe("blocked");
      const socketIo = await page.evaluate(async (url) => {
        try {
          await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
          return "read";
        } catch {
          return "blocked";
        }
      }, serviceUrl);
      expect(socketIo).toBe("blocked");
    } finally {
      await context.close();
    }
  }, 60_000);

  it("keeps its layout under a shop's aggressive global CSS and adds no styles to the shop's page", async () => {
    const measure = async (query: string) => {
      const { context, page } = await openShop(query);
      try {
        const styleSheetsBefore = await page.evaluate(() => document.styleSheets.length);
        await page.locator(hook("launcher")).click();
        await page.locator(hook("input")).waitFor();
        const box = async (value: string) => {
          const b = await page.locator(hook(value)).boundingBox();
          return b && { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
        };
        const input = page.locator(hook("input"));
        return {
          launcher: await box("launcher"),
          input: await box("input"),
          send: await box("send"),
          panel: await (async () => {
            const b = await page.locator('[role="dialog"]').boundingBox();
            return b && { width: Math.round(b.width), height: Math.round(b.height) };
          })(),
          inputFont: await input.evaluate((e) => getComputedStyle(e).fontSize),
          styleSheetsAdded: (await page.evaluate(() => document.styleSheets.length)) - styleSheetsBefore,
          shopButtonFont: await page.locator("#shop-button").evaluate((e) => getComputedStyle(e).fontSize),
        };
      } finally {
        await context.close();
      }
    };
    const plain = await measure("");
    const hostile = await measure("?css=aggressive");
    expect(hostile.shopButtonFont).toBe("40px"); // the shop's CSS did apply to the shop's page
    expect(plain.launcher).toEqual({ x: VIEWPORT.width - 20 - 56, y: VIEWPORT.height - 20 - 56, width: 56, height: 56 });
    expect(hostile.launcher).toEqual(plain.launcher);
    expect(hostile.input).toEqual(plain.input);
    expect(hostile.send).toEqual(plain.send);
    expect(hostile.panel).toEqual(plain.panel);
    expect(hostile.inputFont).toBe("14px");
    expect(plain.styleSheetsAdded).toBe(0);
    expect(hostile.styleSheetsAdded).toBe(0);
  }, 120_000);

  it("speaks Chinese with data-locale=zh, takes a valid data-accent and ignores one that is not a colour", async () => {
    const { context, page } = await openShop(`?locale=zh&accent=${encodeURIComponent("#d01f6b")}`);
    try {
      const launcher = page.locator(hook("launcher"));
      expect(await launcher.getAttribute("aria-label")).toBe("打开购物助手");
      expect(await launcher.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(208, 31, 107)");
      await launcher.click();
      expect(await page.locator(hook("input")).getAttribute("placeholder")).toBe("想找什么商品？送礼建议？比较？");
      expect(await page.locator(hook("send")).getAttribute("aria-label")).toBe("发送");
      expect(await page.locator('[role="dialog"]').getAttribute("aria-label")).toBe("购物助手");
      expect(await page.locator(hook("message")).first().locator(".bubble").textContent()).toMatch(/你好/);
      expect(await launcher.getAttribute("aria-label")).toBe("关闭购物助手");
    } finally {
      await context.close();
    }
    const injected = await openShop(`?accent=${encodeURIComponent("red; } * { display: none } .x {")}`);
    try {
      const launcher = injected.page.locator(hook("launcher"));
      expect(await launcher.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(47, 111, 237)");
      expect(await launcher.isVisible()).toBe(true);
    } finally {
      await injected.context.close();
    }
  }, 60_000);
});
