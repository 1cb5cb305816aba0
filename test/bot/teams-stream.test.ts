import type { Activity } from "@microsoft/agents-activity";
import { describe, expect, it } from "vitest";
import { TeamsStream } from "../../bot/botframework/teams-stream.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read the wire fields directly
type Sent = Partial<Activity> & { entities?: any[]; channelData?: any };

function recorder(options: { id?: string; refuseUpdates?: boolean } = {}) {
  const sent: Sent[] = [];
  const send = async (activity: Partial<Activity>) => {
    sent.push(structuredClone(activity) as Sent);
    if (options.refuseUpdates && (activity.channelData as { streamType?: string })?.streamType === "streaming") throw new Error("403 ContentStreamNotAllowed");
    await new Promise((r) => setImmediate(r));
    return sent.length === 1 ? { id: options.id ?? "" } : { id: `other-${sent.length}` };
  };
  return { sent, send };
}

// biome-ignore lint/suspicious/noExplicitAny: the wire entity, read field by field
const info = (a: Sent): any => a.entities?.find((e: { type: string }) => e.type === "streaminfo");
const settle = () => new Promise((r) => setTimeout(r, 30));

describe("TeamsStream (Teams' streaming protocol)", () => {
  it("opens with an informative typing activity, streams the whole text so far in numbered updates, and closes with the final message", async () => {
    const { sent, send } = recorder({ id: "stream-7" });
    const stream = new TeamsStream({ send, intervalMs: 0 });
    await stream.open("Looking through the catalogue…");
    for (const piece of ["Here ", "are ", "two ", "hats."]) {
      stream.push(piece);
      await settle();
    }
    await stream.finish({ type: "message", text: "Here are two hats.", attachments: [{ contentType: "application/vnd.microsoft.card.hero", content: {} }] });

    expect(sent[0]).toMatchObject({ type: "typing", text: "Looking through the catalogue…" });
    expect(info(sent[0]!)).toEqual({ type: "streaminfo", streamType: "informative", streamSequence: 1 });
    const updates = sent.slice(1, -1);
    expect(updates.length).toBeGreaterThan(0);
    let previous = 1;
    for (const u of updates) {
      expect(u.type).toBe("typing");
      const i = info(u);
      expect(i).toMatchObject({ type: "streaminfo", streamType: "streaming", streamId: "stream-7" });
      expect(i.streamSequence).toBeGreaterThan(previous);
      previous = i.streamSequence;
      expect(u.channelData).toMatchObject({ streamType: "streaming", streamId: "stream-7", streamSequence: i.streamSequence });
      expect("Here are two hats.".startsWith(u.text!)).toBe(true);
    }
    const final = sent.at(-1)!;
    expect(final).toMatchObject({ type: "message", text: "Here are two hats." });
    expect(final.attachments).toHaveLength(1);
    expect(info(final)).toEqual({ type: "streaminfo", streamType: "final", streamId: "stream-7" });
  });

  it("coalesces pieces that arrive faster than the throttle into one update", async () => {
    const { sent, send } = recorder({ id: "s" });
    const stream = new TeamsStream({ send, intervalMs: 0 });
    await stream.open("…");
    for (const piece of ["a ", "b ", "c ", "d"]) stream.push(piece);
    await settle();
    expect(sent.slice(1).map((a) => a.text)).toEqual(["a b c d"]);
  });

  it("sends the final message immediately, without waiting for a throttled update", async () => {
    const { sent, send } = recorder({ id: "s" });
    const stream = new TeamsStream({ send, intervalMs: 60_000 });
    await stream.open("…");
    stream.push("partial");
    await stream.finish({ type: "message", text: "partial and the rest" });
    expect(sent.map((a) => info(a)?.streamType)).toEqual(["informative", "final"]);
  });

  it("sends only the final message, without stream info, when Teams gives the stream no id", async () => {
    const { sent, send } = recorder({ id: "" });
    const stream = new TeamsStream({ send, intervalMs: 0 });
    await stream.open("…");
    stream.push("text");
    await settle();
    await stream.finish({ type: "message", text: "text" });
    expect(sent.map((a) => a.type)).toEqual(["typing", "message"]);
    expect(info(sent[1]!)).toBeUndefined();
  });

  it("stops updating once Teams refuses an update (the shopper pressed Stop), and still closes the stream", async () => {
    const { sent, send } = recorder({ id: "s", refuseUpdates: true });
    const stream = new TeamsStream({ send, intervalMs: 0 });
    await stream.open("…");
    stream.push("one ");
    await settle();
    stream.push("two");
    await settle();
    await stream.finish({ type: "message", text: "one two" });
    expect(sent.map((a) => info(a)?.streamType)).toEqual(["informative", "streaming", "final"]);
  });

  it("sends nothing more once cancelled", async () => {
    const { sent, send } = recorder({ id: "s" });
    const stream = new TeamsStream({ send, intervalMs: 0 });
    await stream.open("…");
    stream.push("x");
    stream.cancel();
    await settle();
    expect(sent).toHaveLength(1);
  });
});
