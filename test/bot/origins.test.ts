import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { type Harness, startHarness } from "./harness.ts";

const SHOP = "http://shop.test:8080";
const STRANGER = "http://evil.test:8080";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Whether a socket.io handshake on /chat presenting `origin` (or none) gets through, over `transport`. */
function handshake(url: string, transport: "websocket" | "polling", origin?: string): Promise<"connected" | string> {
  const socket = connect(`${url}/chat`, {
    transports: [transport],
    reconnection: false,
    forceNew: true,
    extraHeaders: origin ? { origin } : {},
  });
  return new Promise((resolve) => {
    socket.once("connect", () => {
      socket.close();
      resolve("connected");
    });
    socket.once("connect_error", (err) => {
      socket.close();
      resolve(`refused: ${err.message}`);
    });
  });
}

describe("CONCIERGE_ALLOWED_ORIGINS", () => {
  it("reads comma-separated origins, normalised as browsers send them; unset is none", () => {
    expect(loadConfig({ CONCIERGE_ALLOWED_ORIGINS: " https://Shop.Example , http://localhost:5173/,https://shop.example:443" }).allowedOrigins).toEqual([
      "https://shop.example",
      "http://localhost:5173",
      "https://shop.example",
    ]);
    expect(loadConfig({}).allowedOrigins).toEqual([]);
    expect(loadConfig({ CONCIERGE_ALLOWED_ORIGINS: "" }).allowedOrigins).toEqual([]);
    expect(loadConfig({ CONCIERGE_ALLOWED_ORIGINS: "*" }).allowedOrigins).toEqual(["*"]);
  });

  it("refuses at start-up what no browser would send as an Origin, naming the variable", () => {
    for (const bad of ["https://shop.example/concierge", "shop.example", "ftp://shop.example", "https://shop.example?x=1", "https://user@shop.example", "https://a.example, nope"]) {
      expect(() => loadConfig({ CONCIERGE_ALLOWED_ORIGINS: bad }), bad).toThrow(/CONCIERGE_ALLOWED_ORIGINS: ".*" is not an origin/);
    }
  });
});

describe("cross-origin HTTP", () => {
  it("unset: no Access-Control-Allow-Origin for anyone, not even *", async () => {
    harness = await startHarness();
    for (const path of ["/api/events", "/widget.js"]) {
      const res = await fetch(harness.url + path, { method: "OPTIONS", headers: { origin: SHOP, "access-control-request-method": "POST" } });
      expect(res.headers.get("access-control-allow-origin"), path).toBeNull();
      expect(res.headers.get("vary"), path).toMatch(/Origin/);
    }
    const plain = await fetch(`${harness.url}/widget.js`, { headers: { origin: SHOP } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a listed origin gets its exact origin back on /api and on the widget's assets; an unlisted one gets nothing", async () => {
    harness = await startHarness({ env: { CONCIERGE_ALLOWED_ORIGINS: `${SHOP},https://other.test` } });
    const preflight = await fetch(`${harness.url}/api/events`, { method: "OPTIONS", headers: { origin: SHOP, "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(preflight.headers.get("vary")).toMatch(/Origin/);
    for (const path of ["/widget.js", "/widget-voice.js", "/kiosk-mic.js", "/kiosk-worklet.js", "/kiosk-audio.js", "/kiosk-player.js", "/images/shoes.svg"]) {
      const res = await fetch(harness.url + path, { headers: { origin: SHOP } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("access-control-allow-origin"), path).toBe(SHOP);
      expect(res.headers.get("vary"), path).toMatch(/Origin/);
      const stranger = await fetch(harness.url + path, { headers: { origin: STRANGER } });
      expect(stranger.headers.get("access-control-allow-origin"), path).toBeNull();
    }
    const refused = await fetch(`${harness.url}/api/events`, { method: "OPTIONS", headers: { origin: STRANGER, "access-control-request-method": "POST" } });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(refused.headers.get("access-control-allow-methods")).toBeNull();
  });
});

describe("cross-origin socket.io", () => {
  it("takes a listed origin, the service's own and non-browser clients; refuses other browser pages on both transports", async () => {
    harness = await startHarness({ env: { CONCIERGE_ALLOWED_ORIGINS: SHOP } });
    const own = harness.url; // http://127.0.0.1:PORT, the Host the client sends
    for (const transport of ["websocket", "polling"] as const) {
      expect(await handshake(harness.url, transport, SHOP), transport).toBe("connected");
      expect(await handshake(harness.url, transport, own), transport).toBe("connected");
      expect(await handshake(harness.url, transport), transport).toBe("connected");
      expect(await handshake(harness.url, transport, STRANGER), transport).toMatch(/^refused/);
      expect(await handshake(harness.url, transport, "null"), transport).toMatch(/^refused/);
    }
    // Long-polling's CORS answer names the listed origin only.
    const poll = (origin: string) => fetch(`${harness!.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    expect((await poll(SHOP)).headers.get("access-control-allow-origin")).toBe(SHOP);
    const stranger = await poll(STRANGER);
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("unset: a page of another origin cannot connect", async () => {
    harness = await startHarness();
    expect(await handshake(harness.url, "websocket", SHOP)).toMatch(/^refused/);
    expect(await handshake(harness.url, "websocket", harness.url)).toBe("connected");
  });
});
