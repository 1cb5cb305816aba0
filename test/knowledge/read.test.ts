import { describe, expect, it } from "vitest";
import { formatOf, readDocument, sentences, splitDocument } from "../../knowledge/index.ts";
import { makePdf } from "./pdf-fixture.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("document readers", () => {
  it("reads Markdown headings, paragraphs and list items, with front matter and inline markup reduced to words", async () => {
    const doc = await readDocument(
      utf8(`---\ntitle: Our returns\nurl: https://shop.example/returns\n---\n# Returns\n\nYou can **return** items within [30 days](https://x).\nWrapped line.\n\n## Refunds\n\n- Cards: 5 working days\n- PayPal: \`2 days\`\n\nSetext\n------\nBody.\n`),
      "markdown",
    );
    expect(doc.title).toBe("Our returns");
    expect(doc.url).toBe("https://shop.example/returns");
    expect(doc.blocks).toEqual([
      { kind: "heading", level: 1, text: "Returns" },
      { kind: "text", text: "You can return items within 30 days. Wrapped line." },
      { kind: "heading", level: 2, text: "Refunds" },
      { kind: "text", text: "Cards: 5 working days" },
      { kind: "text", text: "PayPal: 2 days" },
      { kind: "heading", level: 2, text: "Setext" },
      { kind: "text", text: "Body." },
    ]);
  });

  it("reads HTML headings and blocks, dropping scripts, styles and navigation", async () => {
    const doc = await readDocument(
      utf8(`<html lang="zh-CN"><head><title>配送 | Shop</title><link rel="canonical" href="https://shop.example/zh/shipping"><style>p{}</style></head>
      <body><nav>Home · Cart</nav><h1>配送</h1><p>标准配送需要 3–5 个工作日。</p><script>alert(1)</script>
      <h2>运费</h2><ul><li>满 50 免运费</li><li>加急 9.95 &amp; 更快</li></ul><footer>© shop</footer></body></html>`),
      "html",
    );
    expect(doc.title).toBe("配送 | Shop");
    expect(doc.url).toBe("https://shop.example/zh/shipping");
    expect(doc.locale).toBe("zh");
    expect(doc.blocks).toEqual([
      { kind: "heading", level: 1, text: "配送" },
      { kind: "text", text: "标准配送需要 3–5 个工作日。" },
      { kind: "heading", level: 2, text: "运费" },
      { kind: "text", text: "满 50 免运费" },
      { kind: "text", text: "加急 9.95 & 更快" },
    ]);
  });

  it("reads plain text: a short line alone above a paragraph is a heading", async () => {
    const doc = await readDocument(utf8("Gift wrapping\n\nWe wrap any item for 3.50.\nIt comes with a ribbon.\n\nNot a heading because it ends with a stop.\n\n- one\n- two\n"), "text");
    expect(doc.title).toBe("Gift wrapping");
    expect(doc.blocks).toEqual([
      { kind: "heading", level: 1, text: "Gift wrapping" },
      { kind: "text", text: "We wrap any item for 3.50. It comes with a ribbon." },
      { kind: "text", text: "Not a heading because it ends with a stop." },
      { kind: "text", text: "one" },
      { kind: "text", text: "two" },
    ]);
  });

  it("reads a PDF's text, taking larger short lines as headings", async () => {
    const pdf = makePdf([
      [
        { size: 22, text: "Warranty" },
        { size: 11, text: "Every product has a 2-year warranty." },
        { size: 11, text: "Keep your receipt." },
        { size: 16, text: "Claims" },
        { size: 11, text: "Write to us within 14 days." },
      ],
      [{ size: 11, text: "Second page text." }],
    ]);
    const doc = await readDocument(pdf, "pdf");
    expect(doc.title).toBe("Warranty");
    expect(doc.blocks).toEqual([
      { kind: "heading", level: 1, text: "Warranty" },
      { kind: "text", text: "Every product has a 2-year warranty. Keep your receipt." },
      { kind: "heading", level: 2, text: "Claims" },
      { kind: "text", text: "Write to us within 14 days." },
      { kind: "text", text: "Second page text." },
    ]);
  });

  it("refuses what is not the format its name says, naming why", async () => {
    await expect(readDocument(utf8("just text"), "pdf")).rejects.toThrow(/not a PDF/);
    await expect(readDocument(new Uint8Array([0x41, 0, 0x42]), "markdown")).rejects.toThrow(/binary/);
    expect(formatOf("a/b/Returns.MD")).toBe("markdown");
    expect(formatOf("notes.htm")).toBe("html");
    expect(formatOf("data.csv")).toBeUndefined();
  });
});

describe("splitting into passages", () => {
  it("keeps each passage's heading path under the document title", () => {
    const passages = splitDocument(
      {
        blocks: [
          { kind: "heading", level: 1, text: "Returns" },
          { kind: "text", text: "Intro." },
          { kind: "heading", level: 2, text: "Refunds" },
          { kind: "heading", level: 3, text: "Cards" },
          { kind: "text", text: "Five days." },
          { kind: "heading", level: 2, text: "Exchanges" },
          { kind: "text", text: "None." },
        ],
      },
      "Returns",
    );
    expect(passages).toEqual([
      { headings: ["Returns"], text: "Intro." },
      { headings: ["Returns", "Refunds", "Cards"], text: "Five days." },
      { headings: ["Returns", "Exchanges"], text: "None." },
    ]);
  });

  it("cuts a long section between blocks and a long block between sentences, losing no text", () => {
    const sentence = (i: number) => `Sentence number ${i} says something about delivery.`;
    const long = Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ");
    const passages = splitDocument({ blocks: [{ kind: "text", text: long }, { kind: "text", text: "Tail block." }] }, "Doc", { maxWeight: 300 });
    expect(passages.length).toBeGreaterThan(5);
    for (const p of passages) expect(p.text.length).toBeLessThanOrEqual(300);
    expect(passages.map((p) => p.text).join(" ").replace(/\n/g, " ")).toBe(`${long} Tail block.`);
    expect(passages.every((p) => p.headings[0] === "Doc")).toBe(true);
  });

  it("weighs Chinese text by its characters", () => {
    const zh = "标准配送需要三到五个工作日。".repeat(30);
    const passages = splitDocument({ blocks: [{ kind: "text", text: zh }] }, "配送", { maxWeight: 300 });
    expect(passages.length).toBeGreaterThan(3);
    expect(passages.map((p) => p.text).join("")).toBe(zh);
  });
});

describe("sentences", () => {
  it("splits English and Chinese sentences, keeping abbreviations and decimals whole", () => {
    expect(sentences("Gift wrap costs 3.50 per item, e.g. a scarf. Cards are free! Really?\nA list item")).toEqual([
      "Gift wrap costs 3.50 per item, e.g. a scarf.",
      "Cards are free!",
      "Really?",
      "A list item",
    ]);
    expect(sentences("标准配送需要 3–5 个工作日。结账时可选择加急配送！可以吗？")).toEqual(["标准配送需要 3–5 个工作日。", "结账时可选择加急配送！", "可以吗？"]);
  });
});
