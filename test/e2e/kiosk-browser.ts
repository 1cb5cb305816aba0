import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import { type Browser, chromium, type Page } from "playwright-core";
import { webRoutes } from "../../bot/http/routes.ts";
import { concatPcm, encodeWav, parseWav, silence, toPipelineRate, trimSilence } from "../../voice/audio.ts";

/** Debian's Chromium (apt-get install chromium); playwright-core drives it without downloading a browser. */
export const CHROMIUM = process.env.CONCIERGE_TEST_CHROMIUM ?? "/usr/bin/chromium";

function hasProgram(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the browser tests cannot run here, or undefined when they can. Under CI a missing browser is
 * a failure, not a skip: `.ci/run` installs it.
 */
export function browserTestsUnavailable(needs: { flite?: boolean } = {}): string | undefined {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`Chromium at ${CHROMIUM} (apt-get install chromium)`);
  if (needs.flite && !hasProgram("flite")) missing.push("flite (apt-get install flite)");
  if (missing.length === 0) return undefined;
  const reason = `kiosk browser tests skipped: ${missing.join(" and ")} not installed`;
  if (process.env.CI) throw new Error(`${reason} — CI must install it (.ci/run does)`);
  console.warn(`[skipped] ${reason}`);
  return reason;
}

/**
 * A request as a fake microphone plays it: silence, flite's slt voice saying `text`, silence.
 * Chromium starts the file when the page opens the microphone and (with %noloop) plays it once.
 */
export function speechWav(text: string, options: { leadMs: number; tailMs: number }): { file: string; speechMs: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "kiosk-wav-"));
  const raw = path.join(dir, "speech.wav");
  execFileSync("flite", ["-voice", "slt", "-t", text, "-o", raw], { timeout: 20_000 });
  const speech = trimSilence(toPipelineRate(parseWav(readFileSync(raw))), { keepMs: 0 });
  const file = path.join(dir, "request.wav");
  writeFileSync(file, encodeWav(concatPcm([silence(options.leadMs, 16000), speech, silence(options.tailMs, 16000)])));
  return { file, speechMs: (speech.samples.length / 16000) * 1000 };
}

/** Chromium with a fake microphone (a beep, or `fakeMicWav` played once); `grantMicrophone: false` leaves the permission prompt unanswered, which headless Chromium treats as a refusal. */
export async function launchChromium(fakeMicWav?: string, options: { grantMicrophone?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
      "--use-fake-device-for-media-stream",
      ...(options.grantMicrophone === false ? [] : ["--use-fake-ui-for-media-stream"]),
      ...(fakeMicWav ? [`--use-file-for-fake-audio-capture=${fakeMicWav}%noloop`] : []),
    ],
  });
}

/** web/ served on loopback as the service serves it, without the service: for the page's own modules. */
export async function serveWebFolder(): Promise<{ base: string; close(): Promise<void> }> {
  const app = express();
  app.use(webRoutes(path.resolve(import.meta.dirname, "../../web")));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A blank page on `base`'s origin running `moduleScript` (a module body that imports the page's own
 * modules as /kiosk does), once it has set `window[readyGlobal]`. The import sits in the page, not in
 * evaluate(): vitest rewrites import() in the test's own code.
 */
export async function modulePage(browser: Browser, base: string, moduleScript: string, readyGlobal: string): Promise<Page> {
  const page = await browser.newPage();
  const blank = `${base}/module-test`;
  const body = `<!doctype html><title>test</title><main id="log"></main><script type="module">${moduleScript}</script>`;
  await page.route(blank, (route) => route.fulfill({ contentType: "text/html", body }));
  await page.goto(blank);
  await page.waitForFunction((name) => name in window, readyGlobal);
  return page;
}

/** The page's read-only status object (web/kiosk.js `window.kiosk.state`), as far as these tests read it. */
export interface KioskState {
  mode: "hands-free" | "push-to-talk";
  locale: "en" | "zh";
  phase: string;
  connected: boolean;
  started: boolean;
  session: { sessionId: string; vad: string; stt: string; sampleRate: number } | null;
  accepted: { locale: "en" | "zh"; mode: "hands-free" | "push-to-talk" } | null;
  mic: "opening" | "on" | "failed";
  micSettings: { echoCancellation?: boolean; noiseSuppression?: boolean; autoGainControl?: boolean; sampleRate?: number } | null;
  pttPressed: boolean;
  speech: boolean;
  thinking: boolean;
  speaking: boolean;
  paused: boolean;
  level: number;
  transcripts: { text: string }[];
  partials: number;
  replies: { id: string; text: string; products: { id: string; title: string; price?: number; reason: string }[]; suggestions: string[]; channel: string }[];
  played: { chunks: number; seconds: number; completed: number; stopped: number; active: boolean; schedule: { id: string; seq: number; start: number; end: number }[] };
  playback: { state: "started" | "ended"; id: string; reason?: string }[];
  bargeIns: number;
  errors: { key: string; message: string }[];
  error: { key: string; message: string } | null;
  sent: { frames: number; bytes: number };
  micSeconds: number;
}
