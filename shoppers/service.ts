import { z } from "zod";
import type { Logger } from "../core/logger.ts";
import { redactPii } from "../core/redact.ts";
import { EVENT_TYPES, type Shopper, type ShopperEvent } from "../core/shopper.ts";
import { parseInput } from "../core/validation.ts";
import type { DeletionReport, PurgeReport, ShopperStore, UserExport } from "../store/types.ts";
import { LocalBus, type ShopperBus, type ShopperNotice } from "./bus.ts";
import { ExportLinkError, hashExportToken, isExportToken, newExportToken } from "./export-links.ts";
import { type Origin, originOf } from "./identity/index.ts";
import { LruMap, type ProfileModel, type ShopperProfile } from "./profiles.ts";

/**
 * What other parts keep in memory that is derived from shoppers' events (the recommender's
 * co-occurrence counts and popularity): told of new events, of a shopper to forget, and to rebuild
 * after a retention purge removed old events.
 */
export interface ShopperMemory {
  observe(events: ShopperEvent[]): Promise<void> | void;
  forget(shopperId: string): unknown;
  rebuild(): Promise<void> | void;
}

/** A shopper's data as they download it: every row deletion would remove. */
export type ShopperExport = { shopperId: string; origin: Origin | "unknown"; exportedAt: string } & Omit<UserExport, "userId">;

export interface ShoppersOptions {
  store: ShopperStore;
  logger?: Logger;
  /** Tells every replica to forget a shopper (RedisBus); default: this process only. */
  bus?: ShopperBus;
  /** How long an export link works (default 15 minutes). */
  exportLinkMinutes?: number;
}

const PROFILE_EVENTS = 500;
/** Another replica may have recorded events since: a cached profile is recomputed after this long. */
const PROFILE_TTL_MS = 60_000;
const likesSchema = z.string().trim().min(1, "must not be empty").max(500, "at most 500 characters");
const eventsSchema = z
  .array(
    z
      .object({
        userId: z.string().min(1, "must not be empty").max(300),
        itemId: z.string().min(1, "must not be empty").max(200),
        type: z.enum(EVENT_TYPES),
        value: z.number().finite().optional(),
        ts: z.number().int("must be whole epoch milliseconds").nonnegative(),
      })
      .refine((e) => e.type !== "rating" || e.value === undefined || (e.value >= 1 && e.value <= 5), {
        message: "a rating's value must be between 1 and 5",
        path: ["value"],
      }),
  )
  .max(10_000, "at most 10,000 events a call");

/**
 * The one owner of a shopper's data: their record, consent and stated likes, their events and the
 * profile made of them (cached here, with their last search), and the privacy operations — export
 * through a one-time link, deletion everywhere at once (the store in one transaction, every
 * replica's memory through the bus), and the retention purge.
 */
export class Shoppers {
  private readonly store: ShopperStore;
  private readonly bus: ShopperBus;
  private readonly profiles = new LruMap<ShopperProfile & { version: string; at: number }>();
  private readonly lastQueries = new LruMap<{ text: string; at: number }>();
  private readonly memories: ShopperMemory[] = [];
  private model: ProfileModel | undefined;
  private readonly exportLinkMs: number;

  constructor(private readonly options: ShoppersOptions) {
    this.store = options.store;
    this.bus = options.bus ?? new LocalBus();
    this.exportLinkMs = (options.exportLinkMinutes ?? 15) * 60_000;
    this.bus.subscribe((notice) => {
      void this.onNotice(notice).catch((err) => options.logger?.warn({ err, notice: notice.type }, "could not act on a shopper notice"));
    });
  }

  /** The recommender's vectors, once it has loaded: profiles are made with it. */
  useProfileModel(model: ProfileModel): void {
    this.model = model;
    this.profiles.clear();
  }

  /** Something that keeps in memory what shoppers' events imply (the recommender). */
  useMemory(memory: ShopperMemory): void {
    this.memories.push(memory);
  }

  // ── the record, consent and likes ─────────────────────────────────────────────────────────

  get(shopperId: string): Promise<Shopper | null> {
    return this.store.getShopper(shopperId);
  }

