/**
 * A deliberately light English stemmer: plurals and "-ing" only. Product text is short and full of
 * names ("Aero", "Stridewell"), where an aggressive stemmer (Porter's later steps) mangles more than
 * it merges; what matters is that "shoes"/"shoe" and "running"/"run" meet, on both the catalogue
 * and the query side, since both go through this same function.
 */

const IRREGULAR: Record<string, string> = {
  men: "man",
  women: "woman",
  children: "child",
  kids: "kid",
  feet: "foot",
  teeth: "tooth",
  mice: "mouse",
  knives: "knife",
  wives: "wife",
  leaves: "leaf",
  shelves: "shelf",
  scarves: "scarf",
  lenses: "lens",
  // Singular words that end in -s, which the plural rule would clip.
  lens: "lens",
  canvas: "canvas",
  atlas: "atlas",
  series: "series",
  species: "species",
  news: "news",
  christmas: "christmas",
  always: "always",
  plus: "plus",
  bonus: "bonus",
  glasses: "glasses",
  jeans: "jeans",
  pants: "pants",
  shorts: "shorts",
  trousers: "trousers",
  leggings: "leggings",
  tights: "tights",
  sunglasses: "sunglasses",
  headphones: "headphone",
  earphones: "earphone",
  earbuds: "earbud",
};

const VOWEL = /[aeiouy]/;

function isVowel(s: string, i: number): boolean {
  const c = s[i];
  if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return true;
  // "y" is a vowel after a consonant ("dry"), a consonant at the start or after a vowel ("yak", "toy").
  return c === "y" && i > 0 && !isVowel(s, i - 1);
}

/** consonant-vowel-consonant ending whose last consonant is not w, x or y ("hik" → "hike"). */
function endsCvc(s: string): boolean {
  const n = s.length;
  if (n < 3) return false;
  const last = s[n - 1];
  return !isVowel(s, n - 3) && isVowel(s, n - 2) && !isVowel(s, n - 1) && last !== "w" && last !== "x" && last !== "y";
}

/** Vowel-consonant sequences before the end, as Porter counts them ("hik" = 1, "walk" = 1). */
function measure(s: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < s.length; i++) {
    const v = isVowel(s, i);
    if (prevVowel && !v) m++;
    prevVowel = v;
  }
  return m;
}

function singular(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) return w.slice(0, -3) + "y";
  // "hoodie" and "hoodies" meet at "hoody", as "hoodies" would have met a "hoody".
  if (w.endsWith("ie") && w.length >= 5) return w.slice(0, -2) + "y";
  if (w.endsWith("sses")) return w.slice(0, -2);
  if (/(?:ches|shes|xes|zes)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith("oes") && w.length > 4 && !w.endsWith("shoes")) return w.slice(0, -2);
  if (w.endsWith("s") && !/(?:ss|us|is|ous)$/.test(w)) return w.slice(0, -1);
  return w;
}

function stripIng(w: string): string {
  if (!w.endsWith("ing") || w.length < 6) return w;
  const stem = w.slice(0, -3);
  // Porter's *v* condition: "string", "ring", "sling" have no vowel before -ing and stay whole.
  if (!VOWEL.test(stem)) return w;
  const n = stem.length;
  if (n >= 2 && stem[n - 1] === stem[n - 2] && !/[lsz]/.test(stem[n - 1])) return stem.slice(0, -1); // running → run
  if (measure(stem) === 1 && endsCvc(stem)) return stem + "e"; // hiking → hike
  return stem;
}

// Catalogue text repeats a small vocabulary millions of times: remember the stems (bounded).
const cache = new Map<string, string>();
const CACHE_MAX = 200_000;

/** The stem of one lower-case English word; anything that is not a-z is returned unchanged. */
export function stemEnglish(word: string): string {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  let stem = word;
  if (/^[a-z]+$/.test(word)) stem = IRREGULAR[word] ?? stripIng(singular(word));
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(word, stem);
  return stem;
}
