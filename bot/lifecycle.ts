import { ConciergeError } from "../core/errors.ts";

export class ShuttingDownError extends ConciergeError {
  constructor() {
    super("shutting_down", "the assistant is restarting; send it again in a moment", 503);
  }
}

/**
 * Whether the service takes new work, and the work in flight. On shutdown it stops taking turns
 * (they are answered `shutting_down`, which clients retry elsewhere), and the turns already running
 * may finish within the drain.
 */
export class Lifecycle {
  private inFlight = 0;
  private accepting = true;
  private readonly idle = new Set<() => void>();

  get isAccepting(): boolean {
    return this.accepting;
  }

  get running(): number {
    return this.inFlight;
  }

  /** Runs one piece of work the drain waits for; refused once shutdown began. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    if (!this.accepting) throw new ShuttingDownError();
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idle) resolve();
    }
  }

  /** Stops taking work; resolves once what is running has finished, or after `ms`, with how much was still running. */
  async drain(ms: number): Promise<number> {
    this.accepting = false;
    if (this.inFlight === 0) return 0;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.idle.add(done);
    });
    return this.inFlight;
  }
}