  /** Makes sure a shopper who is talking to us has a record (their first turn creates it). */
  async ensure(shopperId: string, locale?: string): Promise<void> {
    if (await this.store.getShopper(shopperId)) return;
    const now = Date.now();
    await this.store.upsertShopper({ userId: shopperId, ...(locale && { locale }), preferences: [], personalise: true, createdAt: now, updatedAt: now });
  }

  /** Whether we know anything about them yet (stated likes or any event): new shoppers are asked what they like. */
  async isKnown(shopperId: string): Promise<boolean> {
    const shopper = await this.store.getShopper(shopperId);
    if (!shopper) return false;
    return shopper.preferences.length > 0 || (await this.store.eventsForUser(shopperId, 1)).length > 0;
  }

  /**
   * Adds what a shopper said they like (personal data in it redacted). With no events yet, the likes
   * are the profile; later they keep a fixed share of it. A shopper who opted out is left untouched.
   */
  async addPreferences(shopperId: string, text: string): Promise<void> {
    const likes = redactPii(parseInput(likesSchema, text, "preferences"));
    const now = Date.now();
    const existing = await this.store.getShopper(shopperId);
    if (existing && !existing.personalise) return;
    const shopper: Shopper = existing ?? { userId: shopperId, preferences: [], personalise: true, createdAt: now, updatedAt: now };
    const preferences = [...shopper.preferences.filter((p) => p.toLowerCase() !== likes.toLowerCase()), likes].slice(-20);
    await this.store.upsertShopper({ ...shopper, preferences, updatedAt: now });
    await this.refreshProfile(shopperId);
  }

  /**
   * From now on nothing of theirs ranks anything, on any replica: their part of co-occurrence, their
   * cached profile and session query go (their stored events stay, for export, but count nowhere).
   */
  async stopPersonalising(shopperId: string, locale?: string): Promise<void> {
    const now = Date.now();
    const shopper = await this.store.getShopper(shopperId);
    await this.store.upsertShopper({
      userId: shopperId,
      ...((shopper?.locale ?? locale) && { locale: shopper?.locale ?? locale }),
      preferences: shopper?.preferences ?? [],
      personalise: false,
      createdAt: shopper?.createdAt ?? now,
      updatedAt: now,
    });
    await this.forgetEverywhere(shopperId);
  }

  // ── events and profiles ───────────────────────────────────────────────────────────────────

  /**
   * Stores events (each already carrying a proven shopper id) and updates what depends on them.
   * Events of a shopper who opted out are dropped, not stored: we keep no history for them at all.
   * Returns how many were kept.
   */
  async record(input: ShopperEvent[]): Promise<number> {
    const events = parseInput(eventsSchema, input, "events") as ShopperEvent[];
    const byShopper = new Map<string, ShopperEvent[]>();
    for (const e of events) byShopper.set(e.userId, [...(byShopper.get(e.userId) ?? []), e]);
    const kept: ShopperEvent[] = [];
    for (const [shopperId, list] of byShopper) {
      const shopper = await this.store.getShopper(shopperId);
      if (shopper && !shopper.personalise) continue;
      kept.push(...list);
    }
    if (!kept.length) return 0;
    await this.store.addEvents(kept);
    for (const memory of this.memories) await memory.observe(kept);
    for (const shopperId of byShopper.keys()) if (kept.some((e) => e.userId === shopperId)) await this.refreshProfile(shopperId);
    return kept.length;
  }

  /**
   * The shopper's profile now, from their newest events and stated likes, cached until their next
   * event (or a minute, as another replica may have recorded some). Null for a shopper who opted out.
   */
  async profile(shopperId: string): Promise<ShopperProfile | null> {
    const shopper = await this.store.getShopper(shopperId);
    if (shopper && !shopper.personalise) return null;
    const version = this.model?.profileVersion ?? "";
    const cached = this.profiles.get(shopperId);
    const lastQuery = this.lastQueries.get(shopperId);
    if (cached && cached.version === version && Date.now() - cached.at < PROFILE_TTL_MS) return { ...withoutCacheFields(cached), ...(lastQuery && { lastQuery }) };
    const events = await this.store.eventsForUser(shopperId, PROFILE_EVENTS);
    const likes = shopper?.preferences ?? [];
    const vectors = this.model ? await this.model.profileVectors(events, likes) : { vector: null, likesVector: null, exclude: new Set<string>() };
    const profile: ShopperProfile = { shopperId, events, likes, ...vectors };
    this.profiles.set(shopperId, { ...profile, version, at: Date.now() });
    return { ...profile, ...(lastQuery && { lastQuery }) };
  }

