import type { ProductCard } from "../../core/turn.ts";
import type { WireReply } from "../turns.ts";

/**
 * A reply as a Slack message: Block Kit blocks plus the plain-text fallback Slack shows in
 * notifications and clients that cannot draw blocks. The Azure Bot Slack channel posts an
 * activity's channelData with Slack's chat.postMessage, so these are Slack's own field names.
 */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export interface SlackLabels {
  details: string;
  /** The text a product's button sends back as the shopper's next message. */
  detailsRequest: (title: string) => string;
  price: (p: ProductCard) => string | undefined;
  image: (p: ProductCard) => string | undefined;
}

// Block Kit's limits (api.slack.com/reference/block-kit): 50 blocks a message, 3000 characters of
// section text, 75 of button text, 2000 of button value; 25 elements in an actions block.
const MAX_BLOCKS = 50;
const MAX_SECTION = 3000;
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_VALUE = 2000;
const MAX_SUGGESTIONS = 10;
// Slack draws PNG, JPEG and GIF only, and refuses the whole message when it cannot: an SVG or an
// inline data: image is left out rather than risk the reply.
const SLACK_IMAGE = /^https?:\/\/[^?#]+\.(png|jpe?g|gif)([?#].*)?$/i;

/** Slack's mrkdwn treats &, < and > as markup: escaped, a title like "R&D <Pro>" shows as written. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Splits long text at a line or word break so each piece fits one section. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = Math.max(rest.lastIndexOf("\n", max), rest.lastIndexOf(" ", max));
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[\s]+/, "");
  }
  if (rest) out.push(rest);
  return out;
}

const button = (text: string, value: string, actionId: string) => ({
  type: "button",
  text: { type: "plain_text", text: clip(text, MAX_BUTTON_TEXT), emoji: true },
  value: clip(value, MAX_BUTTON_VALUE),
  action_id: actionId,
});

function productBlocks(product: ProductCard, index: number, labels: SlackLabels): Record<string, unknown>[] {
  const lines = [`*${escapeMrkdwn(product.title)}*`];
  const price = labels.price(product);
  if (price) lines.push(escapeMrkdwn(price));
  if (product.reason) lines.push(`_${escapeMrkdwn(product.reason)}_`);
  const section: Record<string, unknown> = { type: "section", block_id: `product-${index}`, text: { type: "mrkdwn", text: clip(lines.join("\n"), MAX_SECTION) } };
  const image = labels.image(product);
  if (image && SLACK_IMAGE.test(image) && image.length <= 3000) section.accessory = { type: "image", image_url: image, alt_text: clip(product.title, 2000) };
  const actions = { type: "actions", block_id: `product-${index}-actions`, elements: [button(labels.details, labels.detailsRequest(product.title), `details-${index}`)] };
  return [section, actions];
}

/** The text rendition: the reply, then one line a product, so nothing is lost without blocks. */
function fallbackText(reply: WireReply, labels: SlackLabels): string {
  const lines = reply.text ? [reply.text] : [];
  for (const p of reply.products) {
    const price = labels.price(p);
    lines.push(`• ${p.title}${price ? ` — ${price}` : ""}${p.reason ? `: ${p.reason}` : ""}`);
  }
  return lines.join("\n");
}

export function slackMessage(reply: WireReply, labels: SlackLabels): SlackMessage {
  const blocks: Record<string, unknown>[] = chunks(escapeMrkdwn(reply.text), MAX_SECTION).map((text, i) => ({ type: "section", block_id: `text-${i}`, text: { type: "mrkdwn", text } }));
  const suggestions = reply.suggestions.slice(0, MAX_SUGGESTIONS);
  // Room is kept for the suggestions' block; products past the limit stay in the text fallback.
  const room = MAX_BLOCKS - blocks.length - (suggestions.length ? 2 : 0);
  reply.products.slice(0, Math.max(0, Math.floor(room / 3))).forEach((p, i) => {
    if (i > 0 || blocks.length) blocks.push({ type: "divider" });
    blocks.push(...productBlocks(p, i, labels));
  });
  if (suggestions.length) {
    if (blocks.length) blocks.push({ type: "divider" });
    blocks.push({ type: "actions", block_id: "suggestions", elements: suggestions.map((s, i) => button(s, s, `suggestion-${i}`)) });
  }
  // Slack parses the fallback as mrkdwn too: escaped, a "<" cannot turn into a link or a mention.
  return { text: escapeMrkdwn(fallbackText(reply, labels)), blocks: blocks.slice(0, MAX_BLOCKS) };
}
