/** The service's channel layer: HTTP, socket.io `/chat`, Bot Framework `/api/messages`, the widget and the demo shop page. */
export { type ConciergeServer, createServer, DEFAULT_BODY_LIMIT, DEFAULT_SOCKET_MAX_BYTES, type ServerDeps } from "./server.ts";
export { MAX_EVENTS_PER_REQUEST, parseEvents, type ParseEventsOptions } from "./events.ts";
export { type RateDecision, type RateLimiter, TokenBucketLimiter, type TokenBucketOptions } from "./rate-limit.ts";
export { checkText, parseMessage, runTurn, type RunTurnOptions, toWireReply, TurnTimeoutError, type WireReply } from "./turns.ts";
export { type BotAdapter, ConciergeAdapter, createBotAdapter } from "./botframework/adapter.ts";
export { parseActivity, toTurn } from "./botframework/activity.ts";
export { renderReply, type RenderOptions } from "./botframework/render.ts";
export { WELCOME_TEXT } from "./botframework/route.ts";
