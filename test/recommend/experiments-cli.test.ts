import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { experimentsCommand } from "../../recommend/experiments/cli.ts";
import { createStore } from "../../store/index.ts";
import { runCommand } from "../helpers/cli.ts";

/** `concierge experiments …` against a temp data dir. */
describe("concierge experiments", () => {
  let dir: string;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-experiments-cli-"));
    process.env.CONCIERGE_DATA_DIR = dir;
    process.env.DATABASE_URL = "";
  });

  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCommand(experimentsCommand, args);

  it("creates, lists, reports and stops", async () => {
    const created = await run(["create", "--id", "rank-1", "--name", "Blend ranking", "--variant", "control", "--variant", "blend:1:ranking=blend", "--json"]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ id: "rank-1", variants: [{ name: "control" }, { name: "blend", config: { ranking: "blend" } }] });

    const spec = path.join(dir, "copy.json");
    await writeFile(spec, JSON.stringify({ id: "copy-1", name: "Greeting copy", primaryMetric: "purchase", variants: [{ name: "plain" }, { name: "warm", weight: 2, config: { copy: "Welcome back!" } }] }));
    expect((await run(["create", "--file", spec])).out).toMatch(/^created copy-1 "Greeting copy" \[running\] .*plain ×1, warm ×2 \(copy="Welcome back!"\); metric purchase/);


    // Traffic through the same store the service would write to.
    const store = createStore({ dataDir: dir });
    await store.init();
    try {
      // Straight into the experiment's events, as the public endpoint records them one shopper at a time.
      const ev = (userId: string, type: "exposure" | "click", variant: string) => ({ experimentId: "rank-1", userId, type, variant, ts: Date.now() });
      await store.experiments.addExperimentEvents([
        ...Array.from({ length: 400 }, (_, i) => ev(`c${i}`, "exposure", "control")),
        ...Array.from({ length: 40 }, (_, i) => ev(`c${i}`, "click", "control")),
        ...Array.from({ length: 400 }, (_, i) => ev(`b${i}`, "exposure", "blend")),
        ...Array.from({ length: 80 }, (_, i) => ev(`b${i}`, "click", "blend")),
      ].slice(0, 1000));
      await store.experiments.addExperimentEvents(Array.from({ length: 80 }, (_, i) => ev(`b${i + 320}`, "click", "blend")).slice(60));
    } finally {
      await store.close();
    }
    const report = await run(["report", "rank-1"]);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/verdict: blend beats control on CTR: /);
    expect(report.out).toMatch(/control \(control\)\s+400/);
    expect((await run(["stop", "rank-1"])).out).toMatch(/^stopped rank-1 .*\[stopped\]/);
    const listed = JSON.parse((await run(["list", "--json"])).out);
    expect(listed.map((e: { id: string; status: string }) => `${e.id} ${e.status}`).sort()).toEqual(["copy-1 running", "rank-1 stopped"]);
  });

  it("refuses bad usage with exit 2, bad specs with a validation error", async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(["launch"])).err).toMatch(/unknown experiments command: launch/);
    expect((await run(["report"])).err).toMatch(/takes one experiment id/);
    expect((await run(["list", "--colour"])).code).toBe(2);
    await expect(run(["create", "--name", "x", "--variant", "a"])).rejects.toThrow(/variants: an experiment needs at least two variants/);
    await expect(run(["create", "--name", "x", "--variant", "a:fast", "--variant", "b"])).rejects.toThrow(ValidationError);
  });
});
