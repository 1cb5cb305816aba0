import { LlmBusyError } from "./errors.ts";

/** One context sequence and what it remembers: whose prompt it last evaluated and when. */
export interface Slot<T> {
  readonly value: T;
  /** The conversation whose prompt the sequence still holds, if any. */
  key?: string;
  /** Holds evaluated tokens (worth reusing, or worth clearing when idle). */
  dirty: boolean;
  busy: boolean;
  lastUsed: number;
}

interface Waiter<T> {
  key?: string;
  resolve: (slot: Slot<T>) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

export interface SlotPoolOptions {
  /** Requests that may wait; one more is refused at once. */
  maxWaiting: number;
  /** How long a request may wait before it is refused. */
  timeoutMs: number;
  now?: () => number;
}

/**
 * A fixed set of context sequences shared by every conversation, with a bounded, timed FIFO of
 * requests waiting for one. Waiting is bounded both ways so a burst degrades to templated replies
 * quickly instead of piling up behind a slow model.
 */
export class SlotPool<T> {
  private readonly slots: Slot<T>[];
  private readonly waiters: Waiter<T>[] = [];
  private closedReason: string | undefined;
  private readonly now: () => number;

  constructor(
    values: T[],
    private readonly options: SlotPoolOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.slots = values.map((value) => ({ value, dirty: false, busy: false, lastUsed: 0 }));
  }

  /** A free slot — the one holding `key`'s prompt when free, else a clean one, else the least recently used. */
  acquire(key?: string, signal?: AbortSignal): Promise<Slot<T>> {
    if (this.closedReason) return Promise.reject(new LlmBusyError("closed", this.closedReason));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.pick(key);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.waiters.length >= this.options.maxWaiting) {
      return Promise.reject(new LlmBusyError("queue_full", `all ${this.slots.length} sequences are busy and ${this.waiters.length} requests are already waiting`));
    }
    if (this.options.timeoutMs <= 0) {
      return Promise.reject(new LlmBusyError("queue_timeout", `all ${this.slots.length} sequences are busy and waiting is disabled`));
    }
    return new Promise<Slot<T>>((resolve, reject) => {
      const waiter: Waiter<T> = { key, resolve, reject, cleanup: () => {} };
      const leave = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.cleanup();
      };
      const timer = setTimeout(() => {
        leave();
        reject(new LlmBusyError("queue_timeout", `waited ${this.options.timeoutMs} ms for one of ${this.slots.length} busy sequences`));
      }, this.options.timeoutMs);
      const onAbort = () => {
        leave();
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiter.cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives the slot back: to the longest-waiting request, else to the free set. */
  release(slot: Slot<T>, state: { key?: string; dirty: boolean }): void {
    slot.key = state.dirty ? state.key : undefined;
    slot.dirty = state.dirty;
    slot.lastUsed = this.now();
    const next = this.waiters.shift();
    if (next) {
      next.cleanup();
      next.resolve(slot);
      return;
    }
    slot.busy = false;
  }

  /** Marks busy and returns the free slots that hold tokens and were last used before `before`, so they can be cleared. */
  takeIdle(before: number): Slot<T>[] {
    const idle = this.slots.filter((s) => !s.busy && s.dirty && s.lastUsed < before);
    for (const s of idle) s.busy = true;
    return idle;
  }

  /** Refuses every waiting request; running ones finish or are stopped by their owner. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const w of this.waiters.splice(0)) {
      w.cleanup();
      w.reject(new LlmBusyError("closed", reason));
    }
  }

  stats(): { busy: number; idle: number; waiting: number; holding: number } {
    const busy = this.slots.filter((s) => s.busy).length;
    const holding = this.slots.filter((s) => s.dirty).length;
    return { busy, idle: this.slots.length - busy, waiting: this.waiters.length, holding };
  }

  private pick(key: string | undefined): Slot<T> | undefined {
    const free = this.slots.filter((s) => !s.busy);
    if (!free.length) return undefined;
    if (key) {
      const own = free.find((s) => s.key === key);
      if (own) return own;
    }
    const clean = free.find((s) => !s.dirty);
    if (clean) return clean;
    return free.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
  }
}
