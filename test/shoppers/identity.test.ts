import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { Identity, originOf, shopNamedShopper } from "../../shoppers/index.ts";
import { MemoryBlobStore } from "../fakes/memory-blobs.ts";
import { customerToken, SHOP_SECRET, shopKeyPair, unsignedToken } from "../helpers/tokens.ts";

const identityWith = (keys: Parameters<typeof Identity.create>[0]["keys"], blobs = new MemoryBlobStore()) => Identity.create({ keys, blobs });

describe("customer tokens the shop signs", () => {
  it("HS256 with CONCIERGE_IDENTITY_SECRET: the sub becomes a customer id, with name and locale", async () => {
    const identity = await identityWith({ secret: SHOP_SECRET });
    expect(identity.customerAlgorithms).toEqual(["HS256"]);
    const shopper = await identity.prove(await customerToken("customer-1001", { claims: { name: "Ada Lovelace", locale: "en-GB" } }));
    expect(shopper).toEqual({ id: "customer:customer-1001", origin: "customer", name: "Ada Lovelace", locale: "en-GB" });
  });

  it.each([
    ["another secret", () => customerToken("c", { secret: "someone-elses-secret-0123456789abcdef" }), /signature does not verify/],
    ["expired", () => customerToken("c", { expiresIn: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ["no exp", () => customerToken("c", { noExp: true }), /claim exp is required/],
    ["no sub", () => customerToken("", {}), /claim sub/],
    ["alg none", async () => unsignedToken("c"), /algorithm none is not accepted/],
    ["garbage", async () => "a.b", /not a signed token/],
  ])("refuses a token with %s, naming why", async (_name, make, reason) => {
    const identity = await identityWith({ secret: SHOP_SECRET });
    await expect(identity.prove(await make(), "auth.token")).rejects.toMatchObject({ code: "invalid_token", status: 401, message: expect.stringMatching(reason) });
  });

  it("a control character or a broken surrogate in sub is refused (they would corrupt the stored id)", async () => {
    const identity = await identityWith({ secret: SHOP_SECRET });
    await expect(identity.prove(await customerToken("bad\u0000id"))).rejects.toMatchObject({ code: "invalid_token" });
    await expect(identity.prove(await customerToken("bad\ud800id"))).rejects.toMatchObject({ code: "invalid_token" });
    expect((await identity.prove(await customerToken("顾客-😀"))).id).toBe("customer:顾客-😀");
  });

  it("checks issuer and audience when the shop sets them", async () => {
    const identity = await identityWith({ secret: SHOP_SECRET, issuer: "https://shop.example", audience: "concierge" });
    await expect(identity.prove(await customerToken("c"))).rejects.toMatchObject({ message: expect.stringMatching(/claim iss/) });
    const ok = await customerToken("c", { issuer: "https://shop.example", claims: { aud: "concierge" } });
    expect((await identity.prove(ok)).id).toBe("customer:c");
  });

  it("RS256 with a PEM public key, and ES256 from a JWKS file; a key's token does not pass as another's", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "concierge-keys-"));
    try {
      const rsa = await shopKeyPair("RS256");
      const ec = await shopKeyPair("ES256");
      const pemFile = path.join(dir, "shop.pem");
      await writeFile(pemFile, rsa.publicPem);
      const byPem = await identityWith({ publicKey: pemFile });
      expect(byPem.customerAlgorithms).toEqual(["RS256"]);
      expect((await byPem.prove(await rsa.sign("rsa-customer"))).id).toBe("customer:rsa-customer");
      await expect(byPem.prove(await ec.sign("ec-customer"))).rejects.toMatchObject({ code: "invalid_token" });
      // The inline PEM works the same as the file.
      expect((await (await identityWith({ publicKey: rsa.publicPem })).prove(await rsa.sign("x"))).id).toBe("customer:x");

      const jwksFile = path.join(dir, "jwks.json");
      await writeFile(jwksFile, JSON.stringify({ keys: [ec.publicJwk] }));
      const byJwks = await identityWith({ jwksFile });
      expect((await byJwks.prove(await ec.sign("ec-customer", ec.publicJwk.kid))).id).toBe("customer:ec-customer");
      await expect(byJwks.prove(await ec.sign("ec-customer", "unknown-kid"))).rejects.toMatchObject({ message: expect.stringMatching(/kid/) });
      // An HS256 token is not accepted by a shop that signs with keys (no algorithm confusion).
      await expect(byJwks.prove(await customerToken("c"))).rejects.toMatchObject({ message: expect.stringMatching(/HS256 is not accepted/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says clearly when a key setting is unusable", async () => {
    await expect(identityWith({ publicKey: "/no/such/key.pem" })).rejects.toThrow(/CONCIERGE_IDENTITY_PUBLIC_KEY: no such file/);
    await expect(identityWith({ publicKey: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" })).rejects.toThrow(/CONCIERGE_IDENTITY_PUBLIC_KEY: not a PEM public key/);
  });

  it("with nothing configured, refuses every customer token instead of ignoring it", async () => {
    const identity = await identityWith({});
    expect(identity.customerAlgorithms).toEqual([]);
    await expect(identity.prove(await customerToken("c"))).rejects.toMatchObject({ code: "identity_not_configured" });
  });
});

describe("anonymous visitors", () => {
  let identity: Identity;
  const blobs = new MemoryBlobStore();
  beforeAll(async () => {
    identity = await identityWith({ secret: SHOP_SECRET }, blobs);
  });

  it("get an unguessable id and a token this server signed, which brings them back", async () => {
    const first = await identity.prove(undefined);
    expect(first.id).toMatch(/^anon:[A-Za-z0-9_-]{22}$/);
    expect(first.origin).toBe("anon");
    expect(decodeProtectedHeader(first.anonymousToken!).kid).toBe("concierge-anonymous");
    expect(decodeJwt(first.anonymousToken!).sub).toBe(first.id);
    expect((await identity.prove(first.anonymousToken)).id).toBe(first.id);
    const second = await identity.prove("");
    expect(second.id).not.toBe(first.id);
    // Another replica on the same store has the same secret, so knows the visitor too.
    const replica = await identityWith({ secret: SHOP_SECRET }, blobs);
    expect((await replica.prove(first.anonymousToken)).id).toBe(first.id);
  });

  it("a token another server signed (or one tampered with) makes a new visitor, never the one it names", async () => {
    const first = await identity.prove(undefined);
    const elsewhere = await identityWith({ secret: SHOP_SECRET }, new MemoryBlobStore());
    const stranger = await elsewhere.prove(first.anonymousToken);
    expect(stranger.id).not.toBe(first.id);
    expect(stranger.renewed).toBe(true);
    expect(stranger.anonymousToken).toBeDefined();
  });
});

describe("channel accounts and callers", () => {
  it("Bot Framework accounts keep their channel in the id", async () => {
    const identity = await identityWith({});
    expect(identity.channelAccount("msteams", "29:1abc")).toEqual({ id: "bf:msteams:29:1abc", origin: "bf" });
  });

  it("a caller is known by a hash keyed with the server's secret, the same on every replica and call", async () => {
    const blobs = new MemoryBlobStore();
    const a = await identityWith({}, blobs);
    const b = await identityWith({}, blobs);
    const number = "+14155550123";
    const id = (await a.caller(number)).id;
    expect(id).toMatch(/^phone:[0-9a-f]{32}$/);
    expect((await b.caller(number)).id).toBe(id);
    expect((await a.caller("+14155550124")).id).not.toBe(id);
    // Not the plain hash anyone could compute from the number.
    const plain = createHash("sha256").update(number).digest("hex");
    expect(plain).not.toContain(id.slice(6, 22));
    // Another shop (another secret) cannot link its callers to ours.
    expect((await (await identityWith({}, new MemoryBlobStore())).caller(number)).id).not.toBe(id);
    // No number vouched for: a shopper for this call only.
    expect((await a.caller(undefined)).id).toMatch(/^anon:/);
  });
});

describe("ids and their origins", () => {
  it("reads the origin of a stored id", () => {
    expect(originOf("customer:1001")).toBe("customer");
    expect(originOf("anon:x")).toBe("anon");
    expect(originOf("bf:msteams:x")).toBe("bf");
    expect(originOf("phone:abc")).toBe("phone");
    expect(originOf("shopper-42")).toBeUndefined();
    expect(originOf("msteams:29:x")).toBeUndefined();
  });

  it("an admin's bare id is the shop's customer; an id with its origin is taken as stored", () => {
    expect(shopNamedShopper("1001")).toBe("customer:1001");
    expect(shopNamedShopper("anon:abc")).toBe("anon:abc");
    expect(shopNamedShopper("  ")).toBeUndefined();
    expect(shopNamedShopper("a\u0000b")).toBeUndefined();
  });
});
