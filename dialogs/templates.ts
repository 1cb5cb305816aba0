/**
 * Every sentence the templated tier says lives in replies/ (the shipped wording per locale, which a
 * shop's CONCIERGE_REPLIES_FILE overrides); the flows keep importing say() and suggest() from here.
 */
export { type ReplyKey as TemplateKey, type SuggestionSet, say, suggest } from "./replies/index.ts";
