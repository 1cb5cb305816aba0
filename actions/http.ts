import { ActionError } from "./errors.ts";

/** A webhook's answer is a short JSON document; more than this is not an answer. */
export const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * POSTs a body and reads the answer as text, within the signal's deadline. Redirects are refused
 * (the signature was made for this URL), a status outside 2xx and a body over MAX_ANSWER_BYTES
 * are errors, and a deadline that passes is a timeout, whichever step it interrupts.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, signal: AbortSignal, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers }, signal, redirect: "error" });
    const text = await readCapped(res, signal);
    if (res.status < 200 || res.status > 299) throw new ActionError("http_status", `the webhook answered HTTP ${res.status}`);
    return { status: res.status, text };
  } catch (err) {
    if (err instanceof ActionError) throw err;
    if (signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      if (reason?.name === "TimeoutError") throw new ActionError("timeout", `the webhook did not answer within ${timeoutMs} ms`, { cause: err });
      throw signal.reason;
    }
    throw new ActionError("unreachable", `the webhook could not be reached: ${causeOf(err)}`, { cause: err });
  }
}

async function readCapped(res: Response, signal: AbortSignal): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    signal.throwIfAborted();
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ActionError("bad_answer", `the webhook's answer is over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const causeOf = (err: unknown): string => {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
};
