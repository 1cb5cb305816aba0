import { describe, expect, it } from "vitest";
import { ReplyJsonReader } from "../../llm/grounded/reply-json.ts";

const allowed = new Set(["sku-1", "sku-2", 'a"b']);

describe("ReplyJsonReader", () => {
  it("decodes the text field as it arrives, escapes split across chunks included", () => {
    const raw = '{ "text" : "Say \\"hi\\"\\nto \\u00e9 {price:sku-1}", "productIds": ["sku-2", "a\\"b", "sku-9"] }';
    const reader = new ReplyJsonReader();
    let text = "";
    for (const ch of raw) text += reader.push(ch);
    expect(text).toBe('Say "hi"\nto é {price:sku-1}');
    expect(reader.textComplete).toBe(true);
    expect(reader.result(allowed)).toEqual({ text, productIds: ["sku-2", 'a"b'], complete: true });
  });

  it("salvages the text and the finished ids when generation stopped early", () => {
    const cut = new ReplyJsonReader();
    cut.push('{"text": "Two hats", "productIds": ["sku-1", "sku-');
    expect(cut.result(allowed)).toEqual({ text: "Two hats", productIds: ["sku-1"], complete: false });
    const early = new ReplyJsonReader();
    early.push('{"text": "Two ha');
    expect(early.textComplete).toBe(false);
    expect(early.result(allowed)).toEqual({ text: "Two ha", productIds: [], complete: false });
  });

  it("yields nothing before the text field opens", () => {
    const reader = new ReplyJsonReader();
    expect(reader.push('{ "te')).toBe("");
    expect(reader.push('xt": "ok')).toBe("ok");
  });
});
