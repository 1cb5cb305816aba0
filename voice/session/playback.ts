/**
 * Where the reply audio sits on the microphone stream's clock, so a speech onset can be compared
 * with what the speaker was playing at that moment. Positions are 16 kHz sample indexes of the
 * input stream (the audio the client sent so far), which keeps the alignment right whether the
 * client streams in real time or faster.
 */
interface Placed {
  id: string;
  at: number;
  samples: Int16Array;
}

/** Reply audio older than this behind the stream is forgotten: memory stays bounded on long replies. */
const KEEP_SAMPLES = 60 * 16000;

export class PlaybackTimeline {
  private chunks: Placed[] = [];
  /** Per reply: where its next chunk starts, and whether the client has said it started. */
  private cursors = new Map<string, { next: number; confirmed: boolean; endedAt?: number }>();

  /** A chunk was sent at stream position `now`: it plays right after the previous one, or now if that has finished. */
  add(id: string, samples: Int16Array, now: number): void {
    const c = this.cursors.get(id) ?? { next: now, confirmed: false };
    const at = Math.max(c.next, now);
    this.chunks.push({ id, at, samples });
    c.next = at + samples.length;
    this.cursors.set(id, c);
    this.prune(now);
  }

  /** The client reported it started playing `id` at stream position `now`: re-anchor that reply's chunks there. */
  started(id: string, now: number): void {
    const c = this.cursors.get(id);
    if (!c) {
      this.cursors.set(id, { next: now, confirmed: true });
      return;
    }
    if (c.confirmed) return;
    c.confirmed = true;
    const first = this.chunks.find((p) => p.id === id);
    if (!first) return;
    const shift = now - first.at;
    for (const p of this.chunks) if (p.id === id) p.at += shift;
    c.next += shift;
  }

  /** The client finished (or stopped) playing `id` at `now`. */
  ended(id: string, now: number): void {
    const c = this.cursors.get(id);
    if (c) c.endedAt = now;
  }

  /** Stream position until which some reply may still be sounding (its last sample, or when the client said it ended). */
  playingUntil(): number {
    let end = Number.NEGATIVE_INFINITY;
    for (const c of this.cursors.values()) end = Math.max(end, c.endedAt ?? c.next);
    return end;
  }

  /** The reply audio that played over [from, to) of the stream, silence where nothing did. */
  reference(from: number, to: number): Int16Array {
    const out = new Int16Array(Math.max(0, to - from));
    for (const p of this.chunks) {
      const ended = this.cursors.get(p.id)?.endedAt;
      const stop = Math.min(p.at + p.samples.length, to, ended ?? Number.POSITIVE_INFINITY);
      const start = Math.max(p.at, from);
      if (start >= stop) continue;
      out.set(p.samples.subarray(start - p.at, stop - p.at), start - from);
    }
    return out;
  }

  private prune(now: number): void {
    this.chunks = this.chunks.filter((p) => p.at + p.samples.length > now - KEEP_SAMPLES);
    const live = new Set(this.chunks.map((p) => p.id));
    for (const id of this.cursors.keys()) if (!live.has(id) && this.cursors.size > 4) this.cursors.delete(id);
  }
}

/** The last few seconds of microphone audio at 16 kHz, addressable by stream position. */
export class MicHistory {
  private readonly ring: Int16Array;
  /** Stream position one past the newest sample. */
  position = 0;

  constructor(seconds = 4) {
    this.ring = new Int16Array(seconds * 16000);
  }

  push(samples: Int16Array): void {
    const n = this.ring.length;
    for (let i = 0; i < samples.length; i++) this.ring[(this.position + i) % n] = samples[i];
    this.position += samples.length;
  }

  /** Samples [from, to) that are still held (older ones are gone, so the slice may start later). */
  slice(from: number, to: number): Int16Array {
    const start = Math.max(from, this.position - this.ring.length, 0);
    const end = Math.min(to, this.position);
    const out = new Int16Array(Math.max(0, end - start));
    for (let i = 0; i < out.length; i++) out[i] = this.ring[(start + i) % this.ring.length];
    return out;
  }
}
