import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsUnavailable, launchChromium, modulePage, serveWebFolder } from "./kiosk-browser.ts";

const unavailable = browserTestsUnavailable();

/** What the test page holds: web/kiosk-player.js's Player and a few helpers set up in beforeAll. */
interface PlayerLike {
  push(chunk: object): boolean;
  end(id: string): void;
  stop(reason: string): void;
  readonly active: boolean;
  readonly log: { id: string; seq: number; start: number; end: number }[];
  readonly stats: Record<string, number>;
  readonly output: AudioNode;
}
interface Harness {
  Player: new (ctx: AudioContext, options: object) => PlayerLike;
  events: { state: string; id: string; reason?: string }[];
  analyser: AnalyserNode;
  tone(seconds: number): ArrayBuffer;
  makePlayer(): PlayerLike;
}

/**
 * The kiosk's reply player (web/kiosk-player.js) in real Chromium Web Audio: the pieces of a spoken
 * reply must join without gaps or overlaps in `seq` order, and a barge-in must silence it at once.
 */
describe.skipIf(unavailable)(`the kiosk's reply player in Chromium${unavailable ? ` (${unavailable})` : ""}`, () => {
  let web: Awaited<ReturnType<typeof serveWebFolder>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    web = await serveWebFolder();
    browser = await launchChromium();
    page = await modulePage(browser, web.base, `import { Player } from "/kiosk-player.js"; window.Player = Player;`, "Player");
    await page.evaluate(async () => {
      const w = window as unknown as Harness;
      const Player = w.Player;
      const ctx = new AudioContext();
      await ctx.resume();
      const events: Harness["events"] = [];
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      w.events = events;
      w.analyser = analyser;
      // A tone of `seconds` at 16 kHz as the server sends it: PCM16 little-endian bytes.
      w.tone = (seconds: number) => {
        const n = Math.round(seconds * 16000);
        const view = new DataView(new ArrayBuffer(n * 2));
        for (let i = 0; i < n; i++) view.setInt16(i * 2, Math.round(Math.sin((2 * Math.PI * 440 * i) / 16000) * 12000), true);
        return view.buffer;
      };
      w.makePlayer = () => {
        const player = new Player(ctx, {
          onStarted: (id: string) => events.push({ state: "started", id }),
          onEnded: (id: string, reason: string) => events.push({ state: "ended", id, reason }),
        });
        player.output.connect(analyser);
        return player;
      };
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("plays chunks that arrive out of order back to back in seq order, reporting started then ended", async () => {
    const result = await page.evaluate(async () => {
      const w = window as unknown as Harness;
      w.events.length = 0;
      const player = w.makePlayer();
      const chunk = (seq: number) => ({ id: "r1", seq, sampleRate: 16000, format: "pcm16", text: `part ${seq}`, data: w.tone(0.25) });
      const accepted = [player.push(chunk(1)), player.push(chunk(0)), player.push(chunk(0)), player.push(chunk(2))];
      player.end("r1");
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 10_000;
        const poll = () => (w.events.some((e) => e.state === "ended") ? resolve() : Date.now() > deadline ? reject(new Error(`no ended event: ${JSON.stringify(w.events)}`)) : setTimeout(poll, 20));
        poll();
      });
      return { accepted, schedule: player.log, events: w.events, stats: player.stats, active: player.active };
    });
    expect(result.accepted).toEqual([true, true, false, true]); // the repeated seq 0 is dropped
    expect(result.schedule.map((s) => s.seq)).toEqual([0, 1, 2]);
    for (let i = 1; i < result.schedule.length; i++) expect(result.schedule[i]!.start).toBeCloseTo(result.schedule[i - 1]!.end, 9);
    for (const s of result.schedule) expect(s.end - s.start).toBeCloseTo(0.25, 6);
    expect(result.events).toEqual([
      { state: "started", id: "r1" },
      { state: "ended", id: "r1", reason: "done" },
    ]);
    expect(result.stats).toMatchObject({ chunks: 3, completed: 1, stopped: 0 });
    expect(result.active).toBe(false);
  });

  it("falls silent at once on barge-in, reports the reply ended, and drops its late chunks", async () => {
    const result = await page.evaluate(async () => {
      const w = window as unknown as Harness;
      w.events.length = 0;
      const player = w.makePlayer();
      const level = () => {
        const data = new Float32Array(w.analyser.fftSize);
        w.analyser.getFloatTimeDomainData(data);
        return data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      };
      const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      for (let seq = 0; seq < 3; seq++) player.push({ id: "r2", seq, sampleRate: 16000, format: "pcm16", data: w.tone(2) });
      const deadline = Date.now() + 10_000;
      while (!w.events.some((e) => e.state === "started") && Date.now() < deadline) await wait(20);
      await wait(150); // a few render quanta into the sound
      const playing = level();
      player.stop("barge-in");
      await wait(150); // the analyser's window (2048 samples) refills with what follows the stop
      const after = level();
      const late = player.push({ id: "r2", seq: 3, sampleRate: 16000, format: "pcm16", data: w.tone(1) });
      return { playing, after, late, events: w.events, active: player.active, stats: player.stats };
    });
    expect(result.playing).toBeGreaterThan(0.1);
    expect(result.after).toBe(0);
    expect(result.late).toBe(false);
    expect(result.active).toBe(false);
    expect(result.events).toEqual([
      { state: "started", id: "r2" },
      { state: "ended", id: "r2", reason: "barge-in" },
    ]);
    expect(result.stats).toMatchObject({ chunks: 3, stopped: 1, completed: 0 });
  });

  it("refuses a chunk in a format it cannot play, naming the field", async () => {
    const message = await page.evaluate(() => {
      const w = window as unknown as Harness;
      try {
        w.makePlayer().push({ id: "r3", seq: 0, sampleRate: 16000, format: "f32", data: w.tone(0.1) });
        return "accepted";
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(message).toMatch(/audio\.format.*pcm16/);
  });
});
