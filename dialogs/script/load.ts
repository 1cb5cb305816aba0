import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { type Conversation, conversationFileSchema } from "./format.ts";

export type LoadedConversation = Conversation & { file: string };

/** The YAML files a path names: the file itself, or every .yaml/.yml under a folder, in name order. */
export function conversationFiles(target: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(target);
  } catch {
    throw new ValidationError(`${target}: no such file or folder`);
  }
  if (!stat.isDirectory()) return [target];
  return readdirSync(target, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => path.join(target, f));
}

/** Reads and validates one conversation file; an error names the file and the offending field. */
export function loadConversationFile(file: string): LoadedConversation[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ValidationError(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`, { cause: err });
  }
  const conversations = parseInput(conversationFileSchema, data, file);
  for (const c of conversations) {
    c.turns.forEach((t, i) => {
      for (const ref of [t.expect?.products?.same_as?.turn, t.expect?.products?.not_shown_in_turn, t.expect?.products?.cheaper_than_turn, t.expect?.products?.pricier_than_turn]) {
        if (ref !== undefined && ref > i) throw new ValidationError(`${file}: "${c.name}" turn ${i + 1} refers to turn ${ref}, which is not an earlier turn`);
      }
    });
  }
  return conversations.map((c) => ({ ...c, file }));
}

export function loadConversations(targets: string[]): LoadedConversation[] {
  return targets.flatMap(conversationFiles).flatMap(loadConversationFile);
}
