import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type DoctorProbes, machineProbes, runChecks } from "../../bot/doctor.ts";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "doctor-"));
const env = (extra: Record<string, string> = {}) => ({ CONCIERGE_DATA_DIR: dataDir(), CONCIERGE_EMBEDDING_MODEL: "none", ...extra });
const byName = (checks: Awaited<ReturnType<typeof runChecks>>, name: string) => checks.find((c) => c.name === name);

function machine(overrides: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    nodeVersion: "22.12.0",
    hasProgram: () => true,
    exists: () => true,
    freeBytes: () => 50e9,
    writable: () => true,
    queryPostgres: async () => undefined,
    pingRedis: async () => undefined,
    resolvePackage: () => true,
    ...overrides,
  };
}

describe("concierge doctor", () => {
  it("passes a machine with everything, and names what is used", async () => {
    const checks = await runChecks(env(), machine());
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(byName(checks, "database")?.detail).toContain("embedded");
  });

  it("says which apt package to install for each missing voice program", async () => {
    const checks = await runChecks(env(), machine({ hasProgram: (p) => p !== "flite" && p !== "pocketsphinx_batch", exists: () => false }));
    expect(byName(checks, "flite")).toMatchObject({ status: "fail", fix: expect.stringContaining("apt-get install -y --no-install-recommends flite") });
    expect(byName(checks, "pocketsphinx_batch")?.fix).toContain("install -y --no-install-recommends pocketsphinx ");
    expect(byName(checks, "pocketsphinx model")?.fix).toContain("pocketsphinx-en-us");
    expect(byName(checks, "espeak-ng")?.status).toBe("ok");
  });

  it("only warns about voice packages when voice is off", async () => {
    const checks = await runChecks(env({ CONCIERGE_VOICE: "off" }), machine({ hasProgram: () => false }));
    expect(byName(checks, "flite")?.status).toBe("warn");
    expect(checks.some((c) => c.status === "fail")).toBe(false);
  });

  it("fails Node below 20 and warns on Node 20", async () => {
    expect(byName(await runChecks(env(), machine({ nodeVersion: "18.20.0" })), "node")?.status).toBe("fail");
    expect(byName(await runChecks(env(), machine({ nodeVersion: "20.19.1" })), "node")).toMatchObject({ status: "warn", fix: expect.stringContaining("22") });
  });

  it("names a bad variable and stops there", async () => {
    const checks = await runChecks(env({ PORT: "eighty" }), machine());
    expect(byName(checks, "configuration")).toMatchObject({ status: "fail", detail: expect.stringContaining("PORT") });
    expect(byName(checks, "database")).toBeUndefined();
  });

  it("warns when the data folder is nearly full, fails when it cannot be written", async () => {
    expect(byName(await runChecks(env(), machine({ freeBytes: () => 200e6 })), "data folder")?.status).toBe("warn");
    expect(byName(await runChecks(env(), machine({ writable: () => false })), "data folder")?.status).toBe("fail");
  });

  it("reaches the real PostgreSQL and Redis, and fails with the reason when they are not there", async (ctx) => {
    const database = process.env.CONCIERGE_TEST_DATABASE_URL;
    const redis = process.env.CONCIERGE_TEST_REDIS_URL;
    if (!database || !redis) {
      if (process.env.CI) throw new Error("CI must set CONCIERGE_TEST_DATABASE_URL and CONCIERGE_TEST_REDIS_URL");
      ctx.skip();
      return;
    }
    const up = await runChecks(env({ DATABASE_URL: database, REDIS_URL: redis }), machine({ queryPostgres: machineProbes.queryPostgres, pingRedis: machineProbes.pingRedis }));
    expect(byName(up, "database")).toMatchObject({ status: "ok", detail: "PostgreSQL answers" });
    expect(byName(up, "redis")).toMatchObject({ status: "ok", detail: "Redis answers" });
    // Ports nothing listens on: refused at once.
    const down = await runChecks(env({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", REDIS_URL: "redis://127.0.0.1:1" }), machine({ queryPostgres: machineProbes.queryPostgres, pingRedis: machineProbes.pingRedis }));
    expect(byName(down, "database")).toMatchObject({ status: "fail", detail: expect.stringMatching(/cannot be reached: .*ECONNREFUSED/) });
    expect(byName(down, "redis")).toMatchObject({ status: "fail", detail: expect.stringMatching(/cannot be reached/) });
  });
});
