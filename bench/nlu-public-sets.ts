/**
 * Turns public intent data sets, fetched by hand (they are not part of this repository), into the
 * train/test JSONL files `concierge nlu test` and bench/nlu-baseline.ts read, so the README's
 * figures can be reproduced on the same splits.
 *
 *   npx tsx bench/nlu-public-sets.ts --clinc data_full.json --smp2019 2019train.json \
 *     --smp2020 2020train.json --cais CAIS_DIR --out DIR
 *
 * - CLINC150 "full" (github.com/clinc/oos-eval, data/data_full.json; CC BY 3.0): train + oos_train
 *   against test + oos_test, its own split; "oos" marks out of scope.
 * - SMP2019-ECDT / SMP2020-ECDT task 1 (the evaluations' released training sets, e.g.
 *   github.com/1053399472/CAISandSMP SMP/source/{2019,2020}train.json): label "domain.intent"
 *   (48 and 91 classes); a stratified 80/20 split, seeded, an intent with one example kept for training.
 * - CAIS (github.com/Adaxry/CM-Net, CAIS/{train,valid,test}/ch.*): character-per-line files with
 *   their .intent files; train + valid against test.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRandom, shuffleInPlace } from "../intents/classifier/random.ts";
import type { LabelledUtterance } from "../intents/types.ts";

const { values } = parseArgs({
  options: {
    clinc: { type: "string" },
    smp2019: { type: "string" },
    smp2020: { type: "string" },
    cais: { type: "string" },
    out: { type: "string", default: "." },
    seed: { type: "string", default: "1" },
  },
});
const out = values.out;
mkdirSync(out, { recursive: true });

function write(name: string, rows: LabelledUtterance[]): void {
  writeFileSync(path.join(out, name), rows.map((r) => JSON.stringify({ text: r.text, intent: r.intent })).join("\n") + "\n");
  console.log(`${name}: ${rows.length} lines, ${new Set(rows.map((r) => r.intent)).size} intents`);
}

/** Stratified split: a fifth of each intent (at least one, when it has two or more) is held out. */
function split(rows: LabelledUtterance[], seed: number): [LabelledUtterance[], LabelledUtterance[]] {
  const random = createRandom(seed);
  const byIntent = new Map<string, LabelledUtterance[]>();
  for (const r of rows) byIntent.set(r.intent, [...(byIntent.get(r.intent) ?? []), r]);
  const train: LabelledUtterance[] = [];
  const test: LabelledUtterance[] = [];
  for (const intent of [...byIntent.keys()].sort()) {
    const xs = byIntent.get(intent)!;
    shuffleInPlace(xs, random);
    const held = xs.length < 2 ? 0 : Math.max(1, Math.round(xs.length * 0.2));
    test.push(...xs.slice(0, held));
    train.push(...xs.slice(held));
  }
  shuffleInPlace(train, random);
  return [train, test];
}

if (values.clinc) {
  const data = JSON.parse(readFileSync(values.clinc, "utf8")) as Record<string, [string, string][]>;
  const rows = (keys: string[]) => keys.flatMap((k) => data[k]!.map(([text, intent]) => ({ text, intent })));
  write("clinc_train.jsonl", rows(["train", "oos_train"]));
  write("clinc_test.jsonl", rows(["test", "oos_test"]));
}
for (const year of ["2019", "2020"] as const) {
  const file = values[`smp${year}`];
  if (!file) continue;
  const data = JSON.parse(readFileSync(file, "utf8")) as { text: string; domain: string; intent: string }[];
  const rows = data.map((d) => ({ text: d.text.trim(), intent: `${d.domain}.${d.intent}` })).filter((r) => r.text);
  const [train, test] = split(rows, Number(values.seed));
  write(`smp${year}_train.jsonl`, train);
  write(`smp${year}_test.jsonl`, test);
}
if (values.cais) {
  const read = (part: string) => {
    const chars = readFileSync(path.join(values.cais!, part, `ch.${part}`), "utf8").split(/\n\s*\n/);
    const texts = chars.map((block) => block.split("\n").map((l) => l.split(" ")[0] ?? "").join("").trim()).filter(Boolean);
    const intents = readFileSync(path.join(values.cais!, part, `ch.${part}.intent`), "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
    if (texts.length !== intents.length) throw new Error(`CAIS ${part}: ${texts.length} texts but ${intents.length} intents`);
    return texts.map((text, i) => ({ text, intent: intents[i]! }));
  };
  write("cais_train.jsonl", [...read("train"), ...read("valid")]);
  write("cais_test.jsonl", read("test"));
}
