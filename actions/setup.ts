import type { ActionSettings } from "../core/config.ts";
import { postToIncomingWebhook } from "./incoming.ts";
import type { Actions } from "./types.ts";
import { WebhookActions } from "./webhook.ts";

/** What the dialogs get: the webhook when configured, and where a hand-off is posted. */
export interface ActionsSetup {
  webhook?: Actions;
  /** Posts a hand-off message to the Slack/Teams incoming webhook, when one is configured. */
  notify?: (text: string, signal?: AbortSignal) => Promise<void>;
}

export function actionsFromConfig(settings: ActionSettings | undefined): ActionsSetup {
  if (!settings) return {};
  const { webhook, handoffUrl, timeoutMs, concurrency } = settings;
  return {
    webhook: webhook ? new WebhookActions({ url: webhook.url, secret: webhook.secret, timeoutMs, concurrency }) : undefined,
    notify: handoffUrl ? (text, signal) => postToIncomingWebhook(handoffUrl, text, { timeoutMs, signal }) : undefined,
  };
}
