import { z } from "zod";
import { ConciergeError, NotFoundError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { parseInput } from "../../core/validation.ts";
import type { Store } from "../../store/types.ts";
import { SEGMENTATION_FORMAT, type SegmentOptions, type Segmentation, type SegmentSummary, segmentShoppers } from "./segmenter.ts";

export interface SegmentsDeps {
  store: Store;
  /** The recommender's current embedder id (profiles are built from its product vectors); null before it has one. */
  embedderId: () => string | null | undefined;
  halfLifeDays?: number;
  logger?: Logger;
  /** How long the latest segmentation is cached before the store is asked again (default 60 s: another replica may have run one). */
  cacheTtlMs?: number;
}

/** What targeting needs to know about a shopper. */
export interface ShopperSegment {
  runId: string;
  id: number;
  name: string;
}

export const runOptionsSchema = z
  .object({
    k: z.number().int().min(1).max(50).optional(),
    maxK: z.number().int().min(2).max(50).optional(),
    seed: z.number().int().min(0).max(2 ** 31).optional(),
    restarts: z.number().int().min(1).max(50).optional(),
    components: z.number().int().min(1).max(256).optional(),
    rfmWeight: z.number().finite().min(0).max(100).optional(),
  })
  .strict();

export type RunOptions = z.infer<typeof runOptionsSchema>;

export const pageSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

/**
 * Shopper segments for the admin API, the CLI and targeting: runs a segmentation (one at a time per
 * process), serves the latest one, and says which segment a shopper is in.
 */
export class Segments {
  private running: Promise<Segmentation> | undefined;
  private cache: { at: number; value: Segmentation | null } | undefined;

  constructor(private readonly deps: SegmentsDeps) {}

  /** Clusters the shoppers now and saves the result; a second call while one runs is refused (409). */
  async run(options: RunOptions = {}, onProgress?: SegmentOptions["onProgress"]): Promise<Segmentation> {
    const opts = parseInput(runOptionsSchema, options, "segmentation options");
    if (this.running) throw new ConciergeError("conflict", "a segmentation is already running; try again when it has finished", 409);
    this.running = segmentShoppers(
      { store: this.deps.store, embedderId: this.deps.embedderId(), halfLifeDays: this.deps.halfLifeDays },
      { ...opts, onProgress },
    );
    try {
      const result = await this.running;
      this.cache = { at: Date.now(), value: result };
      this.deps.logger?.info(
        { segmentation: result.id, shoppers: result.shoppers, k: result.k, silhouette: result.silhouette, seconds: result.seconds },
        "shoppers segmented",
      );
      return result;
    } finally {
      this.running = undefined;
    }
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** The latest segmentation (from any replica), or null before the first run. */
  async latest(): Promise<Segmentation | null> {
    const ttl = this.deps.cacheTtlMs ?? 60_000;
    if (this.cache && Date.now() - this.cache.at < ttl) return this.cache.value;
    const record = await this.deps.store.segments.latestSegmentation();
    const summary = record?.summary as Partial<Segmentation> | undefined;
    const value = summary?.format === SEGMENTATION_FORMAT ? (summary as Segmentation) : null;
    this.cache = { at: Date.now(), value };
    return value;
  }

  /** The segment a shopper is in, for targeting; null when unsegmented (new, opted out, or no run yet). */
  async segmentOf(userId: string): Promise<ShopperSegment | null> {
    const membership = await this.deps.store.segments.segmentOf(userId);
    if (!membership) return null;
    let latest = await this.latest();
    // Another replica saved a newer run than the one cached here.
    if (latest?.id !== membership.runId) {
      this.cache = undefined;
      latest = await this.latest();
    }
    const segment = latest?.id === membership.runId ? latest.segments[membership.segment] : undefined;
    return segment ? { runId: membership.runId, id: segment.id, name: segment.name } : null;
  }

  /** One page of a segment's shoppers (by user id). */
  async shoppers(segmentId: number, page: { limit?: number; offset?: number } = {}): Promise<{
    segmentation: string;
    segment: SegmentSummary;
    total: number;
    limit: number;
    offset: number;
    userIds: string[];
  }> {
    const { limit, offset } = parseInput(pageSchema, page, "page");
    const latest = await this.latest();
    if (!latest) throw new NotFoundError("no segmentation yet: run one with POST /api/admin/segments/run or `concierge segments`");
    const segment = latest.segments[segmentId];
    if (!segment) throw new NotFoundError(`no segment ${segmentId}: the latest segmentation has segments 0 to ${latest.segments.length - 1}`);
    const userIds = await this.deps.store.segments.segmentMembers(segmentId, { limit, offset });
    return { segmentation: latest.id, segment, total: segment.size, limit, offset, userIds };
  }
}
