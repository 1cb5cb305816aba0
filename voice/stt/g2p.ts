import { spawn } from "node:child_process";

/**
 * Pronunciations for words the CMU dictionary lacks (invented brand names, model names), from
 * espeak-ng's English letter-to-sound rules: its IPA output mapped onto the acoustic model's
 * ARPAbet phones. espeak-ng is already a dependency for speech output.
 */

/** Longest first, so "aɪ" wins over "a" and "ɑːɹ" over "ɑː". */
const IPA_TO_ARPABET: [string, string[]][] = (
  [
    ["ɑːɹ", ["AA", "R"]],
    ["ɔːɹ", ["AO", "R"]],
    ["oːɹ", ["AO", "R"]],
    ["ɜːɹ", ["ER"]],
    ["ɛɹ", ["EH", "R"]],
    ["ɪɹ", ["IH", "R"]],
    ["ʊɹ", ["UH", "R"]],
    ["aɪɚ", ["AY", "ER"]],
    ["aɪ", ["AY"]],
    ["aʊ", ["AW"]],
    ["eɪ", ["EY"]],
    ["oʊ", ["OW"]],
    ["əʊ", ["OW"]],
    ["ɔɪ", ["OY"]],
    ["tʃ", ["CH"]],
    ["dʒ", ["JH"]],
    ["iː", ["IY"]],
    ["uː", ["UW"]],
    ["ɑː", ["AA"]],
    ["ɔː", ["AO"]],
    ["ɜː", ["ER"]],
    ["oː", ["OW"]],
    ["n̩", ["AH", "N"]],
    ["l̩", ["AH", "L"]],
    ["m̩", ["AH", "M"]],
    ["i", ["IY"]],
    ["ɪ", ["IH"]],
    ["ᵻ", ["IH"]],
    ["e", ["EH"]],
    ["ɛ", ["EH"]],
    ["æ", ["AE"]],
    ["a", ["AE"]],
    ["ɐ", ["AH"]],
    ["ɑ", ["AA"]],
    ["ɒ", ["AA"]],
    ["ɔ", ["AO"]],
    ["o", ["OW"]],
    ["ʊ", ["UH"]],
    ["u", ["UW"]],
    ["ʌ", ["AH"]],
    ["ə", ["AH"]],
    ["ɚ", ["ER"]],
    ["ɜ", ["ER"]],
    ["p", ["P"]],
    ["b", ["B"]],
    ["t", ["T"]],
    ["d", ["D"]],
    ["ɾ", ["T"]],
    // American English glottal stops stand for /t/ ("button").
    ["ʔ", ["T"]],
    ["k", ["K"]],
    ["ɡ", ["G"]],
    ["g", ["G"]],
    ["f", ["F"]],
    ["v", ["V"]],
    ["θ", ["TH"]],
    ["ð", ["DH"]],
    ["s", ["S"]],
    ["z", ["Z"]],
    ["ʃ", ["SH"]],
    ["ʒ", ["ZH"]],
    ["h", ["HH"]],
    ["x", ["K"]],
    ["ç", ["HH"]],
    ["m", ["M"]],
    ["n", ["N"]],
    ["ŋ", ["NG"]],
    ["l", ["L"]],
    ["ɬ", ["L"]],
    ["ɹ", ["R"]],
    ["r", ["R"]],
    ["w", ["W"]],
    ["j", ["Y"]],
  ] as [string, string[]][]
).sort((a, b) => b[0].length - a[0].length);

/** Marks that carry no phone: stress, length on its own, syllable and linking marks. */
const IGNORED = /[ˈˌː.‿|\-_\s]/u;

/** ARPAbet phones for one word's IPA, or undefined when a symbol is not understood (better no entry than a wrong one). */
export function ipaToArpabet(ipa: string): string[] | undefined {
  const phones: string[] = [];
  let at = 0;
  const s = ipa.normalize("NFD");
  outer: while (at < s.length) {
    for (const [sym, arpa] of IPA_TO_ARPABET) {
      if (s.startsWith(sym.normalize("NFD"), at)) {
        // A doubled rhotic ("ʊɹɹ") is one R.
        for (const p of arpa) if (!(p === "R" && phones[phones.length - 1] === "R")) phones.push(p);
        at += sym.normalize("NFD").length;
        continue outer;
      }
    }
    if (IGNORED.test(s[at])) {
      at++;
      continue;
    }
    return undefined;
  }
  return phones.length ? phones : undefined;
}

/** espeak-ng's IPA for each word (one clause per word, so lines line up), bounded by a timeout. */
export function espeakIpa(words: string[], options: { timeoutMs?: number; voice?: string } = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (words.length === 0) return Promise.resolve(out);
  return new Promise((resolve, reject) => {
    const child = spawn("espeak-ng", ["-q", "--ipa", "-v", options.voice ?? "en-us"], { stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`espeak-ng exited with ${code}: ${stderr.trim()}`));
      const lines = Buffer.concat(chunks)
        .toString("utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
      // Only trust the output when it lines up with the input one for one.
      if (lines.length === words.length) for (const [i, w] of words.entries()) out.set(w, lines[i]);
      resolve(out);
    });
    child.stdin.end(words.map((w) => `${w}.`).join("\n") + "\n");
  });
}

/** ARPAbet pronunciations for words via espeak-ng; words it cannot do are left out. */
export async function letterToSound(words: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  // Batches keep one odd word from misaligning thousands; a batch that does not line up is retried word by word.
  for (let at = 0; at < words.length; at += 200) {
    const batch = words.slice(at, at + 200);
    let ipa = await espeakIpa(batch);
    if (ipa.size === 0 && batch.length > 1) {
      ipa = new Map();
      for (const w of batch) for (const [k, v] of await espeakIpa([w])) ipa.set(k, v);
    }
    for (const [w, v] of ipa) {
      const phones = ipaToArpabet(v);
      if (phones) result.set(w, phones);
    }
  }
  return result;
}
