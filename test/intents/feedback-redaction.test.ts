import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SentimentReports } from "../../intents/feedback/index.ts";
import { createStore, type Store } from "../../store/index.ts";

describe("feedback is stored redacted", () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-feedback-redact-"));
    store = createStore({ dataDir: dir });
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps no e-mail, phone, card or ID in the stored text, and scores the sentiment of what was written", async () => {
    const reports = new SentimentReports({ store, now: () => Date.UTC(2026, 0, 5) });
    const recorded = await reports.record([
      { userId: "u-redact", text: "Terrible service, it broke after a day. Call me on 5551234567 or jane@example.com" },
      { userId: "u-redact", text: "质量太差了，退款到卡号 6222021234567890128，手机13800138000，订单号 2024123456" },
      { userId: "u-redact", text: "Love it! Size 42 fits, order #A12345 arrived 2025-01-31." },
    ]);
    expect(recorded.feedback.map((f) => f.label)).toEqual(["negative", "negative", "positive"]);

    const stored = (await store.exportUser("u-redact")).feedback.map((f) => f.text);
    expect(stored).toEqual([
      "Terrible service, it broke after a day. Call me on [phone] or [email]",
      "质量太差了，退款到卡号 [card]，手机[phone]，订单号 2024123456",
      "Love it! Size 42 fits, order #A12345 arrived 2025-01-31.",
    ]);
  });
});
