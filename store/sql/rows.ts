import type { EventType, FeedbackRecord, SentimentTally, Shopper, ShopperEvent, StoredMessage } from "../types.ts";

/** Rows as Postgres hands them back, and how each becomes the store's type. */

export type EventRow = { user_id: string; item_id: string; type: EventType; value: number | null; ts: number | string };
export type MessageRow = {
  conversation_id: string;
  user_id: string;
  role: "user" | "assistant";
  text: string;
  ts: number | string;
  sentiment: SentimentTally["label"] | null;
  sentiment_score: number | null;
  item_id: string | null;
};
export type FeedbackRow = { user_id: string | null; item_id: string | null; text: string; rating: number | null; label: SentimentTally["label"]; score: number; ts: number | string };
export type ShopperRow = {
  user_id: string;
  locale: string | null;
  preferences: string[];
  personalise: boolean;
  created_at: number | string;
  updated_at: number | string;
};

export const EVENT_COLUMNS = "user_id, item_id, type, value, ts";
export const MESSAGE_COLUMNS = "conversation_id, user_id, role, text, ts, sentiment, sentiment_score, item_id";
export const FEEDBACK_COLUMNS = "user_id, item_id, text, rating, label, score, ts";

export function toEvent(r: EventRow): ShopperEvent {
  const e: ShopperEvent = { userId: r.user_id, itemId: r.item_id, type: r.type, ts: Number(r.ts) };
  if (r.value !== null) e.value = r.value;
  return e;
}

export function toMessage(r: MessageRow): StoredMessage {
  const m: StoredMessage = { conversationId: r.conversation_id, userId: r.user_id, role: r.role, text: r.text, ts: Number(r.ts) };
  if (r.sentiment !== null && r.sentiment_score !== null) m.sentiment = { label: r.sentiment, score: r.sentiment_score };
  if (r.item_id !== null) m.itemId = r.item_id;
  return m;
}

export function toFeedback(r: FeedbackRow): FeedbackRecord {
  const f: FeedbackRecord = { text: r.text, sentiment: { label: r.label, score: r.score }, ts: Number(r.ts) };
  if (r.item_id !== null) f.itemId = r.item_id;
  if (r.user_id !== null) f.userId = r.user_id;
  if (r.rating !== null) f.rating = r.rating;
  return f;
}

export function toShopper(r: ShopperRow): Shopper {
  const s: Shopper = {
    userId: r.user_id,
    preferences: r.preferences,
    personalise: r.personalise,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
  if (r.locale !== null) s.locale = r.locale;
  return s;
}
