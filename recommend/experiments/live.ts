import type { Logger } from "../../core/logger.ts";
import type { ConversionType, ExperimentEvent, ShopperEvent } from "../../store/types.ts";
import type { RankingConfig } from "../ranking/ranker.ts";
import { strategyConfig } from "../ranking/strategies.ts";
import type { Assignment } from "./service.ts";

/** What the recommender needs of the experiments service (Experiments implements it). */
export interface RankingExperiments {
  rankingAssignment(userId: string): Promise<Assignment | null>;
  logEvents(events: ExperimentEvent[]): Promise<number>;
}

/** A conversion is credited to the variant whose list showed the item within this window. */
export const ATTRIBUTION_MS = 24 * 60 * 60_000;
const SHOPPERS = 10_000;
const ITEMS_PER_SHOPPER = 200;

const CONVERSION: Partial<Record<ShopperEvent["type"], ConversionType>> = { view: "click", cart: "cart", purchase: "purchase" };

interface Shown {
  experimentId: string;
  variant: string;
  /** Item id → when it was last shown. */
  items: Map<string, number>;
}

/**
 * A/B experiments applied to live ranking: the shopper's variant picks the ranking strategy their
 * recommendations are ranked with; every list shown records an exposure; a view, cart or purchase
 * of an item shown to them within ATTRIBUTION_MS records a click, cart or purchase for that
 * variant. What was shown is kept in this process (bounded), so with several replicas a conversion
 * counts when it reaches the replica that showed the list — sticky sessions keep that the norm.
 */
export class LiveExperiments {
  private readonly shown = new Map<string, Shown>();

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

  /** Records that the list was shown to the shopper in their variant, and remembers its items for attribution. */
  async exposed(userId: string, assignment: Assignment, itemIds: string[], now = Date.now()): Promise<void> {
    if (!itemIds.length) return;
    let entry = this.shown.get(userId);
    if (!entry || entry.experimentId !== assignment.experimentId || entry.variant !== assignment.variant) {
      entry = { experimentId: assignment.experimentId, variant: assignment.variant, items: new Map() };
    }
    this.shown.delete(userId);
    if (this.shown.size >= SHOPPERS) this.shown.delete(this.shown.keys().next().value!);
    this.shown.set(userId, entry);
    for (const id of itemIds) {
      entry.items.delete(id);
      entry.items.set(id, now);
    }
    while (entry.items.size > ITEMS_PER_SHOPPER) entry.items.delete(entry.items.keys().next().value!);
    await this.log([{ experimentId: assignment.experimentId, userId, variant: assignment.variant, type: "exposure", ts: now }]);
  }

  /** Conversions among events just recorded: interactions with items a variant's list showed. */
  async converted(events: ShopperEvent[]): Promise<void> {
    const out: ExperimentEvent[] = [];
    for (const e of events) {
      const type = CONVERSION[e.type];
      const entry = type ? this.shown.get(e.userId) : undefined;
      const at = entry?.items.get(e.itemId);
      if (!entry || !type || at === undefined || e.ts < at || e.ts - at > ATTRIBUTION_MS) continue;
      out.push({ experimentId: entry.experimentId, userId: e.userId, variant: entry.variant, type, ts: e.ts });
    }
    if (out.length) await this.log(out);
  }

  /** Forgets what was shown to a shopper (deleted, or opted out). */
  forget(userId: string): void {
    this.shown.delete(userId);
  }

  private async log(events: ExperimentEvent[]): Promise<void> {
    try {
      await this.hooks.logEvents(events);
    } catch (err) {
      // Losing an experiment event must never cost the shopper their recommendations.
      this.logger?.warn({ err, events: events.length }, "could not record experiment events");
    }
  }
}
