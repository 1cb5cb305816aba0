import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ModelUnavailableError } from "../errors.ts";
import { createProgress } from "../progress.ts";

export interface DownloadProgress {
  url: string;
  /** Path of the file inside the model folder. */
  file: string;
  receivedBytes: number;
  /** From Content-Length; undefined when the server does not say. */
  totalBytes?: number;
}

export interface DownloadOptions {
  /** Longest wait for the response headers, and for each next chunk of the body: a stalled server fails instead of hanging. */
  timeoutMs?: number;
  onProgress?: (p: DownloadProgress) => void;
  /** Progress bar label; the bar goes to stderr unless CONCIERGE_QUIET. */
  label?: string;
  sha256?: string;
  /** Path shown in progress reports (defaults to the target's file name). */
  file?: string;
}

/** Thrown when the server answered but has no such file, so callers can skip optional files. */
export class HttpStatusError extends ModelUnavailableError {
  constructor(
    readonly url: string,
    readonly httpStatus: number,
  ) {
    super(`download failed: ${url} answered HTTP ${httpStatus}`);
  }
}

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Downloads `url` to `target` through a temporary file renamed into place only when complete and
 * checked, so an interrupted download never leaves a truncated model that looks present.
 */
export async function downloadFile(url: string, target: string, options: DownloadOptions = {}): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const file = options.file ?? path.basename(target);
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const fail = (what: string, cause?: unknown) =>
    new ModelUnavailableError(`download failed: ${url}: ${timedOut ? `no data for ${timeoutMs} ms (timed out)` : what}`, { cause });

  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.part-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  arm();
  try {
    let response: Response;
    try {
      // identity: with gzip, Content-Length would count compressed bytes and the size check would misfire.
      response = await fetch(url, { redirect: "follow", signal: controller.signal, headers: { "accept-encoding": "identity" } });
    } catch (err) {
      throw fail(describeNetworkError(err), err);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new HttpStatusError(url, response.status);
    }
    const lengthHeader = response.headers.get("content-length");
    const totalBytes = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const bar = createProgress(options.label ?? `downloading ${file}`, totalBytes ?? 0);
    const hash = options.sha256 ? createHash("sha256") : undefined;
    let receivedBytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        arm();
        receivedBytes += chunk.length;
        hash?.update(chunk);
        bar.tick(chunk.length);
        options.onProgress?.({ url, file, receivedBytes, totalBytes });
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), count, createWriteStream(temp));
    } catch (err) {
      throw fail(describeNetworkError(err), err);
    } finally {
      bar.stop();
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw fail(`received ${receivedBytes} bytes, expected ${totalBytes} (connection cut short)`);
    }
    if (hash && options.sha256) {
      const digest = hash.digest("hex");
      if (digest !== options.sha256) throw fail(`sha256 ${digest} does not match the expected ${options.sha256}`);
    }
    await rename(temp, target);
    return receivedBytes;
  } finally {
    clearTimeout(timer);
    await rm(temp, { force: true });
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = (err as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `${(cause as { code?: string }).code ?? ""} ${cause.message}`.trim() : "";
  return detail ? `${err.message} (${detail})` : err.message;
}
