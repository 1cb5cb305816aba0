/** Template filling and English casing for the demo catalogue's titles and descriptions. */

export const SLOTS = ["name", "brand", "sub", "noun", "f1", "f2", "material", "use", "color", "variant", "author", "pages"] as const;
export type Slot = (typeof SLOTS)[number];
export type SlotValues = Partial<Record<Slot, string>>;

type Part = string | { slot: Slot; article: boolean };

/** A description sentence split once into literal text and slots, so filling is a cheap join. */
export interface CompiledTemplate {
  source: string;
  parts: Part[];
  slots: Slot[];
}

const SLOT_RE = /\{(a:)?([a-z0-9]+)\}/g;

export function compileTemplate(source: string): CompiledTemplate {
  const parts: Part[] = [];
  const slots = new Set<Slot>();
  let last = 0;
  for (const match of source.matchAll(SLOT_RE)) {
    const name = match[2] as Slot;
    // A typo in a word list should fail at load time, not print "{colour}" into a million products.
    if (!(SLOTS as readonly string[]).includes(name)) throw new Error(`demo template "${source}" uses an unknown slot {${name}}`);
    if (match.index > last) parts.push(source.slice(last, match.index));
    parts.push({ slot: name, article: match[1] === "a:" });
    slots.add(name);
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts, slots: [...slots] };
}

/** True when every slot the template names has a value. */
export function canFill(template: CompiledTemplate, available: ReadonlySet<Slot>): boolean {
  return template.slots.every((slot) => available.has(slot));
}

export function fillTemplate(template: CompiledTemplate, values: SlotValues): string {
  let out = "";
  for (const part of template.parts) {
    if (typeof part === "string") {
      out += part;
    } else {
      const value = values[part.slot] ?? "";
      out += part.article ? `${indefiniteArticle(value)} ${value}` : value;
    }
  }
  return capitaliseFirst(out);
}

export function capitaliseFirst(text: string): string {
  const first = text.charCodeAt(0);
  return first >= 97 && first <= 122 ? String.fromCharCode(first - 32) + text.slice(1) : text;
}

/** "a" or "an" by sound, close enough for our word lists ("an up-to-date", "a UV-protective"). */
export function indefiniteArticle(word: string): "a" | "an" {
  if (/^(uni|use|usu|uv|eu|one)/i.test(word)) return "a";
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

const SMALL_WORDS = new Set(["and", "or", "of", "to", "for", "with", "the", "a", "an"]);

/** Title case for product titles; words that already carry capitals ("pH", "BPA", "4K") are left alone. */
export function titleCase(phrase: string): string {
  return phrase
    .split(" ")
    .map((word, i) =>
      word
        .split("-")
        .map((piece, j) => (piece !== piece.toLowerCase() || (i > 0 && j === 0 && SMALL_WORDS.has(piece)) ? piece : capitaliseFirst(piece)))
        .join("-"),
    )
    .join(" ");
}

/** Lower-cases title words ("Running Shoes" → "running shoes") but keeps acronyms ("USB-C", "5G", "SPF"). */
export function lowerTitle(phrase: string): string {
  return phrase
    .split(" ")
    .map((word) => (/^[A-Z][a-z'’]*$/.test(word) || /^\([A-Z][a-z]*$/.test(word) ? word.toLowerCase() : word))
    .join(" ");
}
