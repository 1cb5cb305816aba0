import { writeFile } from "node:fs/promises";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { infrastructureError, toPublicError } from "../../core/errors.ts";

/** What the driver raises for a server-side failure: a message and the SQLSTATE. */
const sqlState = (code: string, message: string) => Object.assign(new Error(message), { code, severity: "ERROR" });

describe("infrastructure failures as errors a client can act on", () => {
  it("a database out of reach is 503 store_unavailable (a real refused connection)", async () => {
    const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:1/none", connectionTimeoutMillis: 2000 });
    const refused = await client.connect().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(infrastructureError(refused)).toMatchObject({ code: "store_unavailable", status: 503 });
    expect(toPublicError(refused).code).toBe("store_unavailable");
  });

  it("the server shutting down, a statement timing out or too many connections are 503 too", () => {
    for (const code of ["57P01", "57P03", "57014", "53300", "08006"]) expect(infrastructureError(sqlState(code, "x"))?.status, code).toBe(503);
  });

  it("a full disk is 507 storage_full: a real ENOSPC, and PostgreSQL's own 53100", async () => {
    const enospc = await writeFile("/dev/full", "x").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(infrastructureError(enospc)).toMatchObject({ code: "storage_full", status: 507 });
    const extend = sqlState("53100", 'could not extend file "base/1/16407": No space left on device');
    expect(toPublicError(extend)).toEqual({ code: "storage_full", message: expect.stringMatching(/storage is full/) });
  });

  it("pg's words for a connection broken under a query, and an outage wrapped on its way up, are 503 too", () => {
    for (const message of ["Client has encountered a connection error and is not queryable", "Connection terminated unexpectedly", "Query read timeout"]) {
      expect(infrastructureError(new Error(message))?.code, message).toBe("store_unavailable");
    }
    const wrapped = new Error("could not record the event", { cause: sqlState("57P01", "terminating connection due to administrator command") });
    expect(infrastructureError(wrapped)).toMatchObject({ code: "store_unavailable", status: 503 });
    expect(infrastructureError(new Error("could not record the event", { cause: new TypeError("x is undefined") }))).toBeUndefined();
  });

  it("anything else stays a plain internal error: a bug is not passed off as an outage", () => {
    expect(infrastructureError(sqlState("42601", "syntax error at or near"))).toBeUndefined();
    expect(infrastructureError(new TypeError("x is undefined"))).toBeUndefined();
    expect(infrastructureError("ECONNREFUSED")).toBeUndefined();
    expect(toPublicError(sqlState("23505", "duplicate key"))).toEqual({ code: "internal_error", message: "something went wrong on our side" });
  });
});
