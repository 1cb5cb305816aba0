import type { ShopperEvent } from "../../store/types.ts";
import type { FileEvent } from "./events-file.ts";

/**
 * The evaluation protocols: how events become training data and test cases.
 *
 * Leave-last-out (RecBole's / Microsoft Recommenders' time-ordered leave-one-out):
 *   - each shopper's events in time order (ties keep file order);
 *   - positives are purchase, cart, favourite and rating ≥ 4; when the data has none of those at
 *     all (a click log), views are the positives;
 *   - the test item is the shopper's LAST positive interaction; "now" is its time;
 *   - their history is every event of theirs before it, except events on the test item itself (a
 *     view before the purchase would otherwise give the answer away, and the item would be excluded
 *     from the list as already seen);
 *   - their events from the test event on are dropped; training = every other event of everyone
 *     (so the co-occurrence and popularity models are fitted on all shoppers' training events);
 *   - shoppers with fewer than 2 positives are not tested (one positive would leave no positive
 *     history) but their events train.
 *
 * Cross-domain (a shopper new to a category):
 *   - for each shopper, the categories where they have a positive and outside which they have ≥ 2
 *     positives; one of those is held back, chosen by a hash of their id and the seed (stable,
 *     whatever the file order);
 *   - their events in the held-back category are not trained on; all their other events are
 *     (the "history in other categories"), as are everybody else's events;
 *   - now = their last event outside the held-back category (they have done all their other
 *     shopping, and now browse the new category); relevant = every item they had a positive
 *     interaction with in the held-back category;
 *   - lists are restricted to the held-back category, and the metrics are over its items.
 */

export interface TestCase {
  userId: string;
  relevant: Set<string>;
  /** Their events the system knows at `now`, oldest first. */
  history: ShopperEvent[];
  now: number;
  /** Cross-domain: the held-back category lists are restricted to. */
  category?: string;
}

export interface Split {
  /** Training events in time order. */
  train: ShopperEvent[];
  tests: TestCase[];
  /** Shoppers not tested (too few positives, or no category to hold back). */
  skipped: number;
  /** What counted as a positive. */
  positives: "purchase, cart, favourite, rating ≥ 4" | "view (the data has no other positives)";
}

export function isPositive(e: Pick<ShopperEvent, "type" | "value">): boolean {
  if (e.type === "rating") return typeof e.value === "number" && e.value >= 4;
  return e.type === "purchase" || e.type === "cart" || e.type === "favourite";
}

/** (ts, line) order: the file's order breaks ties. */
export function timeOrder<T extends { ts: number; line: number }>(events: T[]): T[] {
  return [...events].sort((a, b) => a.ts - b.ts || a.line - b.line);
}

function byUser(events: FileEvent[]): Map<string, FileEvent[]> {
  const users = new Map<string, FileEvent[]>();
  for (const e of events) {
    const list = users.get(e.userId);
    if (list) list.push(e);
    else users.set(e.userId, [e]);
  }
  return users;
}

function positiveRule(events: FileEvent[]): { test: (e: FileEvent) => boolean; label: Split["positives"] } {
  if (events.some(isPositive)) return { test: isPositive, label: "purchase, cart, favourite, rating ≥ 4" };
  return { test: (e) => e.type === "view", label: "view (the data has no other positives)" };
}

const strip = (e: FileEvent): ShopperEvent => {
  const out: ShopperEvent = { userId: e.userId, itemId: e.itemId, type: e.type, ts: e.ts };
  if (e.value !== undefined) out.value = e.value;
  return out;
};

/** `events` in time order (timeOrder). */
export function leaveLastOut(events: FileEvent[]): Split {
  const positive = positiveRule(events);
  const dropped = new Set<FileEvent>();
  const tests: TestCase[] = [];
  let skipped = 0;
  for (const [userId, list] of byUser(events)) {
    let last = -1;
    let count = 0;
    list.forEach((e, i) => {
      if (positive.test(e)) {
        count++;
        last = i;
      }
    });
    if (count < 2) {
      skipped++;
      continue;
    }
    const target = list[last]!;
    const history = list.slice(0, last).filter((e) => e.itemId !== target.itemId);
    for (const e of list.slice(last)) dropped.add(e);
    for (const e of list.slice(0, last)) if (e.itemId === target.itemId) dropped.add(e);
    tests.push({ userId, relevant: new Set([target.itemId]), history: history.map(strip), now: target.ts });
  }
  return { train: events.filter((e) => !dropped.has(e)).map(strip), tests, skipped, positives: positive.label };
}

/** FNV-1a: a stable choice per shopper that does not depend on the file's order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** `events` in time order; `categoryOf` an item's category (items without one are never held back). */
export function crossDomainSplit(events: FileEvent[], categoryOf: (itemId: string) => string | undefined, seed = 42): Split {
  const positive = positiveRule(events);
  const dropped = new Set<FileEvent>();
  const tests: TestCase[] = [];
  let skipped = 0;
  for (const [userId, list] of byUser(events)) {
    const liked = new Map<string, Set<string>>();
    const positives = new Map<string, number>();
    let total = 0;
    for (const e of list) {
      if (!positive.test(e)) continue;
      total++;
      const c = categoryOf(e.itemId);
      if (c === undefined) continue;
      positives.set(c, (positives.get(c) ?? 0) + 1);
      const set = liked.get(c) ?? new Set<string>();
      set.add(e.itemId);
      liked.set(c, set);
    }
    const eligible = [...liked.keys()].filter((c) => total - positives.get(c)! >= 2).sort();
    if (!eligible.length) {
      skipped++;
      continue;
    }
    const category = eligible[hash(`${seed}:${userId}`) % eligible.length]!;
    const history = list.filter((e) => categoryOf(e.itemId) !== category);
    for (const e of list) if (categoryOf(e.itemId) === category) dropped.add(e);
    tests.push({ userId, relevant: liked.get(category)!, history: history.map(strip), now: history[history.length - 1]!.ts + 1, category });
  }
  return { train: events.filter((e) => !dropped.has(e)).map(strip), tests, skipped, positives: positive.label };
}
