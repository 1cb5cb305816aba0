import { randomUUID } from "node:crypto";
import type { Logger } from "../core/logger.ts";
import { RedisLink } from "../core/redis.ts";

/** What one replica tells the others about shoppers, so no replica's memory outlives the data. */
export type ShopperNotice = { type: "forget"; shopperId: string } | { type: "purged" };

/** Delivers every notice to every replica's subscribers, the sender's own included. */
export interface ShopperBus {
  publish(notice: ShopperNotice): Promise<void>;
  subscribe(handler: (notice: ShopperNotice) => void): void;
  close(): Promise<void>;
}

/** One process: the notice reaches this process's subscribers only. */
export class LocalBus implements ShopperBus {
  private readonly handlers: ((notice: ShopperNotice) => void)[] = [];
  async publish(notice: ShopperNotice): Promise<void> {
    for (const h of this.handlers) h(notice);
  }
  subscribe(handler: (notice: ShopperNotice) => void): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {}
}

const CHANNEL = "concierge:shoppers";
/** Notices published while Redis is down wait for it; beyond this many the oldest are dropped (and said so). */
const HELD_MAX = 10_000;

function isNotice(value: unknown): value is ShopperNotice {
  const v = value as ShopperNotice | null;
  return !!v && typeof v === "object" && (v.type === "purged" || (v.type === "forget" && typeof v.shopperId === "string"));
}

/**
 * Replicas sharing a Redis (REDIS_URL), through pub/sub. A notice reaches this process at once and
 * the others through Redis; published while Redis is down, it is held and sent when Redis returns,
 * so another replica's memory of a deleted shopper ends then, not never.
 */
export class RedisBus implements ShopperBus {
  private readonly handlers: ((notice: ShopperNotice) => void)[] = [];
  private readonly origin = randomUUID();
  private readonly held: string[] = [];
  private readonly channel: string;

  /** `namespace` keeps shops sharing one Redis apart (their database schema, say). */
  constructor(
    private readonly link: RedisLink,
    private readonly logger: Logger,
    namespace = "public",
  ) {
    this.channel = `${CHANNEL}:${namespace}`;
    link.subscriber
      .subscribe(this.channel, (message) => {
        let parsed: { origin?: string; notice?: unknown };
        try {
          parsed = JSON.parse(message);
        } catch {
          return;
        }
        // This process has heard its own notice already.
        if (parsed.origin !== this.origin && isNotice(parsed.notice)) this.deliver(parsed.notice);
      })
      .catch((err: Error) => logger.warn({ err: err.message }, "could not subscribe to shopper notices"));
    link.onReady(() => void this.flush());
  }

  /** A bus on a link of its own (tests, tools): `close()` closes the link too. */
  static connect(url: string, logger: Logger, namespace?: string): RedisBus {
    const bus = new RedisBus(new RedisLink(url, logger), logger, namespace);
    bus.ownsLink = true;
    return bus;
  }

  private ownsLink = false;

  async publish(notice: ShopperNotice): Promise<void> {
    this.deliver(notice);
    const message = JSON.stringify({ origin: this.origin, notice });
    if (!this.link.isReady) return this.hold(message);
    await this.link.commands.publish(this.channel, message).catch(() => this.hold(message));
  }

  subscribe(handler: (notice: ShopperNotice) => void): void {
    this.handlers.push(handler);
  }

  private deliver(notice: ShopperNotice): void {
    for (const h of this.handlers) h(notice);
  }

  private hold(message: string): void {
    this.held.push(message);
    if (this.held.length > HELD_MAX) {
      this.held.shift();
      this.logger.error({ held: HELD_MAX }, "Redis has been down long enough that shopper notices are being dropped: other replicas may keep stale memory until restarted");
    }
  }

  private async flush(): Promise<void> {
    while (this.held.length && this.link.isReady) {
      const message = this.held[0]!;
      try {
        await this.link.commands.publish(this.channel, message);
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
