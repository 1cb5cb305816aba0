/**
 * Splits a reply into sentences so speech can start after the first one is synthesised instead
 * of after the whole reply. English ends sentences at . ! ? (not after "Mr." or "e.g.", not inside
 * "$9.99"); Chinese at 。！？； and their ASCII forms. Over-long sentences are cut at a clause
 * boundary (, ; : ， 、) so no single piece delays the audio much.
 */

const EN_ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "no", "approx", "inc", "ltd", "co", "jr", "sr", "prof", "mt", "fig", "ft", "oz", "lb", "min", "max"]);

export interface SplitOptions {
  /** Pieces longer than this are cut at a clause boundary (then a space). Default 160 for English, 60 for Chinese. */
  maxChars?: number;
}

export function splitSentences(text: string, locale: "en" | "zh", options: SplitOptions = {}): string[] {
  const maxChars = options.maxChars ?? (locale === "zh" ? 60 : 160);
  const out: string[] = [];
  for (const block of text.split(/\n+/)) {
    const clean = block.replace(/\s+/g, " ").trim();
    if (!clean) continue;
    for (const s of locale === "zh" ? splitZh(clean) : splitEn(clean)) out.push(...capLength(s, maxChars, locale));
  }
  return out.filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function splitEn(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /([.!?…]+)(["')\]]*)(\s+|$)/g;
  for (const m of text.matchAll(re)) {
    const end = m.index + m[1].length + m[2].length;
    if (m[1] === "." && m[3] !== "") {
      const before = text.slice(start, m.index);
      const word = /([A-Za-z.]+)$/.exec(before)?.[1]?.toLowerCase();
      const next = text.slice(m.index + m[0].length);
      // "Mr. Smith", "e.g. socks", a lone initial "J. Smith", or a continuation in lower case: not an end.
      if ((word && (EN_ABBREVIATIONS.has(word) || /^[a-z]$/.test(word))) || /^[a-z]/.test(next)) continue;
    }
    out.push(text.slice(start, end).trim());
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

function splitZh(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /([。！？；!?;…]+|\.(?=\s|$))([”」』）)"]*)/g;
  for (const m of text.matchAll(re)) {
    const end = m.index + m[0].length;
    out.push(text.slice(start, end).trim());
    start = end;
  }
  if (start < text.length) out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

function capLength(sentence: string, maxChars: number, locale: "en" | "zh"): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const clause = Math.max(...[",", ";", ":", "，", "、", "；", "："].map((c) => window.lastIndexOf(c)));
    const space = locale === "en" ? window.lastIndexOf(" ") : -1;
    const cut = clause > maxChars / 3 ? clause + 1 : space > maxChars / 3 ? space : maxChars;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}
