// The conversation on screen: the shopper's transcript (partial, then final), the reply as it is
// written, its product cards and suggestion buttons. Only text nodes are created from server data.

const MAX_TURNS = 24;
const FALLBACK_IMAGE = "/images/product.svg";

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function safeImage(src) {
  return typeof src === "string" && /^(\/(?!\/)|https?:\/\/)/i.test(src) ? src : FALLBACK_IMAGE;
}

export function formatPrice(price, currency, locale) {
  if (typeof price !== "number" || !Number.isFinite(price)) return "";
  const tag = locale === "zh" ? "zh-CN" : "en-US";
  try {
    return currency ? new Intl.NumberFormat(tag, { style: "currency", currency }).format(price) : new Intl.NumberFormat(tag).format(price);
  } catch {
    return `${price} ${currency || ""}`.trim();
  }
}

export class ConversationView {
  /**
   * @param {HTMLElement} log the scrolling container
   * @param {{onAsk: (text: string) => void, text: () => any, locale: () => string}} options
   */
  constructor(log, options) {
    this.log = log;
    this.options = options;
    this.shopper = null; // the shopper bubble receiving partial transcripts
    this.lastShopperTurn = null; // the last final transcript's turn, which a continuation replaces
    this.placeholder = null; // the assistant's "…" bubble before the reply's first words
    this.replies = new Map(); // reply id → {turn, bubble}
  }

  /** Empties the conversation (a new shopper steps up to the kiosk). */
  reset() {
    for (const turn of this.log.querySelectorAll(".turn")) turn.remove();
    this.shopper = null;
    this.lastShopperTurn = null;
    this.placeholder = null;
    this.replies.clear();
  }

  clearWelcome() {
    this.log.querySelector(".welcome")?.remove();
  }

  turn(who) {
    this.clearWelcome();
    const turn = el("section", `turn ${who}`);
    this.log.appendChild(turn);
    while (this.log.querySelectorAll(".turn").length > MAX_TURNS) this.log.querySelector(".turn")?.remove();
    return turn;
  }

  /**
   * A partial or final transcript of what the shopper is saying. `continues`: the shopper went on
   * after a pause the server took for the end of the turn; the earlier part and its retracted
   * reply give way to the whole turn.
   */
  transcript(text, final, continues = false) {
    if (continues && this.lastShopperTurn?.isConnected) {
      const current = this.shopper?.closest(".turn");
      for (let t = this.lastShopperTurn; t && t !== current; ) {
        const next = t.nextElementSibling;
        t.remove();
        t = next;
      }
    }
    if (!this.shopper) {
      if (final && !text.trim()) return;
      this.waiting(false);
      const turn = this.turn("shopper");
      this.shopper = el("p", "bubble partial");
      turn.appendChild(this.shopper);
    }
    this.shopper.textContent = text;
    if (final) {
      this.shopper.classList.remove("partial");
      if (!text.trim()) this.shopper.closest(".turn")?.remove();
      else this.lastShopperTurn = this.shopper.closest(".turn");
      this.shopper = null;
    }
    this.scroll();
  }

  /** The shopper typed or tapped instead of speaking. */
  said(text) {
    this.shopper = null;
    this.waiting(false);
    this.turn("shopper").appendChild(el("p", "bubble", text));
    this.scroll();
  }

  /** A "…" bubble while the assistant works on a reply whose id is not known yet; the reply takes it over. */
  waiting(on) {
    if (on && !this.placeholder) {
      const turn = this.turn("assistant");
      const bubble = el("p", "bubble pending");
      turn.appendChild(bubble);
      this.placeholder = { turn, bubble };
      this.scroll();
    } else if (!on && this.placeholder) {
      this.placeholder.turn.remove();
      this.placeholder = null;
    }
  }

  replyFor(id) {
    let entry = this.replies.get(id);
    if (!entry && this.placeholder) {
      entry = this.placeholder;
      this.placeholder = null;
      this.replies.set(id, entry);
    }
    if (!entry) {
      const turn = this.turn("assistant");
      const bubble = el("p", "bubble pending");
      turn.appendChild(bubble);
      entry = { turn, bubble };
      this.replies.set(id, entry);
      if (this.replies.size > MAX_TURNS) this.replies.delete(this.replies.keys().next().value);
    }
    return entry;
  }

  delta(id, text) {
    const { bubble } = this.replyFor(id);
    bubble.classList.remove("pending");
    bubble.textContent += text;
    this.scroll();
  }

  reply(id, reply) {
    const entry = this.replyFor(id);
    entry.bubble.classList.remove("pending");
    if (typeof reply.text === "string" && reply.text) entry.bubble.textContent = reply.text;
    entry.turn.querySelector(".cards")?.remove();
    entry.turn.querySelector(".chips")?.remove();
    this.cards(entry.turn, Array.isArray(reply.products) ? reply.products : []);
    this.chips(entry.turn, Array.isArray(reply.suggestions) ? reply.suggestions : []);
    this.scroll();
  }

  interrupted(id) {
    const entry = this.replies.get(id);
    if (!entry || entry.turn.classList.contains("interrupted")) return;
    entry.turn.classList.add("interrupted");
    entry.bubble.classList.remove("pending");
    entry.turn.appendChild(el("p", "note", this.options.text().interrupted));
  }

  failed(id, message) {
    const entry = this.replyFor(id);
    entry.bubble.classList.remove("pending");
    entry.bubble.classList.add("error");
    entry.bubble.textContent = message;
  }

  cards(turn, products) {
    if (products.length === 0) return;
    const row = el("div", "cards");
    for (const p of products) {
      if (!p || typeof p.title !== "string") continue;
      const card = el("button", "card");
      card.type = "button";
      card.dataset.productId = String(p.id ?? "");
      const img = el("img");
      img.src = safeImage(p.image);
      img.alt = "";
      img.onerror = () => {
        img.onerror = null;
        img.src = FALLBACK_IMAGE;
      };
      const body = el("div", "body");
      body.appendChild(el("div", "title", p.title));
      const price = formatPrice(p.price, p.currency, this.options.locale());
      if (price) body.appendChild(el("div", "price", price));
      if (typeof p.reason === "string" && p.reason) body.appendChild(el("div", "reason", p.reason));
      card.append(img, body);
      card.addEventListener("click", () => this.options.onAsk(this.options.text().details(p.title)));
      row.appendChild(card);
    }
    turn.appendChild(row);
  }

  chips(turn, suggestions) {
    const list = suggestions.filter((s) => typeof s === "string" && s.trim());
    if (list.length === 0) return;
    const chips = el("div", "chips");
    for (const s of list) {
      const chip = el("button", "chip", s);
      chip.type = "button";
      chip.addEventListener("click", () => this.options.onAsk(s));
      chips.appendChild(chip);
    }
    turn.appendChild(chips);
  }

  /** Shows the newest turn; one taller than the screen (a reply with cards on a landscape tablet) from its top, so its text stays in view. */
  scroll() {
    const last = this.log.lastElementChild;
    if (last instanceof HTMLElement && last.offsetHeight > this.log.clientHeight - 24) this.log.scrollTop = last.offsetTop - 12;
    else this.log.scrollTop = this.log.scrollHeight;
  }
}
