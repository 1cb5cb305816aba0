import { postJson } from "./http.ts";

/**
 * Posts a message to a Slack or Microsoft Teams incoming webhook (CONCIERGE_HANDOFF_URL): both take
 * `{"text": …}`. Resolves when the chat service accepted it; throws ActionError otherwise.
 */
export async function postToIncomingWebhook(url: string, text: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  await postJson(url, JSON.stringify({ text }), {}, signal, timeoutMs);
}
