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
    expect(expandQuestion("what colour is the tent?")).toBe("what colour is the tent?");
  });

  it("reads a question about when a parcel comes as one about delivery, without the day it is wanted by", () => {
    expect(expandQuestion("what time will my parcel arrive?")).toBe("what time will my parcel ? shipping delivery days");
    expect(expandQuestion("will it arrive by Friday?")).toBe("will it ? shipping delivery days");
    expect(expandQuestion("下单后几天能到")).toBe("下单后 days 天 工作日 配送 送达 工作日");
    expect(expandQuestion("周五之前能送到吗")).toBe("能送到吗 配送 送达 工作日");
  });

  it("keeps where a parcel goes and when money comes back apart from when a parcel comes", () => {
    expect(expandQuestion("可以寄到国外吗？")).toBe("可以寄到国外吗？");
    expect(expandQuestion("可以到店自提吗？")).toBe("可以到店自提吗？");
    expect(expandQuestion("退款多久到账？")).toBe("退款多久到账？ days 天 工作日");
  });

  it("keeps a day that is not a deadline for a delivery", () => {
    expect(expandQuestion("are you open on Sunday?")).toBe("are you open on Sunday?");
  });
});
