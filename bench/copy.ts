/**
 * Marketing copy: how long a request takes and, with a model, how many of its variants the model
 * wrote within the catalogue facts (the rest are templated). No pass/fail.
 *
 *   npx tsx bench/copy.ts [--llm-model PATH.gguf] [--threads 1] [--variants 5] [--runs 3]
 */
import { generateCopy } from "../llm/copy/index.ts";
import { CHANNELS, type CopyProduct } from "../llm/copy/types.ts";
import { LlamaLanguageModel, type LanguageModel } from "../llm/index.ts";

process.env.CONCIERGE_QUIET ??= "1";
const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const variants = Number(opt("variants") ?? 5);
const runs = Number(opt("runs") ?? 3);
const threads = Number(opt("threads") ?? 1);
const llmPath = opt("llm-model");

const product: CopyProduct = {
  id: "sku-1",
  title: "Trail Runner 2",
  brand: "Fleet",
  category: "Running Shoes",
  description: "A light trail shoe with a grippy sole.",
  price: 89.9,
  currency: "EUR",
  stock: 3,
  color: "red",
  sizes: ["40", "41", "42"],
  tags: ["running", "trail"],
};
const audience = { kind: "shopper" as const, categories: ["running shoes"], brands: ["Fleet"], preferences: ["trail"] };

async function measure(model: LanguageModel | undefined, label: string): Promise<void> {
  for (const locale of ["en", "zh"] as const) {
    for (const channel of CHANNELS) {
      const times: number[] = [];
      let fromModel = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const result = await generateCopy(model, { product, audience, tone: "friendly", channel, length: "short", variants, locale, seed: r + 1 });
        times.push(performance.now() - t0);
        fromModel += result.variants.filter((v) => v.source === "model").length;
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      console.log(
        `${label.padEnd(28)} ${locale} ${channel.padEnd(11)} ${variants} variants: median ${median.toFixed(1).padStart(8)} ms` +
          (model ? `, written by the model ${fromModel}/${variants * runs}` : ""),
      );
    }
  }
}

await measure(undefined, "templates");
if (llmPath) {
  const model = await LlamaLanguageModel.load({ modelPath: llmPath, gpu: "auto", threads, sequences: 4, contextSize: 2048, maxQueue: 32, queueTimeoutMs: 120_000, progress: false });
  try {
    await measure(model, `${model.info.name} (${model.info.backend}, ${threads}t)`);
  } finally {
    await model.close();
  }
}
