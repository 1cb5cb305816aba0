import { describe, expect, it } from "vitest";
import { RecognitionQueue } from "../../voice/stt/queue.ts";

describe("the recogniser's queue", () => {
  it("runs one at a time, in order, and refuses past its bound with a clear error instead of growing", async () => {
    const queue = new RecognitionQueue(2);
    const order: string[] = [];
    let release!: () => void;
    const first = queue.run(async () => {
      order.push("first starts");
      await new Promise<void>((r) => {
        release = r;
      });
      order.push("first ends");
    });
    const second = queue.run(async () => {
      order.push("second");
    });
    await expect(queue.run(async () => order.push("third"))).rejects.toMatchObject({ code: "stt_busy", status: 503 });
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first starts", "first ends", "second"]);
    // With room again, it takes work again.
    await expect(queue.run(async () => "fourth")).resolves.toBe("fourth");
  });

  it("keeps going after a job fails", async () => {
    const queue = new RecognitionQueue(4);
    await expect(queue.run(async () => Promise.reject(new Error("decoder died")))).rejects.toThrow(/decoder died/);
    await expect(queue.run(async () => 1)).resolves.toBe(1);
    await queue.idle();
  });
});
