import { execFile } from "node:child_process";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PayloadTooLargeError } from "../../core/errors.ts";
import { InvalidAudioError } from "../errors.ts";
import type { Pcm } from "../types.ts";
import { DEFAULT_WAV_LIMITS, readWavFile, type WavLimits } from "./wav.ts";

/** The longest a conversion may take: an hour of FLAC decodes in seconds. */
const SOX_TIMEOUT_MS = 120_000;

async function startsLikeWav(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = new Uint8Array(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    const text = new TextDecoder("latin1").decode(head.subarray(0, bytesRead));
    return /^(RIFF|RF64)....WAVE/s.test(text);
  } finally {
    await handle.close();
  }
}

/**
 * An audio file as PCM: WAV natively; anything else (FLAC, Ogg, MP3 — the formats public speech
 * sets ship in) through sox, which the voice path installs anyway. The result is mono at the
 * file's own rate, as readWavFile gives it.
 */
export async function readAudioFile(file: string, limits: WavLimits = {}): Promise<Pcm> {
  let size: number;
  let wav: boolean;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new InvalidAudioError(`${file}: not a file`);
    size = s.size;
    wav = await startsLikeWav(file);
  } catch (err) {
    if (err instanceof InvalidAudioError) throw err;
    throw new InvalidAudioError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (wav) return readWavFile(file, limits);
  const { maxBytes, maxSeconds } = { ...DEFAULT_WAV_LIMITS, ...limits };
  if (size > maxBytes) throw new PayloadTooLargeError(`${file}: ${size} bytes is more than the ${maxBytes} accepted`);
  const dir = await mkdtemp(path.join(tmpdir(), "concierge-audio-"));
  const decoded = path.join(dir, "decoded.wav");
  try {
    await new Promise<void>((resolve, reject) => {
      // Cut one second past the limit: a small compressed file must not become a huge WAV on disk.
      const args = [file, "-t", "wav", "-e", "signed-integer", "-b", "16", "-c", "1", decoded, "trim", "0", String(maxSeconds + 1)];
      execFile("sox", args, { timeout: SOX_TIMEOUT_MS }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(new InvalidAudioError(`${file}: not a WAV file, and sox (which reads FLAC, Ogg and MP3) is not installed: apt-get install sox libsox-fmt-mp3`));
        }
        const why = String(stderr).trim().split("\n").at(-1)?.replace(/^sox FAIL \w+:\s*/, "") || err.message;
        reject(new InvalidAudioError(`${file}: not audio that can be read (${why}); give WAV, FLAC, Ogg or MP3`));
      });
    });
    // Decoded, it is bigger than the file was: bounded by its length (up to 192 kHz, 16-bit mono).
    return await readWavFile(decoded, { maxSeconds, maxBytes: Math.max(maxBytes, Math.ceil((maxSeconds + 1) * 384_000) + 4096) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
