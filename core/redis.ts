import { createClient } from "redis";
import { hostOf } from "./hosts.ts";
import type { Logger } from "./logger.ts";

type Client = ReturnType<typeof createClient>;

/**
 * The connection replicas share state through (REDIS_URL): one client for commands, one for
 * subscriptions. It never holds up start-up and never throws at its users: when Redis is down the
 * service runs as a single node (callers check `isReady`, and commands fail at once instead of
 * queueing), and it joins the others again when Redis comes back.
 */
export class RedisLink {
  readonly commands: Client;
  readonly subscriber: Client;
  private readonly readyHandlers: (() => void)[] = [];
  private down = false;

  constructor(
    readonly url: string,
    private readonly logger: Logger,
  ) {
    const socket = { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(250 * 2 ** Math.min(retries, 5), 5000) };
    // Commands fail at once while disconnected (rate limits fall back to memory; notices are kept for later).
    this.commands = createClient({ url, socket, disableOfflineQueue: true });
    // Subscriptions made while disconnected wait for the connection, and are made again after a reconnection.
    this.subscriber = createClient({ url, socket });
    for (const client of [this.commands, this.subscriber]) {
      client.on("error", (err: Error) => this.wentDown(err));
      client.on("ready", () => this.cameBack());
      client.connect().catch(() => undefined);
    }
  }

  get isReady(): boolean {
    return this.commands.isReady && this.subscriber.isReady;
  }

  /** Called every time both clients are connected (at start and after every outage). */
  onReady(handler: () => void): void {
    this.readyHandlers.push(handler);
    if (this.isReady) handler();
  }

  private wentDown(err: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn({ redis: hostOf(this.url, "redis"), err: err.message }, "Redis is unreachable: running as a single node (limits in this process, notices held) until it returns");
  }

  private cameBack(): void {
    if (!this.isReady) return;
    if (this.down) this.logger.info({ redis: hostOf(this.url, "redis") }, "Redis is back: sharing limits and notices with the other replicas again");
    this.down = false;
    for (const handler of this.readyHandlers) handler();
  }

  async close(): Promise<void> {
    const end = async (client: Client) => {
      // A client still trying to reach a Redis that is down would wait for it: it is dropped instead.
      if (!client.isReady) return client.destroy();
      await Promise.race([client.close(), new Promise((r) => setTimeout(r, 1000))]).catch(() => undefined);
      if (client.isOpen) client.destroy();
    };
    await Promise.allSettled([end(this.commands), end(this.subscriber)]);
  }
}
