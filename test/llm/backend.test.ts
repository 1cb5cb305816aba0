import { getLlama, type Llama, type LlamaOptions } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { type LlamaLike, resolveThreads, selectBackend } from "../../llm/index.ts";

// The real CPU backend, loaded once for the whole file (each load takes about a second here).
let realCpu: Promise<Llama> | undefined;
afterAll(async () => {
  await (await realCpu)?.dispose();
});

/**
 * Stands in for node-llama-cpp's getLlama only where this machine cannot go: a CUDA backend (with
 * or without devices). CPU requests go to the real getLlama.
 */
class FakeGetLlama {
  readonly calls: LlamaOptions[] = [];
  disposedCuda = 0;
  constructor(private readonly cuda: { devices: string[] } | { throws: string } | { reports: string }) {}

  readonly fn = async (options: LlamaOptions): Promise<LlamaLike> => {
    this.calls.push(options);
    if (options.gpu === false) {
      realCpu ??= getLlama(options);
      return realCpu;
    }
    if ("throws" in this.cuda) throw new Error(this.cuda.throws);
    const devices = "devices" in this.cuda ? this.cuda.devices : [];
    const gpu = "reports" in this.cuda ? this.cuda.reports : "cuda";
    return {
      gpu,
      getGpuDeviceNames: async () => devices,
      dispose: async () => {
        this.disposedCuda++;
      },
    };
  };
}

describe("backend selection", () => {
  it("uses CUDA when it loads and has a device, and never builds from source", async () => {
    const fake = new FakeGetLlama({ devices: ["NVIDIA L4"] });
    const choice = await selectBackend("auto", { threads: 2, getLlama: fake.fn });
    expect(choice).toMatchObject({ backend: "cuda", devices: ["NVIDIA L4"] });
    expect(choice.fallbackReason).toBeUndefined();
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ gpu: "cuda", build: "never", maxThreads: 2 });
  });

  it("falls back to the CPU when CUDA throws", async () => {
    const fake = new FakeGetLlama({ throws: "no CUDA runtime" });
    const choice = await selectBackend("cuda", { threads: 1, getLlama: fake.fn });
    expect(choice.backend).toBe("cpu");
    expect(choice.llama.gpu).toBe(false);
    expect(choice.fallbackReason).toContain("no CUDA runtime");
    expect(fake.calls.map((c) => c.gpu)).toEqual(["cuda", false]);
    expect(fake.calls.every((c) => c.build === "never")).toBe(true);
  });

  it("never picks a CUDA backend with zero devices, nor another GPU type: it disposes it and uses the CPU", async () => {
    for (const cuda of [{ devices: [] }, { reports: "vulkan" }]) {
      const fake = new FakeGetLlama(cuda);
      const choice = await selectBackend("auto", { threads: 1, getLlama: fake.fn });
      expect(choice.backend).toBe("cpu");
      expect(fake.disposedCuda).toBe(1);
      expect(choice.fallbackReason).toBeTruthy();
    }
  });

  it("goes straight to the CPU when told to", async () => {
    const fake = new FakeGetLlama({ devices: ["NVIDIA L4"] });
    const choice = await selectBackend("cpu", { threads: 1, getLlama: fake.fn });
    expect(choice.backend).toBe("cpu");
    expect(fake.calls.map((c) => c.gpu)).toEqual([false]);
  });

  it("on this machine (no CUDA), the real getLlama path ends on the CPU with the reason", async () => {
    const choice = await selectBackend("auto", { threads: 1 });
    expect(choice.backend).toBe("cpu");
    expect(choice.devices).toEqual([]);
    expect(choice.fallbackReason).toMatch(/CUDA/);
    await choice.llama.dispose();
  });

  it("picks threads explicitly: as configured, else one fewer than the cores", () => {
    expect(resolveThreads(3, 2)).toBe(3);
    expect(resolveThreads(0, 2)).toBe(1);
    expect(resolveThreads(0, 1)).toBe(1);
    expect(resolveThreads(0, 8)).toBe(7);
    expect(resolveThreads(0, 64)).toBe(8);
  });
});
