import type { ShopperEvent } from "../core/shopper.ts";

/** What a shopper's profile is made of besides their events and likes; computed by the recommender over its vectors. */
export interface ProfileVectors {
  /** Their events and likes as one vector in the catalogue's space (null without either). */
  vector: Float32Array | null;
  likesVector: Float32Array | null;
  /** Items not to recommend again: bought (unless consumable), or rated below 3. */
  exclude: Set<string>;
}

/** Turns a shopper's events and likes into vectors (recommend/ implements it over the catalogue's space). */
export interface ProfileModel {
  /** Changes when the space changes (another embedder): profiles cached in the old one are rebuilt. */
  readonly profileVersion: string;
  profileVectors(events: ShopperEvent[], likes: string[]): Promise<ProfileVectors>;
}

/** A shopper as ranking sees them: what recommend/ is given, never what it looks up. */
export interface ShopperProfile extends ProfileVectors {
  shopperId: string;
  /** Their newest events, oldest first. */
  events: ShopperEvent[];
  likes: string[];
  /** Their last search in this process, as the session's intent (the ranker decides whether it is still current). */
  lastQuery?: { text: string; at: number };
}

const CAPACITY = 2_000;

/** Least recently used first: a hit is re-inserted, the oldest key goes when full. */
export class LruMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity = CAPACITY) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}
