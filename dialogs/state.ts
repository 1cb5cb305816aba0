import { LocalNoticeBus, type NoticeBus } from "../core/notices.ts";
import type { Filters } from "../recommend/types.ts";
import type { ConversationStore } from "../store/types.ts";
import type { Audience } from "./audience.ts";
import type { Exclusion } from "./exclusions.ts";

/** The search a listing came from, so a refinement ("cheaper ones", "in red", 更便宜的) re-runs it with one more constraint. */
export interface SearchMemory {
  /** The query's content words (no request verbs, no price phrase). */
  text: string;
  filters: Filters;
  /** Whom it is for ("for men", "for my dad"), when the shopper said. */
  audience?: Audience;
  /** What the shopper said not to show ("not from Qingbu", 不要黑色的): a refinement keeps leaving it out. */
  avoid?: Exclusion;
  /** The list was by price, lowest (or highest) first: the other end of the search is not on it. */
  order?: "low" | "high";
}

/** What a conversation remembers between turns. Kept in the store, so any replica can continue it. */
export interface ConversationState {
  /** We asked a new shopper what they like; their next message seeds their profile. */
  awaitingPreferences: boolean;
  /** Product ids shown in the last reply, in order, so "the first one" can be resolved. */
  lastShown: string[];
  /** The search behind lastShown; absent when the list was not a search (popular picks, a comparison). */
  lastSearch?: SearchMemory;
  /** The search before it, for "go back", 返回. */
  previousSearch?: SearchMemory;
  /** The product the conversation is about now (last described, priced or added to the cart): what "it" means. */
  focus?: string;
  /** The two products of the last comparison: what "the cheaper one" then picks from. */
  compared?: string[];
  /** The intent the last reply answered ("add_to_cart"): "and the second one too" asks it again of another product. */
  lastAnswer?: string;
  /** What the last answer told about a product's listing ("waterproof"): "and the second one?" asks it of another. */
  askedProperty?: string;
  /** What was added to the cart in this conversation, oldest first (what "what's in my cart?" lists). */
  cart?: string[];
  /** When the shopper asked to delete their data and was asked to confirm; their next message answers. */
  pendingDeletion?: number;
  /** An order action waiting for the order number, e-mail or postcode we asked for (dialogs/flows/orders.ts). */
  pendingAction?: PendingAction;
  touchedAt: number;
}

/**
 * What an unverified shopper has told us so far for an order action. Kept only until the action is
 * called (or for PENDING_ACTION_MS): the e-mail is the shop's to check, not ours to keep.
 */
export interface PendingAction {
  action: "order_status" | "returns";
  intent: string;
  orderNumber?: string;
  email?: string;
  postcode?: string;
  at: number;
}

function isPendingAction(value: unknown): value is PendingAction {
  const v = value as PendingAction | null;
  const optional = (x: unknown) => x === undefined || typeof x === "string";
  return !!v && typeof v === "object" && (v.action === "order_status" || v.action === "returns") && typeof v.intent === "string" && typeof v.at === "number" && optional(v.orderNumber) && optional(v.email) && optional(v.postcode);
}

/** "This conversation moved on": other replicas drop what they cached of it. */
export type ConversationNotice = { type: "conversation"; conversationId: string };

export function isConversationNotice(value: unknown): value is ConversationNotice {
  const v = value as ConversationNotice | null;
  return !!v && typeof v === "object" && v.type === "conversation" && typeof v.conversationId === "string";
}

export interface ConversationStatesOptions {
  store: Pick<ConversationStore, "getConversationState" | "saveConversationState">;
  /** Tells the other replicas a conversation moved on (Redis); default: this process only. */
  bus?: NoticeBus<ConversationNotice>;
  /**
   * How long a state read from the store may be used without reading it again: unbounded for a
   * store only this process writes (the embedded one), a minute when notices keep replicas'
   * copies fresh, a second when nothing does.
   */
  cacheMs?: number;
  /** A conversation idle this long starts afresh (default 6 hours). */
  idleMs?: number;
  maxCached?: number;
}

/** A cart holds at most this many products; the oldest leaves first. */
export const CART_LIMIT = 50;

function fresh(now: number): ConversationState {
  return { awaitingPreferences: false, lastShown: [], touchedAt: now };
}

