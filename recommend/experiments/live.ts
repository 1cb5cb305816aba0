import type { Logger } from "../../core/logger.ts";
import type { ConversionType, ExperimentEvent, ExposedItem, ExposedItems, ShopperEvent } from "../../store/types.ts";
import type { RankingConfig } from "../ranking/ranker.ts";
import { strategyConfig } from "../ranking/strategies.ts";
import type { Assignment } from "./service.ts";

/** What the recommender needs of the experiments service (Experiments implements it over the store). */
export interface RankingExperiments {
  rankingAssignment(userId: string): Promise<Assignment | null>;
  logEvents(events: ExperimentEvent[]): Promise<number>;
  /** Remembers, where every replica sees it, which items a list showed the shopper (Store.experiments.recordExposedItems). */
  recordShown(shown: ExposedItems, bound: { keep: number; since: number }): Promise<void>;
  /** The last show of each (shopper, item) asked about, if at or after `since`, whichever replica showed it. */
  shownItems(keys: { userId: string; itemId: string }[], since: number): Promise<ExposedItem[]>;
  /** Forgets every shopper's shows from before `before`; returns how many went. */
  pruneShown(before: number): Promise<number>;
}

/** A conversion is credited to the variant whose list showed the item within this window. */
export const ATTRIBUTION_MS = 24 * 60 * 60_000;
/** Per shopper, the newest shown items kept for attribution. */
export const ITEMS_PER_SHOPPER = 200;
/** How often a process sweeps out every shopper's shows older than the window (those who never came back). */
const SWEEP_MS = 60 * 60_000;

const CONVERSION: Partial<Record<ShopperEvent["type"], ConversionType>> = { view: "click", cart: "cart", purchase: "purchase" };

const pairKey = (userId: string, itemId: string) => `${userId}\u0000${itemId}`;

/**
 * A/B experiments applied to live ranking: the shopper's variant picks the ranking strategy their
 * recommendations are ranked with; every list shown records an exposure; a view, cart or purchase
 * of an item shown to them within ATTRIBUTION_MS records a click, cart or purchase for that
 * variant. What was shown is kept in the store, so the conversion counts whichever replica it
 * reaches.
 */
export class LiveExperiments {
  private lastSweep = 0;

  constructor(
    private readonly hooks: RankingExperiments,
    private readonly logger?: Logger,
  ) {}

  /** The ranking for this shopper under the running ranking experiment, or null (no experiment: the default). */
  async rankingFor(userId: string, base: RankingConfig): Promise<{ assignment: Assignment; config: RankingConfig } | null> {
    let assignment: Assignment | null;
    try {
      assignment = await this.hooks.rankingAssignment(userId);
    } catch (err) {
      this.logger?.warn({ err }, "experiment assignment failed; serving the default ranking");
      return null;
    }
    if (!assignment) return null;
    const name = assignment.config.ranking;
    const config = name ? strategyConfig(base, name) : base;
    if (!config) {
      this.logger?.warn({ experiment: assignment.experimentId, variant: assignment.variant, strategy: name }, "unknown ranking strategy; serving the default ranking");
      return { assignment, config: base };
    }
    return { assignment, config };
  }

  /** Records that the list was shown to the shopper in their variant, and its items for attribution. */
  async exposed(userId: string, assignment: Assignment, itemIds: string[], now = Date.now()): Promise<void> {
    if (!itemIds.length) return;
    const { experimentId, variant } = assignment;
    // Two independent writes: on a server database they run side by side.
    await Promise.all([
      this.guard("could not remember the items shown for experiment attribution", () =>
        this.hooks.recordShown({ experimentId, userId, variant, itemIds, shownAt: now }, { keep: ITEMS_PER_SHOPPER, since: now - ATTRIBUTION_MS }),
      ),
      this.log([{ experimentId, userId, variant, type: "exposure", ts: now }]),
    ]);
    this.sweep();
  }

  /** Conversions among events just recorded: interactions with items a variant's list showed. */
  async converted(events: ShopperEvent[]): Promise<void> {
    const candidates = events.filter((e) => CONVERSION[e.type]);
    if (!candidates.length) return;
    // Only shoppers in a running ranking experiment can convert; without one (the usual case) there is no lookup.
    const assigned = new Map<string, Assignment>();
    const ok = await this.guard("experiment assignment failed; conversions not credited", async () => {
      for (const userId of new Set(candidates.map((e) => e.userId))) {
        const a = await this.hooks.rankingAssignment(userId);
        if (a) assigned.set(userId, a);
      }
    });
    const wanted = ok ? candidates.filter((e) => assigned.has(e.userId)) : [];
    if (!wanted.length) return;
    let since = Number.POSITIVE_INFINITY;
    for (const e of wanted) since = Math.min(since, e.ts);
    let shown: ExposedItem[] = [];
    const found = await this.guard("could not look up the items shown; conversions not credited", async () => {
      shown = await this.hooks.shownItems(
        wanted.map((e) => ({ userId: e.userId, itemId: e.itemId })),
        Math.max(0, since - ATTRIBUTION_MS),
      );
    });
    if (!found) return;
    const lastShow = new Map(shown.map((s) => [pairKey(s.userId, s.itemId), s]));
    const out: ExperimentEvent[] = [];
    for (const e of wanted) {
      const s = lastShow.get(pairKey(e.userId, e.itemId));
      // Credited to the experiment now deciding their ranking: a show from an earlier one no longer counts.
      if (!s || s.experimentId !== assigned.get(e.userId)!.experimentId || e.ts < s.shownAt || e.ts - s.shownAt > ATTRIBUTION_MS) continue;
      out.push({ experimentId: s.experimentId, userId: e.userId, variant: s.variant, type: CONVERSION[e.type]!, ts: e.ts });
    }
    if (out.length) await this.log(out);
  }

  /** Shoppers who never came back leave rows the per-shopper bound never reaches; off the shopper's path. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_MS) return;
    this.lastSweep = now;
    void this.guard("could not sweep old experiment shows", () => this.hooks.pruneShown(now - ATTRIBUTION_MS));
  }

  /** Runs `fn`, logging a failure instead of throwing it; true when it succeeded. */
  private async guard(what: string, fn: () => Promise<unknown>, context: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      // Losing experiment data must never cost the shopper their recommendations.
      this.logger?.warn({ err, ...context }, what);
      return false;
    }
  }

  private async log(events: ExperimentEvent[]): Promise<void> {
    await this.guard("could not record experiment events", () => this.hooks.logEvents(events), { events: events.length });
  }
}
