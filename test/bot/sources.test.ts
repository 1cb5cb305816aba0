import { describe, expect, it } from "vitest";
import { renderReply } from "../../bot/botframework/render.ts";
import { toWireReply } from "../../bot/turns.ts";

const answer = {
  text: "You can return unused items within 30 days.",
  products: [],
  suggestions: ["Talk to a human"],
  sources: [
    { title: "Returns and refunds › Returning an item", url: "https://shop.example/returns", snippet: "You can return unused items within 30 days of delivery…" },
    { title: "Size guide [EU]", snippet: "Our shoes use EU sizes." },
  ],
};

describe("sources on the wire", () => {
  it("carries sources [{title, url?, snippet}] only when the answer came from the documents", () => {
    expect(toWireReply(answer).sources).toEqual(answer.sources);
    expect("sources" in toWireReply({ text: "Here are 5 matches.", products: [], suggestions: [] })).toBe(false);
    expect("sources" in toWireReply({ ...answer, sources: [] })).toBe(false);
  });

  it("keeps only web links and drops a source without a title", () => {
    const wire = toWireReply({ ...answer, sources: [{ title: "A", url: "javascript:alert(1)", snippet: "s" }, { title: "", snippet: "x" }] });
    expect(wire.sources).toEqual([{ title: "A", snippet: "s" }]);
  });

  it("shows them under a Bot Framework reply as a line of links, in the reply's language", () => {
    const en = renderReply(toWireReply(answer), { channelId: "msteams", locale: "en" });
    expect(en.text).toBe(`${answer.text}\n\nSources: [Returns and refunds › Returning an item](https://shop.example/returns), Size guide [EU]`);
    expect(en.textFormat).toBe("markdown");
    const zh = renderReply(toWireReply({ ...answer, sources: [{ title: "退货与退款", url: "https://shop.example/zh/returns", snippet: "…" }] }), { channelId: "slack", locale: "zh-CN" });
    expect(zh.text).toMatch(/\n\n来源：\[退货与退款\]\(https:\/\/shop\.example\/zh\/returns\)$/);
    const plain = renderReply(toWireReply({ text: "Here are 5 matches.", products: [], suggestions: [] }), { channelId: "msteams" });
    expect(plain.text).toBe("Here are 5 matches.");
    expect(plain.textFormat).toBeUndefined();
  });

  it("escapes brackets in a linked title so the link stays whole", () => {
    const out = renderReply(toWireReply({ ...answer, sources: [{ title: "Returns [2026]", url: "https://shop.example/r", snippet: "s" }] }), { channelId: "webchat" });
    expect(out.text).toContain("[Returns \\[2026\\]](https://shop.example/r)");
  });
});
