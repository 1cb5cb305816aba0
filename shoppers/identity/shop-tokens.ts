import { createPublicKey, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createLocalJWKSet, decodeProtectedHeader, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ConciergeError } from "../../core/errors.ts";
import { MAX_SUBJECT_CHARS, unusableInId } from "./origins.ts";

/** How the shop proves who its customers are (CONCIERGE_IDENTITY_*): a shared secret, a public key, or a JWKS. */
export interface ShopKeys {
  /** HS256 shared secret. */
  secret?: string;
  /** RS256 or ES256 public key, PEM (SPKI), or a path to a .pem file. */
  publicKey?: string;
  /** A JWKS file (the shop's public keys, by kid). */
  jwksFile?: string;
  issuer?: string;
  audience?: string;
}

export interface CustomerClaims {
  sub: string;
  name?: string;
  locale?: string;
}

/** A token that does not prove what it claims: refused, never read as anonymous. */
export class InvalidTokenError extends ConciergeError {
  constructor(message: string, code = "invalid_token") {
    super(code, message, 401);
  }
}

const CLOCK_TOLERANCE_S = 30;

/** Verifies the tokens a shop signs for its logged-in customers (jose: HS256, RS256, ES256). */
export class ShopTokenVerifier {
  private readonly secret?: Uint8Array;
  private readonly publicKey?: KeyObject;
  private readonly jwks?: JWTVerifyGetKey;
  readonly algorithms: string[];

  constructor(private readonly keys: ShopKeys) {
    if (keys.secret) this.secret = new TextEncoder().encode(keys.secret);
    if (keys.publicKey) {
      const pem = keys.publicKey.includes("-----BEGIN") ? keys.publicKey : readKeyFile(keys.publicKey, "CONCIERGE_IDENTITY_PUBLIC_KEY");
      try {
        this.publicKey = createPublicKey(pem);
      } catch (err) {
        throw new ConciergeError("invalid_config", `CONCIERGE_IDENTITY_PUBLIC_KEY: not a PEM public key (${(err as Error).message})`, 500);
      }
      const type = this.publicKey.asymmetricKeyType;
      if (type !== "rsa" && type !== "ec") throw new ConciergeError("invalid_config", `CONCIERGE_IDENTITY_PUBLIC_KEY: expected an RSA (RS256) or EC P-256 (ES256) key, got ${type}`, 500);
    }
    if (keys.jwksFile) {
      const text = readKeyFile(keys.jwksFile, "CONCIERGE_IDENTITY_JWKS");
      try {
        this.jwks = createLocalJWKSet(JSON.parse(text));
      } catch (err) {
        throw new ConciergeError("invalid_config", `CONCIERGE_IDENTITY_JWKS: not a JWKS file ({"keys": [...]}): ${(err as Error).message}`, 500);
      }
    }
    this.algorithms = [
      ...(this.secret ? ["HS256"] : []),
      ...(this.publicKey?.asymmetricKeyType === "rsa" || this.jwks ? ["RS256"] : []),
      ...(this.publicKey?.asymmetricKeyType === "ec" || this.jwks ? ["ES256"] : []),
    ];
  }

  get configured(): boolean {
    return this.algorithms.length > 0;
  }

  /** The customer a token proves; throws InvalidTokenError naming what is wrong. `where` names the field ("auth.token"). */
  async verify(token: string, where: string): Promise<CustomerClaims> {
    if (!this.configured) {
      throw new InvalidTokenError(
        `${where}: this shop accepts no signed customer tokens; set CONCIERGE_IDENTITY_SECRET (or CONCIERGE_IDENTITY_PUBLIC_KEY / CONCIERGE_IDENTITY_JWKS), or connect without a token as an anonymous visitor`,
        "identity_not_configured",
      );
    }
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new InvalidTokenError(`${where}: not a signed token (expected a JWT: three base64url parts separated by dots)`);
    }
    if (!alg || !this.algorithms.includes(alg)) {
      throw new InvalidTokenError(`${where}: algorithm ${alg ?? "(none)"} is not accepted; this shop accepts ${this.algorithms.join(", ")}`);
    }
    const options = {
      algorithms: [alg],
      issuer: this.keys.issuer,
      audience: this.keys.audience,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["sub", "exp"],
    };
    let payload: JWTPayload;
    try {
      const key = alg === "HS256" ? this.secret! : (this.publicKey ?? this.jwks!);
      payload = (typeof key === "function" ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)).payload;
    } catch (err) {
      throw new InvalidTokenError(`${where}: ${reason(err)}`);
    }
    return claims(payload, where);
  }
}

function claims(payload: JWTPayload, where: string): CustomerClaims {
  const sub = payload.sub;
  if (typeof sub !== "string" || sub.trim() === "" || sub.length > MAX_SUBJECT_CHARS || unusableInId(sub)) {
    throw new InvalidTokenError(`${where}: claim sub must be the customer's id, a non-empty string of at most ${MAX_SUBJECT_CHARS} characters without control characters or broken Unicode`);
  }
  const out: CustomerClaims = { sub };
  if (typeof payload.name === "string" && payload.name.trim()) out.name = payload.name.trim().slice(0, 100);
  if (typeof payload.locale === "string" && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(payload.locale)) out.locale = payload.locale;
  return out;
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "the token has expired; sign a fresh one";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "the signature does not verify with this shop's key";
  if (err instanceof errors.JWKSNoMatchingKey) return "no key in the shop's JWKS matches the token's kid";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === "missing") return `claim ${err.claim} is required`;
    return `claim ${err.claim} is not acceptable (${err.message})`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return `not a valid signed token (${err.message})`;
  return "the token could not be verified";
}

function readKeyFile(file: string, name: string): string {
  if (!existsSync(file)) throw new ConciergeError("invalid_config", `${name}: no such file ${file}`, 500);
  return readFileSync(file, "utf8");
}
