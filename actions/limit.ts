import { ActionError } from "./errors.ts";

/**
 * At most `max` calls in flight; later ones wait in line (up to `queue` of them), and a caller
 * whose signal ends while waiting leaves the line. A shop's order system is not flooded by a
 * busy hour, and a shopper never waits longer than their own deadline.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly queue: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // A finished call hands its slot straight to the next in line, so no newcomer slips in between.
    if (this.active >= this.max) await this.wait(signal);
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private wait(signal?: AbortSignal): Promise<void> {
    if (this.waiting.length >= this.queue) return Promise.reject(new ActionError("busy", `the shop's system already has ${this.max} requests in flight and ${this.queue} waiting`));
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(go);
    });
  }
}
