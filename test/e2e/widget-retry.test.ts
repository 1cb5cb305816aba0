import http from "node:http";
import path from "node:path";
import express from "express";
import type { Browser, Page } from "playwright-core";
import { Server } from "socket.io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webRoutes } from "../../bot/http/routes.ts";
import { browserTestsUnavailable, launchChromium } from "./kiosk-browser.ts";
import { embedTag } from "./shop-site.ts";

const unavailable = browserTestsUnavailable();

/**
 * A stand-in for the service's handshake only: it refuses connections with the codes given, in
 * order, then lets them through and answers every message with "ok". What is under test is how the
 * widget (served from web/ as the service serves it) reacts to each refusal.
 */
async function refusingServer(codes: string[]) {
  const app = express();
  app.get("/shop", (_req, res) => {
    res.type("html").send(`<!doctype html><title>Shop</title>${embedTag("/widget.js", { "data-concierge-url": "/" })}`);
  });
  app.use(webRoutes(path.resolve(import.meta.dirname, "../../web")));
  const server = http.createServer(app);
  const io = new Server(server);
  const attempts: number[] = [];
  const queue = [...codes];
  io.of("/chat").use((_socket, next) => {
    attempts.push(Date.now());
    const code = queue.shift();
    if (code) return next(Object.assign(new Error(`refused: ${code}`), { data: { code, message: `refused: ${code}` } }));
    next();
  });
  io.of("/chat").on("connection", (socket) => {
    socket.on("message", (_m, ack) => ack({ text: "ok", products: [], suggestions: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    io,
    attempts,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

/** Every text the widget's alert line showed, in order. */
async function watchAlerts(page: Page) {
  await page.evaluate(() => {
    const root = document.querySelector("concierge-widget")!.shadowRoot!;
    const alert = root.querySelector('[role="alert"]')!;
    const seen: string[] = [];
    (window as unknown as { alerts: string[] }).alerts = seen;
    new MutationObserver(() => {
      if (alert.textContent && seen.at(-1) !== alert.textContent) seen.push(alert.textContent);
    }).observe(alert, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { alerts: string[] }).alerts);
}

describe.skipIf(unavailable)(`the widget's reconnection in Chromium${unavailable ? ` (${unavailable})` : ""}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("retries a handshake refused as not_ready, shutting_down or rate_limited, saying each in plain words, then chats", async () => {
    const server = await refusingServer(["not_ready", "shutting_down", "rate_limited"]);
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/shop`);
      await page.locator('[data-concierge="launcher"]').waitFor();
      const alerts = await watchAlerts(page);
      await page.locator('[data-concierge="launcher"]').click();
      await expect.poll(() => page.locator('[role="status"]').textContent(), { timeout: 40_000 }).toBe("Online");
      expect(server.attempts.length).toBe(4);
      expect(await alerts()).toEqual([
        "The assistant is starting up. Trying again in a moment…",
        "The assistant is restarting. Reconnecting…",
        "Lots of questions at once — please wait a moment and try again.",
      ]);
      expect(await page.locator('[role="alert"]').isHidden()).toBe(true);
      // Backed off: each retry waited longer than the one before.
      const gaps = server.attempts.slice(1).map((t, i) => t - server.attempts[i]!);
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
      await page.locator('[data-concierge="input"]').fill("hello");
      await page.locator('[data-concierge="send"]').click();
      await expect.poll(() => page.locator('[data-concierge="message"][data-role="assistant"]').last().locator(".bubble").textContent()).toBe("ok");

      // Dropped by the server (a replica going away): it says so and comes back by itself.
      const status = page.locator('[role="status"]');
      server.io.of("/chat").disconnectSockets(true);
      await expect.poll(() => status.textContent(), { timeout: 5_000 }).toBe("Connection lost — reconnecting…");
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe("Online");
      expect(server.attempts.length).toBe(5);
    } finally {
      await page.close();
      await server.close();
    }
  }, 60_000);

  it("does not retry a refused token as someone else", async () => {
    const server = await refusingServer(["invalid_token"]);
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/shop`);
      await page.locator('[data-concierge="launcher"]').click();
      await expect.poll(() => page.locator('[role="alert"]').textContent(), { timeout: 10_000 }).toBe("We couldn't confirm who you are. Please reload the page and sign in again.");
      await page.waitForTimeout(5000);
      expect(server.attempts.length).toBe(1);
    } finally {
      await page.close();
      await server.close();
    }
  }, 30_000);
});
