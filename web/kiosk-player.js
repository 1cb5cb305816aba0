// Plays the reply's audio chunks gap-free: each chunk is scheduled on the AudioContext clock to start
// exactly where the previous one ends, in `seq` order whatever order they arrive in, and every
// scheduled source can be stopped at once (barge-in, push-to-talk press).
import { pcm16ToFloat } from "./kiosk-audio.js";

const LOG_LIMIT = 200;
const FORGET_LIMIT = 50;

export class Player {
  /**
   * @param {AudioContext} ctx
   * @param {{onStarted?: (id: string) => void, onEnded?: (id: string, reason: string) => void, lead?: number}} [options]
   *   onStarted when a reply's first sample is due to sound; onEnded when its last finished ("done")
   *   or it was cut off (the reason given to stop()). `lead` is the head start given to a chunk that
   *   arrives while nothing is playing, so its start is never in the past.
   */
  constructor(ctx, options = {}) {
    this.ctx = ctx;
    this.onStarted = options.onStarted ?? (() => {});
    this.onEnded = options.onEnded ?? (() => {});
    this.lead = options.lead ?? 0.05;
    this.output = ctx.createGain();
    this.output.connect(ctx.destination);
    this.cursor = 0; // context time where the next chunk starts
    this.replies = new Map(); // id → reply being played
    this.finished = []; // ids done or stopped, so late chunks for them are dropped
    this.stats = { chunks: 0, seconds: 0, completed: 0, stopped: 0 };
    this.log = []; // {id, seq, start, end} in context seconds, newest last (bounded)
  }

  /** True while any reply has audio scheduled or waiting for a missing earlier chunk. */
  get active() {
    for (const r of this.replies.values()) if (r.sources.size > 0 || r.pending.size > 0) return true;
    return false;
  }

  /** One `audio` event: {id, seq, sampleRate, format: "pcm16", data}. Returns false when the chunk was dropped. */
  push(chunk) {
    const id = String(chunk.id);
    if (this.finished.includes(id)) return false;
    if (chunk.format !== undefined && chunk.format !== "pcm16") throw new Error(`audio.format: expected "pcm16", got ${JSON.stringify(chunk.format)}`);
    if (!Number.isInteger(chunk.seq) || chunk.seq < 0) throw new Error(`audio.seq: expected a non-negative integer, got ${JSON.stringify(chunk.seq)}`);
    const reply = this.reply(id);
    if (chunk.seq < reply.nextSeq || reply.pending.has(chunk.seq)) return false; // a duplicate
    reply.pending.set(chunk.seq, chunk);
    this.drain(reply, false);
    return true;
  }

  /** `audio:end` {id}: nothing more will come for this reply; a missing chunk is no longer waited for. */
  end(id) {
    const key = String(id);
    if (this.finished.includes(key)) return;
    const reply = this.reply(key);
    reply.endReceived = true;
    this.drain(reply, true);
    this.maybeFinish(reply);
  }

  /** Silences everything now; each reply that had started sounding reports onEnded(id, reason). */
  stop(reason = "stopped") {
    const now = this.ctx.currentTime;
    for (const reply of [...this.replies.values()]) {
      clearTimeout(reply.startTimer);
      for (const source of reply.sources) {
        source.onended = null;
        try {
          source.stop();
        } catch {
          // a source that never started throws on stop() in some engines; it is silent either way
        }
        source.disconnect();
      }
      reply.sources.clear();
      reply.pending.clear();
      const sounded = reply.startedAt !== undefined && reply.startedAt <= now + 0.001;
      this.forget(reply.id);
      this.stats.stopped++;
      if (reply.startNotified || sounded) {
        if (!reply.startNotified) this.onStarted(reply.id);
        this.onEnded(reply.id, reason);
      }
    }
    this.cursor = now;
  }

  reply(id) {
    let reply = this.replies.get(id);
    if (!reply) {
      reply = { id, nextSeq: 0, pending: new Map(), sources: new Set(), endReceived: false, startNotified: false, startedAt: undefined, startTimer: undefined };
      this.replies.set(id, reply);
    }
    return reply;
  }

  drain(reply, skipGaps) {
    for (;;) {
      let chunk = reply.pending.get(reply.nextSeq);
      if (!chunk && skipGaps && reply.pending.size > 0) {
        reply.nextSeq = Math.min(...reply.pending.keys());
        chunk = reply.pending.get(reply.nextSeq);
      }
      if (!chunk) return;
      reply.pending.delete(reply.nextSeq);
      reply.nextSeq++;
      this.schedule(reply, chunk);
    }
  }

  schedule(reply, chunk) {
    const samples = pcm16ToFloat(chunk.data);
    if (samples.length === 0) return;
    const rate = chunk.sampleRate ?? 16000;
    const buffer = this.ctx.createBuffer(1, samples.length, rate);
    buffer.copyToChannel(samples, 0);
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    const now = this.ctx.currentTime;
    const start = Math.max(this.cursor, now + this.lead);
    source.start(start);
    this.cursor = start + buffer.duration;
    reply.sources.add(source);
    source.onended = () => {
      reply.sources.delete(source);
      source.disconnect();
      this.maybeFinish(reply);
    };
    this.stats.chunks++;
    this.stats.seconds += buffer.duration;
    this.log.push({ id: reply.id, seq: chunk.seq, start, end: this.cursor });
    if (this.log.length > LOG_LIMIT) this.log.shift();
    if (reply.startedAt === undefined) {
      reply.startedAt = start;
      reply.startTimer = setTimeout(
        () => {
          reply.startNotified = true;
          this.onStarted(reply.id);
        },
        Math.max(0, (start - now) * 1000),
      );
    }
  }

  maybeFinish(reply) {
    if (!reply.endReceived || reply.sources.size > 0 || reply.pending.size > 0) return;
    this.forget(reply.id);
    if (reply.startedAt === undefined) return; // a reply with no audio never started playing
    this.stats.completed++;
    clearTimeout(reply.startTimer);
    if (!reply.startNotified) this.onStarted(reply.id);
    this.onEnded(reply.id, "done");
  }

  forget(id) {
    this.replies.delete(id);
    this.finished.push(id);
    if (this.finished.length > FORGET_LIMIT) this.finished.shift();
  }
}
