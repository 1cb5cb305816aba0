import { describe, expect, it } from "vitest";
import { expandQuestion } from "../../knowledge/retriever.ts";

/** Phrasings that name a concept without its word: the words they imply, in the question's language. */
describe("words a question implies", () => {
  it("reads a question about opening hours that says neither word", () => {
    expect(expandQuestion("what time do you close?")).toBe("what time do you close? opening hours open");
    expect(expandQuestion("when does the store open on Sunday?")).toBe("when does the store open on Sunday? opening hours open");
    expect(expandQuestion("网店几点关门？")).toBe("网店几点关门？ 营业");
  });

  it("adds nothing to a question that implies nothing, or names a time of something else", () => {
    expect(expandQuestion("do you ship to Canada?")).toBe("do you ship to Canada?");
    expect(expandQuestion("what time will my parcel arrive?")).toBe("what time will my parcel arrive?");
  });
});
