import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { createLogger } from "../../core/logger.ts";

function capture() {
  const lines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => lines.push(line) });
  return { logger, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logger", () => {
  it("censors the fields that carry what a shopper wrote, or a credential, at any of three depths", () => {
    const { logger, entries } = capture();
    logger.info(
      {
        conversationId: "c1",
        text: "my number is 5551234567",
        transcript: "call me",
        message: { text: "hello", id: "m1" },
        turn: { message: { text: "deep" }, answers: ["running"] },
        email: "jane@example.com",
        phone: "5551234567",
        token: "eyJhbGciOi",
        headers: { authorization: "Bearer abc", cookie: "sid=1", "set-cookie": "sid=2", accept: "text/html" },
        req: { headers: { authorization: "Bearer def", cookie: "sid=3" }, body: { text: "hi" }, query: "q=shoes" },
      },
      "turn",
    );
    expect(entries()[0]).toMatchObject({
      conversationId: "c1",
      text: "[redacted]",
      transcript: "[redacted]",
      message: { text: "[redacted]", id: "m1" },
      turn: { message: { text: "[redacted]" }, answers: "[redacted]" },
      email: "[redacted]",
      phone: "[redacted]",
      token: "[redacted]",
      headers: { authorization: "[redacted]", cookie: "[redacted]", "set-cookie": "[redacted]", accept: "text/html" },
      req: { headers: { authorization: "[redacted]", cookie: "[redacted]" }, body: "[redacted]", query: "[redacted]" },
      msg: "turn",
    });
  });

  it("redacts personal data that an error message or a reason quotes, and leaves the caller's objects alone", () => {
    const { logger, entries } = capture();
    const err = new ValidationError("no shopper jane@example.com with phone 13800138000");
    const context = { reason: "unknown id 11010519491231002X", code: "bad_input" };
    logger.error({ err }, "request failed");
    logger.debug(context, "request refused");
    logger.warn({ err: "connection to 5551234567 failed" }, "redis");
    const [failed, refused, redis] = entries();
    expect((failed!.err as { message: string }).message).toBe("no shopper [email] with phone [phone]");
    expect((failed!.err as { stack: string }).stack).not.toContain("jane@example.com");
    expect(refused).toMatchObject({ reason: "unknown id [id]", code: "bad_input" });
    expect(redis!.err).toBe("connection to [phone] failed");
    expect(err.message).toBe("no shopper jane@example.com with phone 13800138000");
    expect(context.reason).toBe("unknown id 11010519491231002X");
  });

  it("logs ids and counts as they are", () => {
    const { logger, entries } = capture();
    logger.info({ feedback: 3, conversationId: "c-5551234567", tokens: 12 }, "feedback recorded");
    expect(entries()[0]).toMatchObject({ feedback: 3, conversationId: "c-5551234567", tokens: 12, msg: "feedback recorded" });
  });
});
