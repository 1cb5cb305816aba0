import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";

/** The key id that marks a token as one this server issued to an anonymous visitor. */
export const ANONYMOUS_KID = "concierge-anonymous";
const ISSUER = "concierge";
const LIFETIME = "365d";

/**
 * An anonymous visitor's id, handed to their client signed, so the client can come back as the
 * same visitor while knowing the id alone proves nothing.
 */
export class AnonymousTokens {
  constructor(private readonly key: Uint8Array) {}

  sign(shopperId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: "HS256", kid: ANONYMOUS_KID })
      .setIssuer(ISSUER)
      .setSubject(shopperId)
      .setIssuedAt()
      .setExpirationTime(LIFETIME)
      .sign(this.key);
  }

  /** The visitor's id, or undefined when the token is not one of ours, expired or tampered with. */
  async verify(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], issuer: ISSUER, requiredClaims: ["sub", "exp"] });
      return typeof payload.sub === "string" && payload.sub.startsWith("anon:") ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }

  static isOne(token: string): boolean {
    try {
      return decodeProtectedHeader(token).kid === ANONYMOUS_KID;
    } catch {
      return false;
    }
  }
}
