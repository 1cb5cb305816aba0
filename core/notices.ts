import { randomUUID } from "node:crypto";
import type { Logger } from "./logger.ts";
import { RedisLink } from "./redis.ts";

/**
 * Tells every replica about something that changed, so what each keeps in memory follows (a
 * shopper deleted, a conversation moved on). Delivered to this process's subscribers at once, the
 * sender's own included.
 */
export interface NoticeBus<T> {
  publish(notice: T): Promise<void>;
  subscribe(handler: (notice: T) => void): void;
  close(): Promise<void>;
}

/** One process: a notice reaches this process's subscribers only. */
export class LocalNoticeBus<T> implements NoticeBus<T> {
  private readonly handlers: ((notice: T) => void)[] = [];
  async publish(notice: T): Promise<void> {
    for (const h of this.handlers) h(notice);
  }
  subscribe(handler: (notice: T) => void): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {}
}

/** Notices published while Redis is down wait for it; beyond this many the oldest are dropped (and said so). */
const HELD_MAX = 10_000;

/**
 * Replicas sharing a Redis (REDIS_URL), through pub/sub on `channel`. A notice reaches this process
 * at once and the others through Redis; published while Redis is down, it is held and sent when
 * Redis returns, so another replica's memory ends then, not never.
 */
export class RedisNoticeBus<T> implements NoticeBus<T> {
  private readonly handlers: ((notice: T) => void)[] = [];
  private readonly origin = randomUUID();
  private readonly held: string[] = [];
  private ownsLink = false;

  constructor(
    private readonly link: RedisLink,
    private readonly channel: string,
    private readonly isNotice: (value: unknown) => value is T,
    private readonly logger: Logger,
  ) {
    link.subscriber
      .subscribe(channel, (message) => {
        let parsed: { origin?: string; notice?: unknown };
        try {
          parsed = JSON.parse(message);
        } catch {
          return;
        }
        // This process has heard its own notice already.
        if (parsed.origin !== this.origin && this.isNotice(parsed.notice)) this.deliver(parsed.notice);
      })
      .catch((err: Error) => logger.warn({ err: err.message, channel }, "could not subscribe to notices"));
    link.onReady(() => void this.flush());
  }

  /** A bus on a link of its own (tests, tools): `close()` closes the link too. */
  static connect<T>(url: string, channel: string, isNotice: (value: unknown) => value is T, logger: Logger): RedisNoticeBus<T> {
    const bus = new RedisNoticeBus(new RedisLink(url, logger), channel, isNotice, logger);
    bus.ownsLink = true;
    return bus;
  }

  async publish(notice: T): Promise<void> {
    this.deliver(notice);
    const message = JSON.stringify({ origin: this.origin, notice });
    if (!this.link.isReady) return this.hold(message);
    await this.link.commands.publish(this.channel, message).catch(() => this.hold(message));
  }

  subscribe(handler: (notice: T) => void): void {
    this.handlers.push(handler);
  }

  private deliver(notice: T): void {
    for (const h of this.handlers) h(notice);
  }

  private hold(message: string): void {
    this.held.push(message);
    if (this.held.length > HELD_MAX) {
      this.held.shift();
      this.logger.error({ held: HELD_MAX, channel: this.channel }, "Redis has been down long enough that notices are being dropped: other replicas may keep stale memory until restarted");
    }
  }

  private async flush(): Promise<void> {
    while (this.held.length && this.link.isReady) {
      try {
        await this.link.commands.publish(this.channel, this.held[0]!);
        this.held.shift();
      } catch {
        return;
      }
    }
  }

  async close(): Promise<void> {
    if (this.ownsLink) await this.link.close();
  }
}
