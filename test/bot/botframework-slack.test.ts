import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../core/turn.ts";
import { anonymousBot, type Harness, postJson, SCRIPTED_REPLY, scriptedEngine, startHarness } from "./harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read the wire fields directly
type Json = any;

const fixture = (name: string): Json => JSON.parse(readFileSync(path.join(import.meta.dirname, "../fixtures/slack", name), "utf8"));

let harness: Harness | undefined;
let connector: http.Server | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await new Promise<void>((r) => (connector ? connector.close(() => r()) : r()));
  connector = undefined;
});

/** The Slack channel's connector, on this machine: records what the bot posts. */
async function fakeConnector(): Promise<{ serviceUrl: string; received: Json[] }> {
  const received: Json[] = [];
  connector = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      received.push(JSON.parse(data));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `slack-${received.length}` }));
    });
  });
  await new Promise<void>((r) => connector!.listen(0, "127.0.0.1", r));
  return { serviceUrl: `http://127.0.0.1:${(connector!.address() as AddressInfo).port}/`, received };
}

/**
 * Posts a recorded Slack activity and returns the message the bot sent back. The anonymous
 * endpoint replies only to this machine, so the recording's serviceUrl (slack.botframework.com)
 * is swapped for the stand-in connector; everything else is as the channel sent it.
 */
async function exchange(activity: Json, reply?: Reply): Promise<{ message: Json; all: Json[] }> {
  const { serviceUrl, received } = await fakeConnector();
  harness = await startHarness({ ...anonymousBot, ...(reply && { engine: () => scriptedEngine(reply) }) });
  const res = await postJson(`${harness.url}/api/messages`, { ...activity, serviceUrl });
  expect(res.status).toBe(200);
  const message = received.find((a) => a.type === "message");
  expect(message).toBeDefined();
  return { message, all: received };
}

const buttons = (block: Json) => block.elements.filter((e: Json) => e.type === "button");

