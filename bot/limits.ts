import type { IncomingMessage } from "node:http";
import { BurstyRateLimiter, type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Config } from "../core/config.ts";
import { ConciergeError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { RedisLink } from "../core/redis.ts";
import type { RateDecision, RateLimiter } from "./rate-limit.ts";

/**
 * The service's limits, per client address, per shopper and overall — kept in Redis when the
 * replicas share one, so a reconnect, another socket or another replica does not reset them. 0
 * turns a limit off (the load bench does).
 */
export interface LimitSettings {
  /** RATE_LIMIT_PER_IP_PER_MINUTE: HTTP requests, chat messages and event calls from one address. */
  perIpPerMinute: number;
  /** MAX_CONNECTIONS_PER_IP: socket.io and telephone connections open at once from one address. */
  maxConnectionsPerIp: number;
  /** RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND: a shopper's chat messages, on all their sockets together. */
  messages: { burst: number; perSecond: number };
  /** RATE_LIMIT_EVENTS_PER_MINUTE: events one shopper may record (each event counts). */
  eventsPerShopperPerMinute: number;
  /** MAX_VOICE_SESSIONS: voice sessions (kiosks, calls) one replica runs at once. */
  maxVoiceSessions: number;
  /** MAX_TURNS_PER_SECOND: turns the whole service takes per second. */
  turnsPerSecond: number;
}

export class RateLimitedError extends ConciergeError {
  readonly retryAfterMs: number;
  constructor(what: string, retryAfterMs: number) {
    super("rate_limited", `too many ${what}; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, 429);
    this.retryAfterMs = retryAfterMs;
  }
}

export class BusyError extends ConciergeError {
  constructor(what: string) {
    super("busy", `${what}; try again in a moment`, 503);
  }
}

/** Never limits: what a limit set to 0 is. */
const unlimited: RateLimiter = { consume: async () => ({ allowed: true, retryAfterMs: 0 }), forget() {} };

/** `points` per `seconds` in one window, in Redis (across replicas) with a memory fallback while Redis is down, or in memory alone. */
function window(name: string, points: number, seconds: number, redis: RedisLink | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: seconds, keyPrefix: name });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis.commands,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
    points,
    duration: seconds,
    keyPrefix: name,
  });
}

/** A fixed-window limit of `points` per `seconds`. */
function windowLimiter(name: string, points: number, seconds: number, redis: RedisLink | undefined, logger: Logger): RateLimiter {
  if (!(points > 0)) return unlimited;
  return asRateLimiter(name, window(name, points, seconds, redis), logger);
}

/**
 * `burst` at once, then `perSecond` (a token bucket's behaviour, from two windows): the steady
 * window refills every 1/perSecond seconds, the burst window tops it up for a short rush.
 */
function burstLimiter(name: string, burst: number, perSecond: number, redis: RedisLink | undefined, logger: Logger): RateLimiter {
  if (!(burst > 0) || !(perSecond > 0)) return unlimited;
  const steady = perSecond >= 1 ? window(`${name}:steady`, Math.round(perSecond), 1, redis) : window(`${name}:steady`, 1, Math.round(1 / perSecond), redis);
  if (burst <= 1) return asRateLimiter(name, steady, logger);
  const rush = window(`${name}:burst`, burst - 1, Math.max(1, Math.ceil(burst / perSecond)), redis);
  const both = new BurstyRateLimiter(steady, rush);
  return asRateLimiter(name, { consume: (key, cost) => both.consume(key, cost), delete: async (key) => (await Promise.all([steady.delete(key), rush.delete(key)])).some(Boolean) }, logger);
}

function asRateLimiter(name: string, limiter: { consume(key: string, cost?: number): Promise<unknown>; delete(key: string): Promise<boolean> }, logger: Logger): RateLimiter {
  return {
    async consume(key: string, cost = 1): Promise<RateDecision> {
      try {
        await limiter.consume(key, cost);
        return { allowed: true, retryAfterMs: 0 };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, err.msBeforeNext) };
        // The limit itself failed (not a refusal): let the request through rather than fail it.
        logger.warn({ err, limit: name }, "rate limit unavailable; allowing");
        return { allowed: true, retryAfterMs: 0 };
      }
    },
    forget(key: string) {
      void limiter.delete(key).catch(() => undefined);
    },
  };
}

/** Connections open at once per address, counted in Redis (every replica's) or in this process. */
class ConnectionCounter {
  private readonly local = new Map<string, number>();
  constructor(
    private readonly max: number,
    private readonly redis: RedisLink | undefined,
    private readonly prefix: string,
  ) {}

  /** Takes a slot for `ip`; the returned function gives it back (call it once, on disconnect). */
  async acquire(ip: string): Promise<(() => void) | undefined> {
    if (!(this.max > 0)) return () => {};
    const key = `${this.prefix}:connections:${ip}`;
    if (this.redis?.isReady) {
      try {
        const n = await this.redis.commands.incr(key);
        // A replica that died with connections open leaves them counted: the count lapses after an hour.
        await this.redis.commands.expire(key, 3600);
        if (n > this.max) {
          await this.redis.commands.decr(key);
          return undefined;
        }
        const redis = this.redis;
        return once(() => void redis.commands.decr(key).catch(() => undefined));
      } catch {
        // Redis went away mid-way: count here instead.
      }
    }
    const n = (this.local.get(ip) ?? 0) + 1;
    if (n > this.max) return undefined;
    this.local.set(ip, n);
    return once(() => {
      const left = (this.local.get(ip) ?? 1) - 1;
      if (left > 0) this.local.set(ip, left);
      else this.local.delete(ip);
    });
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/** Voice sessions this replica runs at once (each holds a recogniser's attention). */
class SessionSlots {
  private used = 0;
  constructor(private readonly max: number) {}
  acquire(): (() => void) | undefined {
    if (this.max > 0 && this.used >= this.max) return undefined;
    this.used++;
    return once(() => {
      this.used--;
    });
  }
}

/** Every limit the channels apply, built once per process from the settings. */
export class Limits {
  readonly perIp: RateLimiter;
  readonly messagesPerShopper: RateLimiter;
  readonly eventsPerShopper: RateLimiter;
  readonly turns: RateLimiter;
  private readonly connections: ConnectionCounter;
  private readonly voice: SessionSlots;

  constructor(
    readonly settings: LimitSettings,
    options: { redis?: RedisLink; logger: Logger; trustProxy?: boolean; namespace?: string },
  ) {
    const { redis, logger } = options;
    // Shops sharing one Redis (one database schema each) keep their counts apart.
    const prefix = `concierge:${options.namespace ?? "public"}`;
    this.trustProxy = options.trustProxy ?? false;
    this.perIp = windowLimiter(`${prefix}:ip`, settings.perIpPerMinute, 60, redis, logger);
    const m = settings.messages;
    this.messagesPerShopper = burstLimiter(`${prefix}:messages`, m.burst, m.perSecond, redis, logger);
    this.eventsPerShopper = windowLimiter(`${prefix}:events`, settings.eventsPerShopperPerMinute, 60, redis, logger);
    this.turns = windowLimiter(`${prefix}:turns`, settings.turnsPerSecond, 1, redis, logger);
    this.connections = new ConnectionCounter(settings.maxConnectionsPerIp, redis, prefix);
    this.voice = new SessionSlots(settings.maxVoiceSessions);
  }

  private readonly trustProxy: boolean;

  /** The client's address: the peer, or with CONCIERGE_TRUST_PROXY the address the proxy in front saw (the last X-Forwarded-For hop). */
  clientIp(req: IncomingMessage): string {
    if (this.trustProxy) {
      const forwarded = req.headers["x-forwarded-for"];
      const last = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").at(-1)?.trim();
      if (last) return last;
    }
    return (req.socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
  }

  /** Throws RateLimitedError when `limiter` refuses `key`. */
  async check(limiter: RateLimiter, key: string, what: string, cost = 1): Promise<void> {
    const d = await limiter.consume(key, cost);
    if (!d.allowed) throw new RateLimitedError(what, d.retryAfterMs);
  }

  /** A connection slot for the request's address, or a RateLimitedError (the slot is released on close). */
  async connection(req: IncomingMessage): Promise<() => void> {
    const release = await this.connections.acquire(this.clientIp(req));
    if (!release) throw new RateLimitedError(`connections from one address (at most ${this.settings.maxConnectionsPerIp} open at once)`, 5_000);
    return release;
  }

  /** A voice session slot on this replica, or a BusyError. */
  voiceSession(): () => void {
    const release = this.voice.acquire();
    if (!release) throw new BusyError(`all ${this.settings.maxVoiceSessions} voice sessions of this server are in use`);
    return release;
  }
}

/** The limits as configured (RATE_LIMIT_*, MAX_*); hand-built configs get the documented defaults. */
export function limitSettings(config: Config): LimitSettings {
  const l = config.limits;
  return {
    perIpPerMinute: l?.perIpPerMinute ?? 600,
    maxConnectionsPerIp: l?.maxConnectionsPerIp ?? 100,
    messages: { burst: config.messageRate.capacity, perSecond: config.messageRate.refillPerSecond },
    eventsPerShopperPerMinute: l?.eventsPerShopperPerMinute ?? 600,
    maxVoiceSessions: l?.maxVoiceSessions ?? 16,
    turnsPerSecond: l?.turnsPerSecond ?? 0,
  };
}
