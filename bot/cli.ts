import { readSetting } from "../core/config.ts";
import { ConciergeError, infrastructureError } from "../core/errors.ts";

/** A subcommand: gets the arguments after its name, returns the exit code. */
type Command = (args: string[]) => Promise<number>;

const HELP_FLAGS = ["-h", "--help", "help"];

// Each folder owns its commands; this table only routes to them, loading lazily so
// `concierge nlu test` does not pay for the Bot Framework SDK.
// `takesNoArguments`: a command configured only by the environment refuses arguments rather than
// ignoring them, so `concierge start --help` or a misplaced `--port 80` never starts a service.
const commands: Record<string, { summary: string; load: () => Promise<Command>; takesNoArguments?: boolean }> = {
  start: {
    summary: "run the service; every setting is an environment variable (docs/configuration.md)",
    load: async () => (await import("./main.ts")).startCommand,
    takesNoArguments: true,
  },
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
  "replies list": { summary: "every reply key with the wording in effect (CONCIERGE_REPLIES_FILE) [--json]", load: async () => (await import("../dialogs/replies/cli.ts")).repliesList },
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
  doctor: { summary: "check Node, the voice packages, models, the database and Redis, and say what to install [--json]", load: async () => (await import("./doctor.ts")).doctorCommand },
  "teams package": { summary: "the Teams app package: --app-id ID --host HOST [--out concierge-teams.zip]", load: async () => (await import("./teams/cli.ts")).teamsPackage },
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
    const unknown = argv.length > 0 && !HELP_FLAGS.includes(argv[0]!);
    process.stderr.write(unknown ? `unknown command: ${argv.join(" ")}\n${usage()}` : usage());
    return unknown ? 2 : 0;
  }
  const rest = argv.slice(name.split(" ").length);
  const entry = commands[name]!;
  if (entry.takesNoArguments && rest.length > 0) {
    const asked = rest.every((a) => HELP_FLAGS.includes(a));
    process.stderr.write(`${asked ? "" : `concierge ${name} takes no arguments (got: ${rest.join(" ")})\n`}usage: concierge ${name}\n  ${entry.summary}\n`);
    return asked ? 0 : 2;
  }
  try {
    const command = await entry.load();
    return await command(rest);
  } catch (err) {
    process.stderr.write(cliErrorLines(err, readSetting("CONCIERGE_DEBUG")));
    return 1;
  }
}

/**
 * What a failed command prints: one line a terminal user can act on, the error's code when it has
 * one. The stack is for a bug report, so only CONCIERGE_DEBUG=1 adds it.
 */
export function cliErrorLines(err: unknown, debug = false): string {
  const known = err instanceof ConciergeError ? err : infrastructureError(err);
  if (known) return `error (${known.code}): ${oneLine(known.message)}\n`;
  const message = oneLine(err instanceof Error ? err.message : String(err)) || "unexpected failure";
  const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : "";
  return `error: ${message}${debug ? "" : " (CONCIERGE_DEBUG=1 shows where)"}\n${stack}`;
}

const oneLine = (message: string) => message.replace(/\s*\n\s*/g, " ").trim();
