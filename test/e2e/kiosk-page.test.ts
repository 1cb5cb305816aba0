import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsUnavailable, type KioskState, launchChromium, serveWebFolder } from "./kiosk-browser.ts";

const unavailable = browserTestsUnavailable();

/** The kiosk page's own failure paths, served without the service behind it (no socket.io, no voice). */
describe.skipIf(unavailable)(`the kiosk page when things are missing${unavailable ? ` (${unavailable})` : ""}`, () => {
  let web: Awaited<ReturnType<typeof serveWebFolder>>;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    web = await serveWebFolder();
    base = web.base;
    browser = await launchChromium(undefined, { grantMicrophone: false });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("is served at /kiosk with its modules and worklet as JavaScript", async () => {
    const page = await fetch(`${base}/kiosk`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module" src="\/kiosk\.js">/);
    for (const name of ["kiosk.js", "kiosk-worklet.js", "kiosk-audio.js", "kiosk-player.js", "kiosk-mic.js", "kiosk-view.js", "kiosk-text.js"]) {
      const res = await fetch(`${base}/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type"), name).toMatch(/javascript/);
    }
  });

  it("says plainly that the microphone was refused and that the server's connection library is missing", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/kiosk?lang=en`);
      await page.waitForFunction(() => (window as unknown as { kiosk?: { state: KioskState } }).kiosk?.state.mic === "failed", undefined, { timeout: 30_000 });
      const s = await page.evaluate(() => (window as unknown as { kiosk: { state: KioskState } }).kiosk.state);
      expect(s.errors.map((e) => e.key).sort()).toEqual(["connection", "mic"]);
      expect(s.errors.find((e) => e.key === "mic")!.message).toMatch(/microphone access was refused; allow the microphone/);
      expect(s.errors.find((e) => e.key === "connection")!.message).toMatch(/socket\.io\.js.*service is running/);
      expect(await page.locator("#error").isVisible()).toBe(true);
      expect(await page.locator("#error-text").textContent()).toBe(s.error!.message);
      expect(await page.locator("#talk-label").textContent()).toBe("Retry mic");
      // The window.kiosk status object cannot be replaced or changed by page scripts.
      const tampered = await page.evaluate(() => {
        const w = window as unknown as { kiosk: { state: KioskState } };
        try {
          (w as { kiosk: unknown }).kiosk = {};
        } catch {
          // strict-mode assignment to a read-only property throws; either way it must not change
        }
        w.kiosk.state.errors.length = 0;
        return w.kiosk.state.errors.length;
      });
      expect(tampered).toBe(2);
    } finally {
      await page.close();
    }
  });
});
