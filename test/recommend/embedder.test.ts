import { beforeAll, describe, expect, it } from "vitest";
import { type DemoEntry, iterateCatalogEntries } from "../../recommend/demo/index.ts";
import { BuiltinEmbedder } from "../../recommend/embedders/builtin.ts";
import { productText } from "../../recommend/product-text.ts";
import { ExactIndex } from "../../recommend/vectors/exact.ts";

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("built-in embedder on a generated catalogue", () => {
  let entries: DemoEntry[];
  let embedder: BuiltinEmbedder;
  let vectors: Float32Array[];

  beforeAll(() => {
    entries = [...iterateCatalogEntries({ count: 800, seed: 3 })];
    ({ embedder, vectors } = BuiltinEmbedder.fitAndEmbed(entries.map((e) => productText(e.product)), { dimensions: 128 }));
  });

  it("is unit-length, built-in, and names its fitted state in its id", () => {
    expect(embedder.tier).toBe("built-in");
    expect(embedder.id).toMatch(/^builtin-tfidf-svd-128-[0-9a-f]{12}$/);
    expect(embedder.dimensions).toBe(128);
    for (const v of vectors.slice(0, 20)) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it("puts products of the same kind closer than products of another category", () => {
    let wins = 0;
    let trials = 0;
    for (let i = 0; i < 100; i++) {
      const e = entries[i]!;
      const same = entries.findIndex((o, j) => j !== i && o.subtype.id === e.subtype.id);
      const other = entries.findIndex((o) => o.category.id !== e.category.id);
      if (same < 0) continue;
      trials++;
      if (cosine(vectors[i]!, vectors[same]!) > cosine(vectors[i]!, vectors[other]!)) wins++;
    }
    expect(trials).toBeGreaterThan(50);
    expect(wins / trials).toBeGreaterThan(0.9);
  });

  it("bridges Chinese and English: a Chinese query finds English products of that kind and back", async () => {
    const index = new ExactIndex(embedder.dimensions);
    index.add(vectors.map((vector, i) => ({ id: String(i), vector })));
    const english = (slot: number) => entries[slot]!.locale === "en";
    const chinese = (slot: number) => entries[slot]!.locale === "zh";
    const [zhQuery, enQuery] = await embedder.embed(["耳机", "headphones earbuds"]);
    const fromZh = index.searchSlots(zhQuery!, 5, { accept: english }).map((h) => entries[h.slot]!);
    const fromEn = index.searchSlots(enQuery!, 5, { accept: chinese }).map((h) => entries[h.slot]!);
    expect(fromZh.length).toBe(5);
    expect(fromEn.length).toBe(5);
    for (const e of [...fromZh, ...fromEn]) expect(e.subtype.en).toMatch(/Headphones|Earbuds/);
  });

  it("folds in new text with the fitted basis: a product's text embeds to its fitted vector", () => {
    const again = embedder.embedSync([productText(entries[7]!.product)])[0]!;
    expect(Array.from(again)).toEqual(Array.from(vectors[7]!));
  });

  it("gives text with no known term or trigram the zero vector", async () => {
    const [v] = await embedder.embed(["zzqx vvkj"]);
    expect(v!.every((x) => x === 0)).toBe(true);
    expect(embedder.knows("zzqx vvkj")).toBe(false);
    expect(embedder.knows("running shoes")).toBe(true);
  });

  it("survives serialisation exactly (same id, same vectors)", () => {
    const bytes = embedder.serialize();
    const back = BuiltinEmbedder.deserialize(bytes);
    expect(back.id).toBe(embedder.id);
    expect(back.dimensions).toBe(embedder.dimensions);
    expect(back.fittedOn).toBe(800);
    const texts = ["trail running shoes", "无线蓝牙耳机", productText(entries[42]!.product)];
    expect(back.embedSync(texts).map((v) => Array.from(v))).toEqual(embedder.embedSync(texts).map((v) => Array.from(v)));
    expect(() => BuiltinEmbedder.deserialize(Buffer.from("nope"))).toThrow(/not a serialised/);
  });

  it("knows whether its vocabulary came from the tokeniser running now", () => {
    expect(BuiltinEmbedder.deserialize(embedder.serialize()).currentTokenizer).toBe(true);
    // A basis stored by an older tokeniser (no fingerprint, or another one) reads texts into other terms.
    const bytes = Buffer.from(embedder.serialize());
    const len = bytes.readUInt32LE(4);
    const header = JSON.parse(bytes.toString("utf8", 8, 8 + len)) as { tokenizer?: string };
    const older = JSON.stringify({ ...header, tokenizer: "00000000" }).padEnd(len, " ");
    expect(older.length).toBe(len);
    bytes.write(older, 8, "utf8");
    expect(BuiltinEmbedder.deserialize(bytes).currentTokenizer).toBe(false);
  });

  it("refits to the same basis on the same catalogue (seeded), so the id is stable", () => {
    const texts = entries.slice(0, 200).map((e) => productText(e.product));
    expect(BuiltinEmbedder.fit(texts, { dimensions: 32 }).id).toBe(BuiltinEmbedder.fit(texts, { dimensions: 32 }).id);
  });

  it("fits a tiny catalogue with fewer dimensions than asked", () => {
    const tiny = BuiltinEmbedder.fit(["red running shoe", "blue running shoe", "wireless headphones", "ceramic coffee mug"]);
    expect(tiny.dimensions).toBeLessThanOrEqual(4);
    const [a, b, c] = tiny.embedSync(["running shoe", "red running shoe", "coffee mug"]);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!));
  });
});
