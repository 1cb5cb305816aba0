import { normalizeForWer } from "../eval/wer.ts";

/**
 * Whether a transcript is (mostly) the reply being played, heard back through the microphone: a
 * second line of defence after the acoustic comparison, so an echo that slipped through does not
 * become a turn that answers the assistant's own words. Most of the transcript's words must occur
 * in the reply, in order-insensitive bag-of-words terms (the recogniser garbles echoes).
 */
export function transcriptEchoes(transcript: string, replyText: string, minShare = 0.7): boolean {
  const heard = normalizeForWer(transcript);
  if (heard.length < 2 || !replyText) return false;
  const said = new Set(normalizeForWer(replyText));
  const shared = heard.filter((w) => said.has(w)).length;
  return shared / heard.length >= minShare;
}
