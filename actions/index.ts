/**
 * Actions through the shop's own systems: a signed webhook for order status, returns, stock at a
 * store and the human hand-off, and a Slack/Teams incoming webhook for hand-offs. The dialogs use
 * this front door only; docs/actions.md is the contract a shop implements.
 */
export { ActionError, type ActionFailure } from "./errors.ts";
export { postToIncomingWebhook } from "./incoming.ts";
export { SIGNATURE_HEADER, signBody, verifySignature } from "./sign.ts";
export { ACTION_NAMES, type ActionAnswer, type ActionEntities, type ActionName, type ActionRequest, type Actions, actionAnswerSchema } from "./types.ts";
export { parseAnswer, WebhookActions, type WebhookOptions } from "./webhook.ts";
export { actionsFromConfig, type ActionsSetup } from "./setup.ts";
