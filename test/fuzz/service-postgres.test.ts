import { requireServiceUrl } from "../services.ts";
import { fuzzTheService } from "./service.ts";

/**
 * The surfaces that write (chat turns, events, feedback through the admin API, Bot Framework turns)
 * on PostgreSQL, where a NUL or a lone surrogate used to make the store refuse the row (issue 13).
 */
const databaseUrl = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
if (databaseUrl) fuzzTheService("PostgreSQL", { messages: 300, socketEvents: 300, oddities: 0, httpEvents: 300, activities: 250, admin: 350 }, databaseUrl);
