import http from "node:http";
import path from "node:path";
import express from "express";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webRoutes } from "../../bot/http/routes.ts";
import { browserTestsUnavailable, launchChromium } from "./kiosk-browser.ts";

const unavailable = browserTestsUnavailable();

interface ViewLike {
  transcript(text: string, final: boolean, continues?: boolean): void;
  delta(id: string, text: string): void;
}

/** The kiosk's conversation view (web/kiosk-view.js) in Chromium: what the shopper sees of their turns. */
describe.skipIf(unavailable)(`the kiosk's conversation view in Chromium${unavailable ? ` (${unavailable})` : ""}`, () => {
  let server: http.Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const app = express();
    app.use(webRoutes(path.resolve(import.meta.dirname, "../../web")));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    browser = await launchChromium();
    page = await browser.newPage();
    const blank = `http://127.0.0.1:${port}/view-test`;
    // (The import sits in the page, not in evaluate(): vitest rewrites import() in the test's own code.)
    const body = `<!doctype html><title>view</title><main id="log"></main><script type="module">
      import { ConversationView } from "/kiosk-view.js";
      window.view = new ConversationView(document.getElementById("log"), { onAsk() {}, text: () => ({}), locale: () => "en" });
    </script>`;
    await page.route(blank, (route) => route.fulfill({ contentType: "text/html", body }));
    await page.goto(blank);
    await page.waitForFunction(() => "view" in window);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const turns = () => page.evaluate(() => Array.from(document.querySelectorAll("#log .turn"), (t) => `${t.classList.contains("shopper") ? "shopper" : "assistant"}: ${t.textContent?.trim()}`));

  it("replaces a turn's first part and its retracted reply with the whole turn when the shopper went on after a pause", async () => {
    await page.evaluate(() => {
      const view = (window as unknown as { view: ViewLike }).view;
      view.transcript("what is your return policy", true);
      view.delta("r0", "You can return anything within 30 days.");
      view.transcript("show me", false);
      view.transcript("show me running shoes", true);
      view.delta("r1", "Here are some running shoes.");
      view.transcript("under one", false);
    });
    expect(await turns()).toEqual([
      "shopper: what is your return policy",
      "assistant: You can return anything within 30 days.",
      "shopper: show me running shoes",
      "assistant: Here are some running shoes.",
      "shopper: under one",
    ]);
    await page.evaluate(() => {
      const view = (window as unknown as { view: ViewLike }).view;
      view.transcript("show me running shoes under one hundred dollars", true, true);
      view.delta("r2", "Here are three under $100.");
    });
    expect(await turns()).toEqual([
      "shopper: what is your return policy",
      "assistant: You can return anything within 30 days.",
      "shopper: show me running shoes under one hundred dollars",
      "assistant: Here are three under $100.",
    ]);
  });
});
