import { ConciergeError } from "../core/errors.ts";

/** A subcommand: gets the arguments after its name, returns the exit code. */
type Command = (args: string[]) => Promise<number>;

// Each folder owns its commands; this table only routes to them, loading lazily so
// `concierge nlu test` does not pay for the Bot Framework SDK.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: { summary: "run the service", load: async () => (await import("./main.ts")).startCommand },
  "nlu test": { summary: "train on --train, evaluate on --test [--json]", load: async () => (await import("../intents/cli.ts")).nluTest },
  "nlu review": { summary: "messages the classifier was unsure of, grouped [--limit N] [--json]", load: async () => (await import("../intents/review/cli.ts")).nluReview },
  "nlu add": { summary: "add labelled lines FILE to the shop's own intent data [--json]", load: async () => (await import("../intents/review/cli.ts")).nluAdd },
  "dialog test": {
    summary: "run scripted conversations against the real engine: FILE|FOLDER... [--json]",
    load: async () => (await import("./dialog-cli.ts")).dialogTest,
  },
  "catalog import": { summary: "import products from a JSONL or CSV file", load: async () => (await import("../recommend/cli.ts")).catalogImport },
  kb: {
    summary: "knowledge base: import PATH... | list | remove PATH|ID... | eval --questions q.jsonl [--json]",
    load: async () => (await import("../knowledge/cli.ts")).kbCommand,
  },
  "rec eval": { summary: "offline evaluation: --items F --events F [--k 10] [--cross-domain] [--strict] [--json]", load: async () => (await import("../recommend/eval/cli.ts")).recEval },
  "rec tune": { summary: "choose the ranking from the shop's events and store it: [--events F] [--items F] [--json]", load: async () => (await import("../recommend/eval/tune-cli.ts")).recTune },
  tts: { summary: "speak text to a WAV file: \"text\" -o out.wav [--locale en|zh]", load: async () => (await import("../voice/cli.ts")).tts },
  stt: { summary: "transcribe a WAV file [--locale en]", load: async () => (await import("../voice/cli.ts")).stt },
  "voice eval": { summary: "WER, intent accuracy and latency: --manifest m.jsonl [--train t.jsonl] [--json]", load: async () => (await import("../voice/cli.ts")).voiceEval },
  segments: { summary: "cluster shoppers into named segments [--k N] [--json]", load: async () => (await import("../recommend/segments/cli.ts")).segmentsCommand },
  experiments: { summary: "A/B experiments: create | list | report ID | stop ID [--json]", load: async () => (await import("../recommend/experiments/cli.ts")).experimentsCommand },
  copy: {
    summary: "marketing copy: --product ID [--shopper U | --segment N] [--tone T] [--channel C] [--length L] [--variants N] [--locale en|zh] [--json]",
    load: async () => (await import("../llm/copy/cli.ts")).copyCommand,
  },
  "models list": { summary: "show which optional models are present and where [--json]", load: async () => (await import("../core/models-cli.ts")).modelsList },
  "models pull": { summary: "download the optional models ahead of time", load: async () => (await import("../core/models-cli.ts")).modelsPull },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  concierge ${name.padEnd(16)} ${c.summary}`);
  return `usage:\n${lines.join("\n")}\n`;
}

export async function runCli(argv: string[]): Promise<number> {
  const name = [argv.slice(0, 2).join(" "), argv[0] ?? ""].find((n) => n in commands);
  if (!name) {
    process.stderr.write(argv.length && !["-h", "--help", "help"].includes(argv[0]!) ? `unknown command: ${argv.join(" ")}\n${usage()}` : usage());
    return argv.length && !["-h", "--help", "help"].includes(argv[0]!) ? 2 : 0;
  }
  const rest = argv.slice(name.split(" ").length);
  try {
    const command = await commands[name]!.load();
    return await command(rest);
  } catch (err) {
    if (err instanceof ConciergeError) {
      process.stderr.write(`error (${err.code}): ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