  /** The shopper's last search, as the session's intent for recommendations that follow it. */
  rememberQuery(shopperId: string, text: string): void {
    this.lastQueries.set(shopperId, { text, at: Date.now() });
  }

  /** Recomputes a profile after its inputs changed and keeps its vector (segments read it). */
  private async refreshProfile(shopperId: string): Promise<void> {
    this.profiles.delete(shopperId);
    const profile = await this.profile(shopperId);
    if (profile?.vector) await this.store.saveProfile(shopperId, profile.vector);
  }

  // ── privacy ───────────────────────────────────────────────────────────────────────────────

  /** A one-time link to the shopper's data: the token to put after EXPORT_PATH, and when it stops working. */
  async exportLink(shopperId: string): Promise<{ token: string; expiresAt: number }> {
    const { token, tokenHash } = newExportToken();
    const now = Date.now();
    const expiresAt = now + this.exportLinkMs;
    await this.store.saveExportLink({ tokenHash, userId: shopperId, createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  /** What a link gives, once: the shopper's whole data as of now. Throws ExportLinkError when it is unknown, used or expired. */
  async redeemExport(token: string): Promise<ShopperExport> {
    const link = isExportToken(token) ? await this.store.takeExportLink(hashExportToken(token)) : null;
    if (!link) throw new ExportLinkError("export_link_unknown", "this export link is unknown or has already been used (each link works once); ask for your data again in the chat");
    if (link.expiresAt < Date.now()) throw new ExportLinkError("export_link_expired", "this export link has expired; ask for your data again in the chat");
    return this.exportData(link.userId);
  }

  async exportData(shopperId: string): Promise<ShopperExport> {
    const { userId, ...data } = await this.store.exportUser(shopperId);
    return { shopperId: userId, origin: originOf(userId) ?? "unknown", exportedAt: new Date().toISOString(), ...data };
  }

  /** Removes everything kept about the shopper in one transaction, then from every replica's memory. */
  async delete(shopperId: string): Promise<DeletionReport> {
    const report = await this.store.deleteUser(shopperId);
    await this.forgetEverywhere(shopperId);
    return report;
  }

  /** Retention: events and messages older than `before` go, on every replica's memory too. */
  async purge(before: number): Promise<PurgeReport> {
    const report = await this.store.purge(before);
    if (report.events || report.messages || report.profiles || report.shoppers) await this.publish({ type: "purged" });
    return report;
  }

  private async forgetEverywhere(shopperId: string): Promise<void> {
    // Here at once (the shopper's next turn may come before the bus delivers), then everywhere.
    await this.forgetHere(shopperId);
    await this.publish({ type: "forget", shopperId });
  }

  private async publish(notice: ShopperNotice): Promise<void> {
    try {
      await this.bus.publish(notice);
    } catch (err) {
      this.options.logger?.error({ err, notice: notice.type }, "could not tell the other replicas; their memory of this shopper lasts until it expires");
    }
  }

  private async forgetHere(shopperId: string): Promise<void> {
    this.profiles.delete(shopperId);
    this.lastQueries.delete(shopperId);
    for (const memory of this.memories) await memory.forget(shopperId);
  }

  private async onNotice(notice: ShopperNotice): Promise<void> {
    if (notice.type === "forget") return this.forgetHere(notice.shopperId);
    this.profiles.clear();
    for (const memory of this.memories) await memory.rebuild();
  }

  async close(): Promise<void> {
    await this.bus.close();
  }
}

function withoutCacheFields(cached: ShopperProfile & { version: string; at: number }): ShopperProfile {
  const { version: _v, at: _a, ...profile } = cached;
  return profile;
}
