import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadConfig } from "../../core/config.ts";
import { storeFor } from "../../store/index.ts";
import { loadLanguageModel } from "../load.ts";
import { CopyService, type CopyResponse } from "./service.ts";
import { CHANNELS, LENGTHS, TONES } from "./types.ts";
import { shopNamedShopper } from "../../shoppers/index.ts";

const USAGE = `usage: concierge copy --product ID [--shopper USER | --segment N] [--tone T] [--channel C]
                      [--length L] [--variants N] [--locale en|zh] [--seed N] [--json]

Writes marketing copy for one catalogue product from the store in CONCIERGE_DATA_DIR / DATABASE_URL:
a product description, or copy for a channel, for everyone, one shopper (their top categories,
brands and stated likes) or one segment of the latest segmentation. Every variant keeps to the
product's catalogue facts. With the language model (CONCIERGE_LLM_MODEL) the model writes; without
it, or for any variant it cannot write within the facts, the templates do.

  --product ID     the catalogue product (required)
  --shopper USER   personalise for this shopper: the shop's customer id, or a stored id such as
                   anon:… (not if they turned personalisation off)
  --segment N      write for segment N of the latest segmentation
  --tone T         ${TONES.join(" | ")} (default friendly)
  --channel C      ${CHANNELS.join(" | ")} (default chat)
  --length L       ${LENGTHS.join(" | ")} (default medium)
  --variants N     1-10 distinct variants (default 3)
  --locale L       en | zh (default en)
  --seed N         same seed, same templated copy (default 1)
  --json           print the result as JSON (the admin API's shape)
`;

function integer(value: string | undefined, option: string): number | string | undefined {
  if (value === undefined) return undefined;
  // Anything else goes to validation as given, so the error names the option's field.
  return /^\d+$/.test(value) ? Number(value) : `${option}=${value}`;
}

/** `concierge copy --product ID …` */
export async function copyCommand(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        product: { type: "string" },
        shopper: { type: "string" },
        segment: { type: "string" },
        tone: { type: "string" },
        channel: { type: "string" },
        length: { type: "string" },
        variants: { type: "string" },
        locale: { type: "string" },
        seed: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  if (!values.product) {
    process.stderr.write(`--product is required\n${USAGE}`);
    return 2;
  }
  const input = {
    productId: values.product,
    // The shop names its customer by its own id, or a stored id with its origin ("anon:…").
    ...(values.shopper !== undefined ? { shopperId: shopNamedShopper(String(values.shopper)) ?? String(values.shopper) } : {}),
    ...(values.segment !== undefined ? { segmentId: integer(values.segment as string, "--segment") } : {}),
    ...(values.tone !== undefined ? { tone: values.tone } : {}),
    ...(values.channel !== undefined ? { channel: values.channel } : {}),
    ...(values.length !== undefined ? { length: values.length } : {}),
    ...(values.variants !== undefined ? { variants: integer(values.variants as string, "--variants") } : {}),
    ...(values.locale !== undefined ? { locale: values.locale } : {}),
    ...(values.seed !== undefined ? { seed: integer(values.seed as string, "--seed") } : {}),
  };

  const config = loadConfig();
  // Logs (the model's loading, its fallback reason) go to stderr so --json stays parseable.
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn", base: { service: "concierge" } }, pino.destination(2));
  const store = storeFor(config);
  const model = await loadLanguageModel(config, logger);
  process.stderr.write(model ? `language model: ${model.info.name} (${model.info.backend})\n` : "language model: none (CONCIERGE_LLM_MODEL); the templates write\n");
  try {
    await store.init();
    const result = await new CopyService({ store, languageModel: () => model, logger }).write(input);
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatCopy(result));
    return 0;
  } finally {
    await model?.close();
    await store.close();
  }
}

export function formatCopy(r: CopyResponse): string {
  const who = r.audience.kind === "shopper" ? "one shopper" : r.audience.kind === "segment" ? `segment "${r.audience.name}"` : "everyone";
  const lines = [
    `${r.variants.length} ${r.channel} variant(s) for product ${r.productId}, ${r.tone}, ${r.length}, ${r.locale}, for ${who}${r.personalised ? "" : " (the shopper turned personalisation off)"}`,
    `written by: ${r.usedModel ? "the language model" : "the templates"}${r.fallbackReason ? ` (templates because: ${r.fallbackReason})` : ""}`,
    "",
  ];
  for (const v of r.variants) {
    lines.push(`── ${v.name} (${v.source})`);
    for (const [field, text] of Object.entries(v.fields)) lines.push(`${field}: ${text.replace(/\n/g, "\n  ")}`);
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
