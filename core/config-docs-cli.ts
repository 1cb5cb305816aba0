import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderEnvExample, withConfigTable } from "./config-docs.ts";

/** `npm run config:docs`: rewrites .env.example and the table in docs/configuration.md from the schema. */
const root = path.resolve(import.meta.dirname, "..");
const envFile = path.join(root, ".env.example");
const docFile = path.join(root, "docs", "configuration.md");

await writeFile(envFile, renderEnvExample());
await writeFile(docFile, withConfigTable(await readFile(docFile, "utf8")));
process.stdout.write(`wrote ${path.relative(root, envFile)} and ${path.relative(root, docFile)}\n`);