function parse(state: Record<string, unknown>): ConversationState | undefined {
  if (typeof state.touchedAt !== "number" || !Array.isArray(state.lastShown)) return undefined;
  return {
    awaitingPreferences: state.awaitingPreferences === true,
    lastShown: state.lastShown.filter((id): id is string => typeof id === "string"),
    ...(typeof state.pendingDeletion === "number" && { pendingDeletion: state.pendingDeletion }),
    ...(typeof state.focus === "string" && { focus: state.focus }),
    ...(typeof state.lastAnswer === "string" && { lastAnswer: state.lastAnswer.slice(0, 64) }),
    ...(typeof state.askedProperty === "string" && { askedProperty: state.askedProperty.slice(0, 200) }),
    ...(Array.isArray(state.compared) && { compared: state.compared.filter((id): id is string => typeof id === "string").slice(0, 2) }),
    ...(Array.isArray(state.cart) && { cart: state.cart.filter((id): id is string => typeof id === "string").slice(-CART_LIMIT) }),
    ...(isSearchMemory(state.lastSearch) && { lastSearch: state.lastSearch }),
    ...(isSearchMemory(state.previousSearch) && { previousSearch: state.previousSearch }),
    ...(isPendingAction(state.pendingAction) && { pendingAction: state.pendingAction }),
    touchedAt: state.touchedAt,
  };
}

function isSearchMemory(value: unknown): value is SearchMemory {
  const v = value as SearchMemory | null;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === "string");
  const avoid = v?.avoid;
  const validAvoid = avoid === undefined || (!!avoid && typeof avoid === "object" && strings(avoid.colors) && strings(avoid.brands) && strings(avoid.words));
  return !!v && typeof v === "object" && typeof v.text === "string" && !!v.filters && typeof v.filters === "object" && validAvoid && (v.order === undefined || v.order === "low" || v.order === "high");
}

/**
 * Conversation states in the store, with a short in-process cache: a conversation can move to
 * another replica on any message and carry on where it was ("the first one", onboarding, a
 * question awaiting a yes).
 */
const meaningOf = (state: ConversationState): string => {
  const { touchedAt: _t, ...meaning } = state;
  return JSON.stringify(meaning);
};

interface Cached {
  state: ConversationState;
  /** What the store holds for it (without the clock), and when it was written; undefined: nothing yet. */
  saved?: { meaning: string; at: number };
  /** When this copy was read or written here. */
  at: number;
}

export class ConversationStates {
  private readonly cache = new Map<string, Cached>();
  private readonly bus: NoticeBus<ConversationNotice>;
  private readonly cacheMs: number;
  private readonly idleMs: number;
  private readonly maxCached: number;

  constructor(private readonly options: ConversationStatesOptions) {
    this.bus = options.bus ?? new LocalNoticeBus();
    this.cacheMs = options.cacheMs ?? Number.POSITIVE_INFINITY;
    this.idleMs = options.idleMs ?? 6 * 60 * 60 * 1000;
    this.maxCached = options.maxCached ?? 50_000;
    this.bus.subscribe((notice) => this.cache.delete(notice.conversationId));
  }

  /** The state to run a turn with: cached, or read from the store, or fresh (new, or idle too long). */
  async get(conversationId: string, now = Date.now()): Promise<ConversationState> {
    let entry = this.cache.get(conversationId);
    if (!entry || now - entry.at >= this.cacheMs) {
      const row = await this.options.store.getConversationState(conversationId);
      const stored = row ? parse(row.state) : undefined;
      entry = { state: stored ?? fresh(now), saved: stored ? { meaning: meaningOf(stored), at: row!.updatedAt } : undefined, at: now };
    }
    const state = now - entry.state.touchedAt >= this.idleMs ? fresh(now) : structuredClone(entry.state);
    state.touchedAt = now;
    this.remember(conversationId, { ...entry, state, at: now });
    return structuredClone(state);
  }

  /**
   * Keeps the state after a turn — before its reply goes out, so the shopper's next message finds
   * it on whichever replica it reaches. Written when it changed, and now and then when it did not,
   * so an active conversation does not look idle to the store.
   */
  async save(conversationId: string, userId: string, state: ConversationState, now = Date.now()): Promise<void> {
    const entry = this.cache.get(conversationId);
    const meaning = meaningOf(state);
    if (entry?.saved && entry.saved.meaning === meaning && now - entry.saved.at < this.idleMs / 4) return;
    const record = { ...state, touchedAt: now };
    await this.options.store.saveConversationState({ conversationId, userId, state: record as unknown as Record<string, unknown>, updatedAt: now });
    this.remember(conversationId, { state: record, saved: { meaning, at: now }, at: now });
    await this.bus.publish({ type: "conversation", conversationId });
  }

  /** Drops the cached copy (the conversation's rows were deleted with its shopper). */
  forget(conversationId: string): void {
    this.cache.delete(conversationId);
  }

  private remember(conversationId: string, entry: Cached): void {
    this.cache.delete(conversationId);
    this.cache.set(conversationId, { ...entry, state: structuredClone(entry.state) });
    while (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
  }
}
