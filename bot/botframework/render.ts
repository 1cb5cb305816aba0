import { ActionTypes, type Activity, type Attachment, AttachmentLayoutTypes, ActivityTypes, type CardAction } from "@microsoft/agents-activity";
import { CardFactory } from "@microsoft/agents-hosting";
import type { ProductCard } from "../../core/turn.ts";
import type { WireReply } from "../turns.ts";
import { slackMessage } from "./slack.ts";

export interface RenderOptions {
  channelId: string;
  /** The reply's language ("en", "zh"): button captions and price format follow it. */
  locale?: string;
  /** Absolute base for the catalogue's relative image paths ("/images/shoes.svg"); channels fetch images themselves. */
  baseUrl?: string;
  /** Who the suggested actions are for (the shopper's channel account id). */
  recipientId?: string;
}

const isZh = (locale?: string) => (locale ?? "").toLowerCase().startsWith("zh");

/** Text a card's button sends back; the intent data reads both as product_details. */
export function detailsRequest(title: string, locale?: string): string {
  return isZh(locale) ? `详细介绍一下${title}` : `tell me more about ${title}`;
}

export function formatPrice(price: number | undefined, currency: string | undefined, locale?: string): string | undefined {
  if (price === undefined) return undefined;
  const tag = isZh(locale) ? "zh-CN" : "en-US";
  if (currency) {
    try {
      return new Intl.NumberFormat(tag, { style: "currency", currency }).format(price);
    } catch {
      return `${price} ${currency}`;
    }
  }
  return new Intl.NumberFormat(tag, { maximumFractionDigits: 2 }).format(price);
}

export function absoluteUrl(image: string | undefined, baseUrl?: string): string | undefined {
  if (!image) return undefined;
  if (/^(https?:|data:)/i.test(image)) return image;
  if (!baseUrl) return undefined;
  try {
    return new URL(image, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).href;
  } catch {
    return undefined;
  }
}

function heroCard(product: ProductCard, options: RenderOptions): Attachment {
  const image = absoluteUrl(product.image, options.baseUrl);
  const button: CardAction = { type: ActionTypes.ImBack, title: isZh(options.locale) ? "详细了解" : "Tell me more", value: detailsRequest(product.title, options.locale) };
  return CardFactory.heroCard(product.title, product.reason, image ? [{ url: image, alt: product.title }] : [], [button], {
    subtitle: formatPrice(product.price, product.currency, options.locale),
  });
}

/** An Adaptive Card (for Teams): its Action.Submit with an imBack payload posts the text as the shopper's message. */
function adaptiveCard(product: ProductCard, options: RenderOptions): Attachment {
  const image = absoluteUrl(product.image, options.baseUrl);
  const price = formatPrice(product.price, product.currency, options.locale);
  const body: Record<string, unknown>[] = [];
  if (image) body.push({ type: "Image", url: image, altText: product.title, size: "Medium" });
  body.push({ type: "TextBlock", text: product.title, weight: "Bolder", size: "Medium", wrap: true });
  if (price) body.push({ type: "TextBlock", text: price, color: "Accent", spacing: "Small" });
  if (product.reason) body.push({ type: "TextBlock", text: product.reason, isSubtle: true, wrap: true, spacing: "Small" });
  const value = detailsRequest(product.title, options.locale);
  return CardFactory.adaptiveCard({
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
    actions: [{ type: "Action.Submit", title: isZh(options.locale) ? "详细了解" : "Tell me more", data: { msteams: { type: "imBack", value }, text: value } }],
  });
}

/** What a channel adds to the reply's message activity to show its products and suggestions. */
type ChannelRenderer = (reply: WireReply, options: RenderOptions) => Partial<Activity>;

/** Products as cards in a carousel, suggestions as imBack suggested actions (the Bot Framework's own way). */
const cardsAndSuggestedActions =
  (card: (product: ProductCard, options: RenderOptions) => Attachment): ChannelRenderer =>
  (reply, options) => {
    const fields: Partial<Activity> = {};
    if (reply.products.length) {
      fields.attachments = reply.products.map((p) => card(p, options));
      fields.attachmentLayout = AttachmentLayoutTypes.Carousel;
    }
    if (reply.suggestions.length) {
      fields.suggestedActions = {
        actions: reply.suggestions.map((s) => ({ type: ActionTypes.ImBack, title: s, value: s })),
        to: options.recipientId ? [options.recipientId] : [],
      };
    }
    return fields;
  };

/**
 * Slack draws neither Bot Framework cards well nor suggested actions at all; its channel posts
 * channelData as a native Slack message, so the reply travels as Block Kit there (slack.ts). The
 * activity's own text stays the reply's text; Slack shows channelData.text, the full fallback.
 */
const slackBlocks: ChannelRenderer = (reply, options) => {
  if (!reply.products.length && !reply.suggestions.length) return {};
  const channelData = slackMessage(reply, {
    details: isZh(options.locale) ? "详细了解" : "Tell me more",
    detailsRequest: (title) => detailsRequest(title, options.locale),
    price: (p) => formatPrice(p.price, p.currency, options.locale),
    image: (p) => absoluteUrl(p.image, options.baseUrl),
  });
  return { channelData };
};

// Teams renders Adaptive Cards best; channels not listed get hero cards. A Map, so a channel id
// such as "constructor" finds nothing rather than an Object.prototype member.
const renderers = new Map<string, ChannelRenderer>([
  ["msteams", cardsAndSuggestedActions(adaptiveCard)],
  ["slack", slackBlocks],
]);
const defaultRenderer = cardsAndSuggestedActions(heroCard);

/** Markdown link text: brackets would end it early. */
const linkText = (text: string) => text.replace(/[[\]]/g, (c) => `\\${c}`);

/** "Sources: [Returns › Refunds](https://…), Shipping": a line under an answer from the shop's documents. */
export function sourcesLine(reply: WireReply, locale?: string): string | undefined {
  if (!reply.sources?.length) return undefined;
  const items = reply.sources.map((s) => (s.url ? `[${linkText(s.title)}](${s.url.replace(/[()\s]/g, encodeURIComponent)})` : s.title));
  return `${isZh(locale) ? "来源：" : "Sources: "}${items.join(isZh(locale) ? "、" : ", ")}`;
}

/** The reply as one message activity: its text (and sources), then the products and suggestions as the channel draws them. */
export function renderReply(reply: WireReply, options: RenderOptions): Partial<Activity> {
  const sources = sourcesLine(reply, options.locale);
  // The sources travel with the text, so a channel drawing its own message (Slack) shows them too.
  const shown = sources ? { ...reply, text: `${reply.text}\n\n${sources}` } : reply;
  const activity: Partial<Activity> = { type: ActivityTypes.Message, text: shown.text };
  if (sources) activity.textFormat = "markdown";
  if (options.locale) activity.locale = options.locale;
  return { ...activity, ...(renderers.get(options.channelId) ?? defaultRenderer)(shown, options) };
}
