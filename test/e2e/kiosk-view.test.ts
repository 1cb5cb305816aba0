import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsUnavailable, launchChromium, modulePage, serveWebFolder } from "./kiosk-browser.ts";

const unavailable = browserTestsUnavailable();

interface ViewLike {
  transcript(text: string, final: boolean, continues?: boolean): void;
  delta(id: string, text: string): void;
}

/** The kiosk's conversation view (web/kiosk-view.js) in Chromium: what the shopper sees of their turns. */
describe.skipIf(unavailable)(`the kiosk's conversation view in Chromium${unavailable ? ` (${unavailable})` : ""}`, () => {
  let web: Awaited<ReturnType<typeof serveWebFolder>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    web = await serveWebFolder();
    browser = await launchChromium();
    const script = `import { ConversationView } from "/kiosk-view.js";
      window.view = new ConversationView(document.getElementById("log"), { onAsk() {}, text: () => ({}), locale: () => "en" });`;
    page = await modulePage(browser, web.base, script, "view");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
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
