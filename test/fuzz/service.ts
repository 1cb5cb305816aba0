import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { dropTestSchema, localServiceEnv, testSchemaName } from "../services.ts";
import { fuzzAdmin } from "./admin.ts";
import { fuzzActivities, normalActivityTurn, startChannel } from "./botframework.ts";
import { fuzzMessages, fuzzSocketEvents, fuzzSocketOddities, normalChatTurn, openChat } from "./chat.ts";
import { printCounts } from "./fuzz.ts";
import { fuzzHttpEvents } from "./http.ts";

/** How many generated inputs each surface gets on one backend; 0 leaves a surface out. */
export interface FuzzPlan {
  messages: number;
  socketEvents: number;
  oddities: number;
  httpEvents: number;
  activities: number;
  admin: number;
}

/**
 * The real service (store, catalogue, NLU, recommender, dialogs) on one backend under fuzzing,
 * surface by surface, each followed by a shopper asking for running shoes and getting some.
 * `databaseUrl` runs it on PostgreSQL in a schema of its own (the store makes it), dropped afterwards.
 */
export function fuzzTheService(label: string, plan: FuzzPlan, databaseUrl?: string): void {
  describe(`the service on ${label} under fuzzing`, () => {
    let service: RunningService;
    let dataDir: string;
    let base: string;
    let channel: Awaited<ReturnType<typeof startChannel>>;
    const schema = testSchemaName("fuzz");

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "concierge-fuzz-"));
      const env = localServiceEnv(dataDir, {
        // The anonymous Bot Framework endpoint, open to this machine only.
        CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1",
        CONCIERGE_VOICE: "off",
        // Thousands of inputs a minute from one address and one shopper: the limits are tested elsewhere.
        RATE_LIMIT_BURST: "1000000",
        RATE_LIMIT_PER_SECOND: "1000000",
        RATE_LIMIT_PER_IP_PER_MINUTE: "0",
        RATE_LIMIT_EVENTS_PER_MINUTE: "0",
        MAX_CONNECTIONS_PER_IP: "0",
        MAX_TURNS_PER_SECOND: "0",
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : {}),
      });
      service = await startService(loadConfig(env), createLogger("silent"));
      await service.ready;
      base = `http://127.0.0.1:${service.port}`;
      channel = await startChannel();
    }, 180_000);

    afterAll(async () => {
      await channel?.close();
      await service?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropTestSchema(databaseUrl, schema);
      printCounts(label);
    });

    /** How many events the store holds for the shopper an anonymous token proves. */
    const storedEvents = async (token: string) => (await service.store.shoppers.eventsForUser(String(decodeJwt(token).sub))).length;
    /** A new anonymous visitor's token, as the chat's session event hands it out. */
    const visitorToken = async () => {
      const visitor = await openChat(service.port);
      visitor.close();
      return visitor.token;
    };

    const surfaces: [keyof FuzzPlan, string, (runs: number) => Promise<void>][] = [
      ["messages", "/chat message: every payload answered with a reply or an error naming the field", (runs) => fuzzMessages(label, service.port, runs)],
      ["socketEvents", "/chat event: every payload acknowledged, or refused naming the field; what is acknowledged is stored", (runs) => fuzzSocketEvents(label, service.port, runs, storedEvents)],
      ["oddities", "/chat: unknown events and emits without an acknowledgement get an error naming them", (runs) => fuzzSocketOddities(label, service.port, runs)],
      [
        "httpEvents",
        "POST /api/events: with and without a token, malformed bodies, every answer 202 or a 4xx naming the field",
        async (runs) => {
          const token = await visitorToken();
          await fuzzHttpEvents(label, base, token, runs, () => storedEvents(token));
        },
      ],
      [
        "activities",
        "POST /api/messages: malformed activities answered 4xx naming the field, valid ones answered",
        async (runs) => {
          await fuzzActivities(label, base, channel.url, runs);
          // Replies went out to the channel for the activities that asked for normal delivery.
          expect(channel.posts).toBeGreaterThan(0);
          await normalActivityTurn(base, channel.url);
        },
      ],
      ["admin", "the admin API and the public experiment endpoints: every answer 2xx or a 4xx naming the field", async (runs) => fuzzAdmin(label, base, await visitorToken(), runs)],
    ];
    for (const [key, title, run] of surfaces) {
      if (!plan[key]) continue;
      it(title, async () => {
        await run(plan[key]);
        await normalChatTurn(service.port);
      });
    }
  });
}
