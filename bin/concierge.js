#!/usr/bin/env node
// The `concierge` command. Sources are TypeScript run through tsx (a runtime dependency), so the
// command works straight after `npm install` with no build step.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../bot/cli.ts");
process.exitCode = await runCli(process.argv.slice(2));