describe("Bot Framework replies in Slack (recorded Slack-channel activities)", () => {
  it("a direct message gets typing, then the products as Block Kit in channelData with a text fallback", async () => {
    const { message, all } = await exchange(fixture("dm-message.json"));
    expect(all[0].type).toBe("typing");
    expect(harness!.engine.turns.map((t) => [t.text, t.userId])).toEqual([["trail running shoes under 150", "bf:slack:U07QX2M4N8R:T03HB7K9C2L"]]);
    expect(message.conversation.id).toBe("B07QW8ZK1PT:T03HB7K9C2L:D07R1N5V3KX");
    expect(message.text).toBe(SCRIPTED_REPLY.text);
    // Block Kit replaces the Bot Framework's cards and suggested actions, which Slack would draw badly or not at all.
    expect(message.attachments ?? []).toEqual([]);
    expect(message.suggestedActions).toBeUndefined();

    const { text, blocks } = message.channelData;
    // The fallback carries everything the blocks do, for notifications and clients without blocks.
    expect(text).toContain(SCRIPTED_REPLY.text);
    expect(text).toContain("Trailblazer Running Shoe — $89.50: because you viewed running gear");
    expect(text).toContain("Summit Hiking Boot: popular this week");

    expect(blocks[0]).toEqual({ type: "section", block_id: "text-0", text: { type: "mrkdwn", text: SCRIPTED_REPLY.text } });
    const sections = blocks.filter((b: Json) => b.type === "section" && b.block_id.startsWith("product-"));
    expect(sections.map((s: Json) => s.text)).toEqual([
      { type: "mrkdwn", text: "*Trailblazer Running Shoe*\n$89.50\n_because you viewed running gear_" },
      { type: "mrkdwn", text: "*Summit Hiking Boot*\n_popular this week_" },
    ]);
    // The catalogue's image is an SVG, which Slack cannot draw (and would refuse the message for).
    expect(sections[0].accessory).toBeUndefined();

    const actions = blocks.filter((b: Json) => b.type === "actions");
    const details = actions.filter((b: Json) => b.block_id !== "suggestions").map(buttons);
    expect(details.map((b: Json[]) => b.map((x) => [x.text.text, x.value]))).toEqual([
      [["Tell me more", "tell me more about Trailblazer Running Shoe"]],
      [["Tell me more", "tell me more about Summit Hiking Boot"]],
    ]);
    const suggestions = buttons(actions.find((b: Json) => b.block_id === "suggestions"));
    expect(suggestions.map((x: Json) => [x.text.text, x.value])).toEqual([
      ["Cheaper ones", "Cheaper ones"],
      ["Show me jackets", "Show me jackets"],
    ]);
  });

  it("shows a raster product image as the section's accessory, at an absolute URL, and escapes Slack's markup characters", async () => {
    const reply: Reply = {
      text: "Try these <new> R&D picks",
      products: [{ id: "p1", title: "R&D <Pro> Jacket", price: 120, currency: "EUR", image: "/images/jacket.jpg", reason: "waterproof & light" }],
      suggestions: [],
      locale: "en",
    };
    const { message } = await exchange(fixture("dm-message.json"), reply);
    const { blocks, text } = message.channelData;
    expect(blocks[0].text.text).toBe("Try these &lt;new&gt; R&amp;D picks");
    const section = blocks.find((b: Json) => b.block_id === "product-0");
    expect(section.text.text).toBe("*R&amp;D &lt;Pro&gt; Jacket*\n€120.00\n_waterproof &amp; light_");
    expect(section.accessory).toEqual({ type: "image", image_url: `${harness!.url}/images/jacket.jpg`, alt_text: "R&D <Pro> Jacket" });
    expect(blocks.some((b: Json) => b.block_id === "suggestions")).toBe(false);
    // Slack reads the fallback as mrkdwn too: escaped the same way, so "<new>" is not taken for a link.
    expect(text).toBe("Try these &lt;new&gt; R&amp;D picks\n• R&amp;D &lt;Pro&gt; Jacket — €120.00: waterproof &amp; light");
  });

  it("a channel message that @mentions the app is read without the mention, with Slack's escapes undone", async () => {
    const { message } = await exchange(fixture("channel-mention.json"));
    expect(harness!.engine.turns[0]!.text).toBe("a present for my dad & something < 50");
    expect(harness!.engine.turns[0]!.userId).toBe("bf:slack:U05KD3P7T1W:T03HB7K9C2L");
    expect(message.conversation.id).toBe("B07QW8ZK1PT:T03HB7K9C2L:C04G6R2N8QJ");
    expect(message.channelData.blocks.length).toBeGreaterThan(0);
  });

  it.each(["button-click.json", "button-click-interactive-message.json"])("a pressed button (%s) is the shopper asking for what it says", async (name) => {
    await exchange(fixture(name));
    expect(harness!.engine.turns.map((t) => t.text)).toEqual(["tell me more about Trailblazer Running Shoe"]);
  });

  it("refuses a button value with a NUL byte, naming the field, before any turn runs", async () => {
    harness = await startHarness(anonymousBot);
    const click = fixture("button-click.json");
    click.serviceUrl = "http://127.0.0.1:9/";
    click.channelData.SlackMessage.actions[0].value = "tell me\u0000 more";
    const res = await postJson(`${harness.url}/api/messages`, click);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("activity.channelData.SlackMessage.actions[0].value");
    expect(harness.engine.turns).toEqual([]);
  });

  it("keeps within Block Kit's limits however long the reply: 50 blocks, 3000-character sections, 75-character buttons, unique ids", async () => {
    const reply: Reply = {
      text: `${"Lots to choose from. ".repeat(400)}`.trim(),
      products: Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, title: `Product ${i} ${"with a very long name ".repeat(6)}`, price: 10 + i, currency: "USD", reason: "r".repeat(4000) })),
      suggestions: Array.from({ length: 30 }, (_, i) => `suggestion ${i} ${"more words ".repeat(10)}`),
      locale: "en",
    };
    const { message } = await exchange(fixture("dm-message.json"), reply);
    const { blocks, text } = message.channelData;
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(3000);
    const all = blocks.filter((b: Json) => b.type === "actions").flatMap(buttons);
    for (const x of all) {
      expect(x.text.text.length).toBeLessThanOrEqual(75);
      expect(x.value.length).toBeLessThanOrEqual(2000);
    }
    expect(new Set(all.map((x: Json) => x.action_id)).size).toBe(all.length);
    const ids = blocks.map((b: Json) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of blocks.filter((x: Json) => x.type === "actions")) expect(b.elements.length).toBeLessThanOrEqual(25);
    // The whole reply text is still there, across sections, and the suggestions too.
    const shown = blocks.filter((b: Json) => b.block_id?.startsWith("text-")).map((b: Json) => b.text.text).join(" ");
    expect(shown.replace(/\s+/g, " ")).toBe(reply.text);
    expect(blocks.some((b: Json) => b.block_id === "suggestions")).toBe(true);
    // Products the blocks had no room for are still in the text fallback.
    expect(text).toContain("Product 29");
  });

  it("a reply with neither products nor suggestions is plain text, with no channelData to override it", async () => {
    const { message } = await exchange(fixture("dm-message.json"), { text: "We are open 9 to 5.", products: [], suggestions: [], locale: "en" });
    expect(message.text).toBe("We are open 9 to 5.");
    expect(message.channelData).toBeUndefined();
  });

  it.each(["constructor", "toString", "hasOwnProperty"])("a channel id that names an Object.prototype member (%s) gets the default hero cards", async (channelId) => {
    harness = await startHarness(anonymousBot);
    const activity = { ...fixture("dm-message.json"), channelId, serviceUrl: "http://127.0.0.1:9/", deliveryMode: "expectReplies" };
    const res = await postJson(`${harness.url}/api/messages`, activity);
    expect(res.status).toBe(200);
    const message = res.body.activities.find((a: Json) => a.type === "message");
    expect(message.attachments.map((a: Json) => a.contentType)).toEqual(["application/vnd.microsoft.card.hero", "application/vnd.microsoft.card.hero"]);
    expect(message.products).toBeUndefined();
  });
});
