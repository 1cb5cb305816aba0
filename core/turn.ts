/**
 * The channel-neutral turn and reply. Channel adapters in bot/ build a Turn from what arrived and
 * render a Reply for their channel; nothing below bot/ knows which channel a turn came from.
 */
export type Locale = "en" | "zh";

export interface Turn {
  conversationId: string;
  /** The shopper as their channel proved them (shoppers/ Identity), never an id the client named. */
  userId: string;
  text: string;
  /** The client's hint; the text itself decides when it is clearly in another language. */
  locale?: string;
  /**
   * "speech" when the reply is heard (a kiosk, a phone line): nothing private (a download link) is
   * given where others may hear or see it. Default "text".
   */
  medium?: "text" | "speech";
  /** This service's address as the shopper reached it, for links in a reply ("https://shop.example"). */
  baseUrl?: string;
}

export interface ProductCard {
  id: string;
  title: string;
  price?: number;
  currency?: string;
  image?: string;
  /** One line, true to the signal that ranked the product. */
  reason: string;
}

/** A document passage an answer came from (the shop's knowledge base). */
export interface ReplySource {
  /** The document's title and the passage's section ("Returns and refunds › Refunds"). */
  title: string;
  url?: string;
  /** The start of the passage. */
  snippet: string;
}

export interface Reply {
  text: string;
  products: ProductCard[];
  suggestions: string[];
  /** Set only when the answer came from the shop's documents. */
  sources?: ReplySource[];
  /** What the turn was understood as; for logs, metrics and tests, not shown to shoppers. */
  intent?: string;
  locale?: Locale;
}

/** Receives the reply while it is composed, so channels can stream it. */
export interface ReplySink {
  delta(text: string): void;
}

export const nullSink: ReplySink = { delta() {} };
