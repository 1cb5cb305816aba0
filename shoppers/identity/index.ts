import { ConciergeError } from "../../core/errors.ts";
import type { BlobStore } from "../../store/types.ts";
import { AnonymousTokens } from "./anonymous.ts";
import { botFrameworkId, customerId, newAnonymousId, type Origin, originOf, phoneId } from "./origins.ts";
import { ServerSecret } from "./secret.ts";
import { InvalidTokenError, type ShopKeys, ShopTokenVerifier } from "./shop-tokens.ts";

export { ANONYMOUS_KID } from "./anonymous.ts";
export { MAX_SUBJECT_CHARS, ORIGINS, type Origin, originOf, shopNamedShopper } from "./origins.ts";
export { InvalidTokenError, type ShopKeys } from "./shop-tokens.ts";

/** A shopper as a request proved them: the only way a shopper id comes into being. */
export interface ProvenShopper {
  /** The stored id, with its origin ("customer:1001", "anon:…", "bf:msteams:…", "phone:…"). */
  id: string;
  origin: Origin;
  /** From the shop's token, when it says. */
  name?: string;
  locale?: string;
  /** Anonymous visitors: their id, signed, for the client to present as its token next time. */
  anonymousToken?: string;
  /** The visitor presented an anonymous token this server did not sign (or that expired) and is a new visitor. */
  renewed?: boolean;
}

/**
 * Who a shopper is, from what they can prove: the shop's signed token for its customers, a token
 * this server issued to an anonymous visitor, a Bot Framework channel's authenticated account, or a
 * caller number the phone provider vouched for. Nothing a client merely names is ever an id.
 */
export class Identity {
  private constructor(
    private readonly shop: ShopTokenVerifier,
    private readonly anonymousTokens: AnonymousTokens,
    private readonly phoneKey: Buffer,
  ) {}

  static async create(options: { keys: ShopKeys; blobs: BlobStore }): Promise<Identity> {
    const shop = new ShopTokenVerifier(options.keys);
    const secret = await ServerSecret.load(options.blobs);
    return new Identity(shop, new AnonymousTokens(secret.key("anonymous-token")), secret.key("phone"));
  }

  /** The algorithms customer tokens may use here; empty when the shop configured none. */
  get customerAlgorithms(): string[] {
    return this.shop.algorithms;
  }

  /**
   * The shopper a token proves: no token makes a new anonymous visitor; a token this server issued
   * is that visitor again (one it cannot verify, a new visitor); any other token must be the shop's
   * valid signature for a customer, else it is refused with InvalidTokenError — never downgraded.
   */
  async prove(token: unknown, where = "auth.token"): Promise<ProvenShopper> {
    if (token === undefined || token === null || token === "") return this.anonymous();
    if (typeof token !== "string") throw new InvalidTokenError(`${where}: expected a string (a signed token)`);
    if (token.length > 8192) throw new InvalidTokenError(`${where}: at most 8192 characters`);
    if (AnonymousTokens.isOne(token)) {
      const id = await this.anonymousTokens.verify(token);
      return id ? { id, origin: "anon", anonymousToken: token } : { ...(await this.anonymous()), renewed: true };
    }
    const claims = await this.shop.verify(token, where);
    return { id: customerId(claims.sub), origin: "customer", ...(claims.name && { name: claims.name }), ...(claims.locale && { locale: claims.locale }) };
  }

  /** A new anonymous visitor, with the signed token their client keeps. */
  async anonymous(): Promise<ProvenShopper> {
    const id = newAnonymousId();
    return { id, origin: "anon", anonymousToken: await this.anonymousTokens.sign(id) };
  }

  /** A Bot Framework channel's account, as the channel (authenticated by the Bot Framework) named it. */
  channelAccount(channelId: string, accountId: string): ProvenShopper {
    if (!channelId || !accountId) throw new ConciergeError("invalid_input", "a Bot Framework account needs its channel and id", 400);
    return { id: botFrameworkId(channelId, accountId), origin: "bf" };
  }

  /** A caller the phone provider vouched for (E.164 number), or an anonymous one for this call only. */
  async caller(number: string | undefined): Promise<ProvenShopper> {
    if (!number) {
      const { id } = await this.anonymous();
      return { id, origin: "anon" };
    }
    return { id: phoneId(number, this.phoneKey), origin: "phone" };
  }

  /** Whether an id is one this module could have made (a well-formed id of a known origin). */
  static isShopperId(id: string): boolean {
    return originOf(id) !== undefined;
  }
}
