/**
 * Built-in intent classifier figures on a generated set (no pass/fail): training time for N lines
 * and I intents (calibration included), the size of the stored model, the time to load it back, and
 * per-prediction latency (p50/p95/p99) on the per-turn hot path. English-like and Chinese-like
 * utterances are mixed, so the jieba path is timed too.
 *
 *   npx tsx bench/nlu.ts [--lines 20000] [--intents 150] [--queries 2000] [--seed 1]
 *
 * Accuracy is not measured here (generated text says nothing about it): run
 * `concierge nlu test --train … --test …` on a real intent set for that.
 */
import { cpus } from "node:os";
import { loadIntentClassifier, trainIntentClassifier } from "../intents/classifier/index.ts";
import { createRandom } from "../intents/classifier/random.ts";
import type { LabelledUtterance } from "../intents/types.ts";

process.env.CONCIERGE_QUIET ??= "1";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const lines = arg("lines", 20_000);
const intentCount = arg("intents", 150);
const queries = arg("queries", 2000);
const seed = arg("seed", 1);

const line = (label: string, value: string) => console.log(`${label.padEnd(40)} ${value}`);
const ms = (x: number) => `${x.toFixed(3)} ms`;
function percentiles(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `mean ${ms(mean)}  p50 ${ms(at(0.5))}  p95 ${ms(at(0.95))}  p99 ${ms(at(0.99))}  (n=${s.length})`;
}

/** Utterances built from a shared pool of filler words and a few words (or characters) per intent. */
function generate(n: number, intents: number, random: () => number): LabelledUtterance[] {
  const syllables = ["ka", "lo", "mi", "ten", "sor", "vi", "pra", "nu", "del", "gor", "shi", "qua", "ber", "zo", "lin", "tro"];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => syllables[Math.floor(random() * syllables.length)]).join("");
  const hanzi = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研";
  const filler = Array.from({ length: 300 }, word);
  const keywords = Array.from({ length: intents }, () => Array.from({ length: 6 }, word));
  const cjk = Array.from({ length: intents }, () => Array.from({ length: 6 }, () => hanzi[Math.floor(random() * hanzi.length)]));
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const intent = i % intents;
    if (random() < 0.15) {
      const text = Array.from({ length: 4 + Math.floor(random() * 6) }, () => (random() < 0.4 ? pick(cjk[intent]) : hanzi[Math.floor(random() * hanzi.length)])).join("");
      return { text, intent: `intent_${intent}` };
    }
    const words = Array.from({ length: 4 + Math.floor(random() * 8) }, () => (random() < 0.3 ? pick(keywords[intent]) : pick(filler)));
    return { text: words.join(" "), intent: `intent_${intent}` };
  });
}

const random = createRandom(seed);
// One line in twenty out of scope (filler only), as in a shop's own data: training then calibrates
// its out-of-scope threshold, as the service's does.
const train = generate(lines, intentCount, random).map((e, i) => (i % 20 === 19 ? { text: e.text, intent: "oos" } : e));
const test = generate(queries, intentCount, random);
console.log(`built-in intent classifier: ${lines} training lines, ${intentCount} intents, ${cpus()[0]?.model ?? "cpu"}`);

const cpu0 = process.cpuUsage();
let started = performance.now();
const classifier = await trainIntentClassifier(train, { seed });
const trainWall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
line("training (calibration + final)", `${trainWall.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);

started = performance.now();
const json = JSON.stringify(classifier.toJSON());
line("serialise", `${((performance.now() - started) / 1000).toFixed(2)} s, ${(json.length / 1e6).toFixed(1)} MB of JSON`);
started = performance.now();
const restored = loadIntentClassifier(JSON.parse(json));
line("load from JSON", `${((performance.now() - started) / 1000).toFixed(2)} s`);

// Warm up (jieba's dictionary loads on the first Chinese text; the JIT settles).
for (const e of test.slice(0, 50)) restored.predict(e.text);
const samples: number[] = [];
for (const e of test) {
  const t = performance.now();
  restored.predict(e.text);
  samples.push(performance.now() - t);
}
line("predict, per utterance", percentiles(samples));
const mem = process.memoryUsage();
line("process memory", `${(mem.rss / 1e6).toFixed(0)} MB RSS, ${(mem.heapUsed / 1e6).toFixed(0)} MB heap`);
