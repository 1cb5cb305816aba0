// Types for web/kiosk-audio.js (plain JS so the browser and its AudioWorklet load it without a build step).
export declare class Resampler {
  constructor(inRate: number, outRate: number, zeroCrossings?: number);
  readonly inRate: number;
  readonly outRate: number;
  process(input: Float32Array): Float32Array;
}
export declare function floatToPcm16(samples: Float32Array | ArrayLike<number>): Int16Array;
export declare function pcm16ToFloat(data: ArrayBuffer | ArrayBufferView): Float32Array;
export declare function pcm16ToBytes(samples: Int16Array | ArrayLike<number>): ArrayBuffer;
export declare function rms(samples: Float32Array | ArrayLike<number>): number;
