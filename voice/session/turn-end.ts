import type { TurnJudgement } from "../vad/segmenter.ts";

// Words a request does not end on: the speaker paused to think and has more to say ("running shoes
// under …", "a red dress and …", "um …"). Anything else that was heard reads as complete; the cost
// of a wrong "complete" is small, since speech resumed within the usual end-of-turn silence
// continues the same turn (see VoiceSession).
const OPEN_EN = new Set([
  // articles, determiners, possessives
  "a", "an", "the", "some", "any", "my", "your", "our", "their", "his", "her", "its", "these", "those", "every", "each", "another", "other",
  // conjunctions
  "and", "or", "but", "nor", "because", "if", "than", "whether", "plus", "also",
  // prepositions
  "for", "with", "without", "under", "over", "below", "above", "between", "from", "to", "of", "in", "on", "at", "by", "about", "around", "near", "into", "like", "less", "more", "up",
  // auxiliaries and pronouns that open a clause
  "i", "i'm", "i'd", "i'll", "we", "we're", "is", "are", "was", "were", "be", "am", "can", "could", "would", "should", "will", "do", "does", "did", "want", "wanted", "need", "needs", "looking", "maybe", "which", "what's",
  // fillers
  "um", "uh", "er", "erm", "hmm", "uhm", "mm", "ah",
]);
// Two-word endings that ask for an object: "show me …", "how much …".
const OPEN_EN_PAIRS = new Set(["show me", "give me", "find me", "get me", "tell me", "send me", "bring me", "how much", "how many", "what about", "kind of", "sort of", "a pair", "pair of"]);
// Chinese endings that leave the sentence open; sentence-final particles (吗, 呢, 吧, 啊) close it.
const OPEN_ZH = ["和", "跟", "与", "或者", "或", "还有", "比如", "就是", "那个", "这个", "然后", "嗯", "呃", "额", "一个", "一些", "一双", "一件", "给我", "我想", "我要", "想要", "需要", "有没有", "找", "在", "把", "比", "从", "到", "关于", "因为", "但是", "所以", "如果", "大概", "低于", "高于", "不超过", "的话"];

const CJK = /[\u3400-\u9fff]/;

/**
 * Whether a transcript so far reads as a complete request, a sentence left open, or cannot be told
 * (nothing was recognised). Lexical on purpose: it runs at every pause, in microseconds, in either
 * language, and needs no model of the shop.
 */
export function judgeTurnEnd(transcript: string, locale: "en" | "zh"): TurnJudgement {
  const text = transcript.trim().toLowerCase().replace(/[\s.,!?;:。，！？；：、…"'“”‘’]+$/u, "");
  if (!text) return "unknown";
  if (locale === "zh" || CJK.test(text.slice(-1))) {
    const compact = text.replace(/\s+/g, "");
    if (OPEN_ZH.some((w) => compact.endsWith(w))) return "open";
    if (CJK.test(compact.slice(-1))) return "complete";
  }
  const words = text.split(/[^\p{L}\p{N}']+/u).filter(Boolean);
  const last = words.at(-1);
  if (!last) return "unknown";
  if (OPEN_EN.has(last)) return "open";
  if (words.length >= 2 && OPEN_EN_PAIRS.has(`${words.at(-2)} ${last}`)) return "open";
  return "complete";
}
