import { existsSync } from "node:fs";
import { createRequire } from "node:module";

export type GpuMode = "auto" | "cuda" | "cpu";

export interface CudaProbe {
  /** An NVIDIA driver is loaded (its /proc entry or device node exists). */
  driver: boolean;
  /** The CUDA build of whisper.node is installed. */
  cudaPackage: boolean;
}

export interface WhisperBackend {
  /** @fugood/whisper.node's library variant. */
  variant: "default" | "cuda";
  useGpu: boolean;
  /** Why this choice, for the start-up log. */
  reason: string;
}

const require = createRequire(import.meta.url);

/** What this machine offers for CUDA, without loading anything. */
export function probeCuda(): CudaProbe {
  const driver = existsSync("/proc/driver/nvidia/version") || existsSync("/dev/nvidiactl");
  let cudaPackage = false;
  try {
    require.resolve(`@fugood/node-whisper-${process.platform}-${process.arch}-cuda/package.json`);
    cudaPackage = true;
  } catch {
    cudaPackage = false;
  }
  return { driver, cudaPackage };
}

/** CUDA when asked or automatic and both the driver and the CUDA build are there; the CPU otherwise, saying why. */
export function chooseWhisperBackend(mode: GpuMode, probe: CudaProbe = probeCuda()): WhisperBackend {
  if (mode === "cpu") return { variant: "default", useGpu: false, reason: "CPU chosen (CONCIERGE_STT_GPU=cpu)" };
  const missing = [!probe.driver && "no NVIDIA driver", !probe.cudaPackage && "the CUDA build of whisper.node is not installed"].filter(Boolean);
  if (missing.length === 0) return { variant: "cuda", useGpu: true, reason: "CUDA driver and whisper.node CUDA build found" };
  const why = missing.join(" and ");
  return { variant: "default", useGpu: false, reason: mode === "cuda" ? `CUDA asked for but ${why}: using the CPU` : `CPU (${why})` };
}
