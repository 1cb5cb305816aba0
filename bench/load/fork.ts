import { fork } from "node:child_process";
import path from "node:path";
import type { LoadPlan, LoadResult } from "./clients.ts";

/** Runs one plan's shoppers in a client process of their own and resolves with what they saw. */
export function runClientProcess(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(path.join(import.meta.dirname, "clients.ts"), { execArgv: ["--import", "tsx", "--max-old-space-size=2048"], stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("message", (result) => resolve(result as LoadResult));
    child.once("exit", (code) => reject(new Error(`client process exited with ${code}`)));
    child.send(plan);
  });
}
