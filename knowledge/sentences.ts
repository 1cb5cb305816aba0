/**
 * Sentences of a passage, English and Chinese: a full stop, question or exclamation mark ends one
 * (Chinese ones need no space after), as does a line break (a list item is a sentence of its own).
 * Abbreviations that end in a dot inside a sentence ("e.g.", "Mon.") do not end it.
 */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|approx|incl|excl|mon|tue|wed|thu|fri|sat|sun|no|nr|st|mr|mrs|ms|dr|vs)|\b[A-Z])\.$/i;

export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    let current = "";
    const parts = line.split(/(?<=[。！？!?；;]|[.](?=\s|$))/u);
    for (const part of parts) {
      current += part;
      const trimmed = current.trim();
      if (!trimmed) continue;
      if (/[.]$/.test(trimmed) && ABBREVIATION.test(trimmed)) continue;
      if (/[。！？!?；;.]$/.test(trimmed)) {
        out.push(trimmed);
        current = "";
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

/** Whether text after this needs no space: Chinese (and its punctuation) runs on without one. */
export function endsInCjk(text: string): boolean {
  return /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]$/u.test(text);
}

/** How much room a text takes: a Chinese character carries about as much as three Latin letters. */
export function textWeight(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u3400-\u9fff\uf900-\ufaff]/.test(ch) ? 3 : 1;
  return w;
}
