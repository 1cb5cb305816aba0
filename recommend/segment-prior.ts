import type { Product, ShopperEvent, Store } from "../store/types.ts";
import { eventWeight } from "./profile.ts";
import { type Segmentation, SEGMENTATION_FORMAT, type SegmentSummary } from "./segments/segmenter.ts";

/** The segment whose popularity stands in for a shopper's own taste while they have little of it. */
export interface ShopperSegmentPick {
  segmentation: string;
  segment: number;
  name: string;
  /** "member": the latest segmentation put them there; "placed": their first events or stated likes did. */
  how: "member" | "placed";
  /** The segment's most engaged-with items, best first. */
  items: { id: string; score: number }[];
}

const TTL_MS = 60_000;

/**
 * Segment popularity for cold start. A shopper the latest segmentation clustered is in their
 * segment; a newer one is placed by the categories of their first events and of their stated likes
 * (the affinity Σ_c their share of c × the segment's share of c), so a newcomer who looked at one
 * pair of running shoes gets what the running crowd engages with rather than the whole shop's
 * bestsellers. Nobody known (anonymous) is placed nowhere: global popularity serves them.
 */
export class SegmentPrior {
  private cache: { at: number; value: Segmentation | null } | undefined;

  constructor(private readonly store: Store) {}

  private async latest(): Promise<Segmentation | null> {
    if (this.cache && Date.now() - this.cache.at < TTL_MS) return this.cache.value;
    const record = await this.store.segments.latestSegmentation();
    const summary = record?.summary as Partial<Segmentation> | undefined;
    const value = summary?.format === SEGMENTATION_FORMAT && Array.isArray(summary.segments) ? (summary as Segmentation) : null;
    this.cache = { at: Date.now(), value };
    return value;
  }

  /** Forget the cached segmentation (a new run was saved). */
  invalidate(): void {
    this.cache = undefined;
  }

  async forShopper(userId: string, events: ShopperEvent[], likes: string[], productOf: (id: string) => Product | undefined): Promise<ShopperSegmentPick | null> {
    const latest = await this.latest();
    if (!latest?.segments.length) return null;
    const pick = (s: SegmentSummary, how: ShopperSegmentPick["how"]): ShopperSegmentPick | null =>
      s.topItems?.length ? { segmentation: latest.id, segment: s.id, name: s.name, how, items: s.topItems.map((i) => ({ id: i.id, score: i.score })) } : null;
    const membership = await this.store.segments.segmentOf(userId);
    if (membership) {
      if (membership.runId !== latest.id) this.invalidate();
      const fresh = membership.runId === latest.id ? latest : await this.latest();
      const s = fresh?.id === membership.runId ? fresh.segments[membership.segment] : undefined;
      if (s) return pick(s, "member");
    }
    const affinity = categoryShares(events, likes, productOf, latest.segments);
    if (!affinity.size) return null;
    let best: SegmentSummary | undefined;
    let bestScore = 0;
    for (const s of latest.segments) {
      let score = 0;
      for (const c of s.topCategories) score += (affinity.get(c.name.toLowerCase()) ?? 0) * c.share;
      if (score > bestScore || (score === bestScore && score > 0 && best && s.size > best.size)) {
        best = s;
        bestScore = score;
      }
    }
    return best && bestScore > 0 ? pick(best, "placed") : null;
  }
}

/** The shopper's interest per category (lower case), shares summing to 1: event weights, and a stated like naming a category. */
function categoryShares(events: ShopperEvent[], likes: string[], productOf: (id: string) => Product | undefined, segments: SegmentSummary[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const e of events) {
    const category = productOf(e.itemId)?.category?.trim().toLowerCase();
    const w = Math.max(0, eventWeight(e));
    if (category && w > 0) weights.set(category, (weights.get(category) ?? 0) + w);
  }
  const said = likes.join(" ").toLowerCase();
  if (said) {
    const known = new Set(segments.flatMap((s) => s.topCategories.map((c) => c.name.toLowerCase())));
    for (const c of known) if (c && said.includes(c)) weights.set(c, (weights.get(c) ?? 0) + 1);
  }
  let total = 0;
  for (const w of weights.values()) total += w;
  if (total > 0) for (const [c, w] of weights) weights.set(c, w / total);
  return weights;
}
