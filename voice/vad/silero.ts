import type { InferenceSession, Tensor } from "onnxruntime-node";
import { ValidationError } from "../../core/errors.ts";
import type { VadDecision, VoiceActivityDetector } from "../types.ts";

type Ort = typeof import("onnxruntime-node");

/** Silero v5 at 16 kHz: 512 new samples a frame, plus the previous frame's last 64 as context. */
export const SILERO_FRAME = 512;
const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

/**
 * The loaded Silero VAD network, shared by every stream (one ONNX session per process); each
 * stream gets its own detector with its own recurrent state and context.
 */
export class SileroVadModel {
  readonly name = "silero-vad";

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly sr: Tensor,
  ) {}

  static async load(modelPath: string): Promise<SileroVadModel> {
    const ort = (await import("onnxruntime-node")) as Ort;
    // One thread: a frame is ~0.2 ms, and the other core belongs to the recogniser.
    const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" });
    const want = ["input", "state", "sr"];
    const missing = want.filter((n) => !session.inputNames.includes(n));
    if (missing.length || !session.outputNames.includes("output") || !session.outputNames.includes("stateN")) {
      await session.release();
      throw new Error(`${modelPath} is not a Silero VAD v5 model (inputs ${session.inputNames.join(",")}, outputs ${session.outputNames.join(",")})`);
    }
    return new SileroVadModel(ort, session, new ort.Tensor("int64", BigInt64Array.from([16000n]), []));
  }

  createDetector(options: { threshold?: number } = {}): VoiceActivityDetector {
    return new SileroVad(this, options.threshold ?? 0.5);
  }

  /** One step of the network: 576 samples in, speech probability and the next state out. */
  async step(input: Float32Array, state: Float32Array): Promise<{ probability: number; state: Float32Array }> {
    const feeds = {
      input: new this.ort.Tensor("float32", input, [1, input.length]),
      state: new this.ort.Tensor("float32", state, [2, 1, 128]),
      sr: this.sr,
    };
    const out = await this.session.run(feeds);
    const probability = (out.output.data as Float32Array)[0];
    const next = Float32Array.from(out.stateN.data as Float32Array);
    return { probability, state: next };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

class SileroVad implements VoiceActivityDetector {
  readonly name = "silero-vad";
  readonly frameSamples = SILERO_FRAME;
  private state: Float32Array = new Float32Array(STATE_SIZE);
  private context: Float32Array = new Float32Array(CONTEXT);
  /** Frames of one stream must run in order: each depends on the state the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: SileroVadModel,
    private readonly threshold: number,
  ) {}

  process(frame: Int16Array): Promise<VadDecision> {
    if (frame.length !== SILERO_FRAME) {
      return Promise.reject(new ValidationError(`VAD frame: Silero expects ${SILERO_FRAME} samples at 16 kHz, got ${frame.length}`));
    }
    const run = this.queue.then(async () => {
      const input = new Float32Array(CONTEXT + SILERO_FRAME);
      input.set(this.context);
      for (let i = 0; i < SILERO_FRAME; i++) input[CONTEXT + i] = frame[i] / 32768;
      const { probability, state } = await this.model.step(input, this.state);
      this.state = state;
      this.context = input.slice(input.length - CONTEXT);
      return { probability, speech: probability >= this.threshold };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  reset(): void {
    this.state = new Float32Array(STATE_SIZE);
    this.context = new Float32Array(CONTEXT);
  }
}
