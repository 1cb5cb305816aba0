// AudioWorklet processor: the microphone, resampled on the audio thread to 16 kHz mono PCM16, posted
// to the page in fixed frames (transferred, not copied) with each frame's level for the meter.
import { floatToPcm16, Resampler, rms } from "./kiosk-audio.js";

class MicProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate = 16000, frameMs = 20 } = options?.processorOptions ?? {};
    // `sampleRate` is the AudioContext's rate, a global of the worklet scope.
    this.resampler = new Resampler(sampleRate, targetRate);
    this.frameSize = Math.round((targetRate * frameMs) / 1000);
    this.frame = new Float32Array(this.frameSize);
    this.fill = 0;
    this.mix = null;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true; // no source connected yet
    let mono = channels[0];
    if (channels.length > 1) {
      // Some USB microphones open as stereo; average rather than drop a side.
      if (!this.mix || this.mix.length !== mono.length) this.mix = new Float32Array(mono.length);
      this.mix.fill(0);
      for (const ch of channels) for (let i = 0; i < ch.length; i++) this.mix[i] += ch[i] / channels.length;
      mono = this.mix;
    }
    const out = this.resampler.process(mono);
    let offset = 0;
    while (offset < out.length) {
      const take = Math.min(this.frameSize - this.fill, out.length - offset);
      this.frame.set(out.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === this.frameSize) {
        const pcm = floatToPcm16(this.frame);
        this.port.postMessage({ pcm: pcm.buffer, level: rms(this.frame) }, [pcm.buffer]);
        this.fill = 0;
      }
    }
    return true;
  }
}

registerProcessor("concierge-mic", MicProcessor);
