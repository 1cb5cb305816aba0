import { generateKeyPair, SignJWT } from "jose";

/**
 * Tokens as a shop's server signs them for its logged-in customers (README "Signing a customer
 * token"), made here with jose directly — not with anything of Concierge's.
 */
export const SHOP_SECRET = "test-shop-secret-0123456789abcdef-0123456789";

export function customerToken(
  sub: string,
  options: { secret?: string; expiresIn?: string | number; claims?: Record<string, unknown>; noExp?: boolean; issuer?: string } = {},
): Promise<string> {
  const jwt = new SignJWT({ ...options.claims }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuedAt();
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (!options.noExp) jwt.setExpirationTime(options.expiresIn ?? "1h");
  return jwt.sign(new TextEncoder().encode(options.secret ?? SHOP_SECRET));
}

/** An unsigned token ("alg": "none"), the oldest trick there is. */
export function unsignedToken(sub: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}

/** An RS256 or ES256 key pair, the public half as PEM (CONCIERGE_IDENTITY_PUBLIC_KEY). */
export async function shopKeyPair(alg: "RS256" | "ES256") {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const { exportSPKI, exportJWK } = await import("jose");
  return {
    publicPem: await exportSPKI(publicKey),
    publicJwk: { ...(await exportJWK(publicKey)), alg, kid: `${alg.toLowerCase()}-key` },
    sign: (sub: string, kid?: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg, ...(kid && { kid }) })
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
  };
}
