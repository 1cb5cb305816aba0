/**
 * The held-out voice evaluation set the voice benches share: shop sentences spoken by flite's slt
 * voice (the most human-like voice that installs here), generated into a temporary folder, never
 * committed. Sentences come from the intent data (a seeded sample, held out of the language model
 * and of the intent classifier's training) and from the catalogue, in carrier phrases the domain
 * model's templates do not use.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadShippedIntents } from "../intents/shipped.ts";
import type { LabelledUtterance } from "../intents/types.ts";
import { DEMO_CATALOG_PATH } from "../recommend/demo/index.ts";
import { type CatalogueText, productSlots, readCatalogueText } from "../voice/stt/domain.ts";
import { spokenForm } from "../voice/text/spoken.ts";

export interface EvalItem {
  text: string;
  intent: string;
  wav: string;
  source: "intents" | "catalogue";
}

export interface EvalSet {
  dir: string;
  manifest: string;
  items: EvalItem[];
  /** Intent examples minus the held-out ones: what the language model and classifier may learn from. */
  trainIntents: LabelledUtterance[];
  products: CatalogueText[];
}

/** Carriers for catalogue items that voice/stt/phrases.ts does not contain, with the intent each expresses. */
const EVAL_CARRIERS: [string, string][] = [
  ["could you show me the {line} {item}", "search_products"],
  ["I'd like to buy the {title}", "add_to_cart"],
  ["what's the price of the {line}", "price"],
  ["have you got a {color} {item} from {brand}", "availability"],
  ["is the {title} still available", "availability"],
  ["put the {line} {item} in my basket", "add_to_cart"],
  ["how expensive is the {line} {item}", "price"],
  ["I'm interested in a {item} around {price}", "search_products"],
  ["what can you tell me about the {line} {item}", "product_details"],
  ["please find me {brand} {item} in {color}", "search_products"],
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Speaks a sentence with flite (the spoken form, as a person would read "$50" or "4 L"), at a slightly varied rate. */
function speak(text: string, file: string, rate: number, voice: string): void {
  if (existsSync(file)) return;
  execFileSync("flite", ["-voice", voice, "--setf", `duration_stretch=${(1 / rate).toFixed(3)}`, "-t", spokenForm(text), "-o", file], { timeout: 30_000 });
}

export async function evalSet(options: { intents?: number; catalogue?: number; seed?: number; voice?: string; dir?: string } = {}): Promise<EvalSet> {
  const seed = options.seed ?? 7;
  const random = rng(seed);
  const voice = options.voice ?? "slt";
  const all = loadShippedIntents(["en"]);
  const pick = shuffle(all, random).slice(0, options.intents ?? 60);
  const held = new Set(pick.map((p) => p.text));
  const trainIntents = all.filter((u) => !held.has(u.text));
  const products = await readCatalogueText(DEMO_CATALOG_PATH);
  const english = shuffle(
    products.filter((p) => productSlots(p)),
    random,
  );
  const catalogueItems: { text: string; intent: string }[] = [];
  for (const p of english) {
    if (catalogueItems.length >= (options.catalogue ?? 30)) break;
    const slots = productSlots(p)!;
    const [carrier, intent] = EVAL_CARRIERS[catalogueItems.length % EVAL_CARRIERS.length];
    if (carrier.includes("{color}") && !slots.color) continue;
    catalogueItems.push({ text: carrier.replace(/\{(\w+)\}/g, (_, k: string) => slots[k] ?? ""), intent });
  }
  const dir = options.dir ?? path.join(tmpdir(), `concierge-voice-eval-${voice}`);
  mkdirSync(dir, { recursive: true });
  const items: EvalItem[] = [];
  for (const [i, u] of [...pick.map((p) => ({ ...p, source: "intents" as const })), ...catalogueItems.map((c) => ({ ...c, source: "catalogue" as const }))].entries()) {
    const rate = 0.9 + 0.2 * random();
    const name = `${String(i).padStart(3, "0")}-${createHash("sha1").update(`${voice}|${rate}|${u.text}`).digest("hex").slice(0, 8)}.wav`;
    speak(u.text, path.join(dir, name), rate, voice);
    items.push({ text: u.text, intent: u.intent, wav: path.join(dir, name), source: u.source });
  }
  const manifest = path.join(dir, "manifest.jsonl");
  writeFileSync(manifest, items.map((it) => JSON.stringify({ wav: path.basename(it.wav), text: it.text, intent: it.intent })).join("\n") + "\n");
  const train = path.join(dir, "train.jsonl");
  writeFileSync(train, trainIntents.map((u) => JSON.stringify(u)).join("\n") + "\n");
  return { dir, manifest, items, trainIntents, products };
}
